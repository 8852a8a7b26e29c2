"""What every CLI command needs: the database chosen by --db/settings, and a password asked politely."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import make_engine, make_session_factory
from app.services import schema
from app.services.errors import DomainError
from app.services.permissions import Actor
from app.services.users import authenticate


def open_database(args: argparse.Namespace) -> sessionmaker[Session]:
    """The session factory for --db (or the settings), with the schema brought up to date first."""
    engine = make_engine(Settings().db_url(args.db))
    schema.upgrade(engine)
    return make_session_factory(engine)


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
