"""What every CLI command needs: the database chosen by --db/settings, and a password asked politely."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import make_engine, make_session_factory
from app.services import schema
from app.services.errors import DomainError
from app.services.permissions import Actor
from app.services.users import authenticate


_opened: list[Engine] = []


def open_engine(args: argparse.Namespace) -> Engine:
    """The engine for --db (or the settings); closed by `close_databases` when the command ends."""
    engine = make_engine(Settings().db_url(args.db))
    _opened.append(engine)
    return engine


def open_database(args: argparse.Namespace) -> sessionmaker[Session]:
    """The session factory for --db (or the settings), with the schema brought up to date first."""
    engine = open_engine(args)
    schema.upgrade(engine)
    return make_session_factory(engine)


def close_databases() -> None:
    # Pooled server connections left to the garbage collector end with ResourceWarnings at exit.
    while _opened:
        _opened.pop().dispose()


def read_secret(prompt: str) -> str:
    """Prompt without echo on a terminal; from a pipe, read the next line (for scripts)."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        raise DomainError(f"{prompt.rstrip(': ')} was expected on standard input but none was given.")
    return line.rstrip("\r\n")


def login(factory: sessionmaker[Session], username: str) -> Actor:
    return authenticate(factory, username, read_secret(f"Password for {username}: "))
