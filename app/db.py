"""Opening the database: engines tuned per backend, session factories, readable connection errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from app.services.errors import DatabaseUnavailable

SessionFactory = sessionmaker[Session]


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (`postgresql://…`) and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def describe_url(url: str) -> str:
    """What the status bar shows: the file for SQLite, host/database for a server, never a password."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {parsed.database or 'in memory'}"
    return f"PostgreSQL {parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the GUI read while a worker writes; FULL makes a confirmed commit survive a power cut.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, *, schema: str | None = None, check: bool = True) -> Engine:
    """An engine for `url`; with `check`, connect once so a wrong URL fails here, in words."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"'{url}' is not a database URL. Use a file path URL such as "
                                  "sqlite:///C:/data/threadline.db or postgresql://user@server/threadline.") from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    else:
        connect_args: dict[str, Any] = {"connect_timeout": 5}
        if schema:
            connect_args["options"] = f"-csearch_path={schema}"
        # The password from the keyring (or env / opt-in file) and TLS settings: never part of the URL.
        from app.services.credentials import connect_args as stored_connect_args

        connect_args.update(stored_connect_args(parsed))
        kwargs.update(connect_args=connect_args, pool_pre_ping=True)
    try:
        engine = create_engine(url, **kwargs)
    except NoSuchModuleError as exc:
        raise DatabaseUnavailable(f"Threadline cannot talk to '{parsed.get_backend_name()}' databases; "
                                  "use SQLite or PostgreSQL.") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if check:
        check_connection(engine)
    return engine


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        where = describe_url(engine.url.render_as_string(hide_password=True))
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"Cannot open the database {where}: {detail}. Check that the server is running and reachable, "
            "that the user name and password are right, and that the database exists."
        ) from exc


def make_session_factory(engine: Engine) -> SessionFactory:
    # expire_on_commit=False: services hand rows back to callers after the session is closed.
    return sessionmaker(engine, expire_on_commit=False)
