"""What the start-up sequence asks the worker thread to do: open and upgrade the database, find out
whether anyone can log in, build the demo plant. No Qt here; `app.ui.startup` drives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, default_db_url
from app.db import make_engine, make_session_factory, normalise_url
from app.services import schema
from app.services.permissions import SYSTEM
from app.services.users import has_users, list_users


@dataclass
class OpenedDatabase:
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    has_users: bool
    embedded: bool  # the default SQLite file of this PC, where a first start builds the demo plant
    backup: Path | None = None
    demo_logins: dict[str, Any] = field(default_factory=dict)


def open_database(settings: Settings, override: str | None) -> OpenedDatabase:
    """Resolve the URL, connect, upgrade the schema (after a backup), look for users."""
    url = settings.db_url(override)
    engine = make_engine(url)
    try:
        backup = schema.upgrade(engine)
        factory = make_session_factory(engine)
        embedded = normalise_url(url) == normalise_url(default_db_url())
        users = has_users(factory)
        logins = demo_logins_present(factory) if embedded and users else {}
        return OpenedDatabase(url, engine, factory, users, embedded, backup, logins)
    except BaseException:
        engine.dispose()
        raise


def demo_logins_present(factory: sessionmaker[Session]) -> dict[str, Any]:
    """The demo cast's logins when this database is a demo plant (all its users are there), else {}."""
    try:
        from app.services.demo.catalogue import USERS
    except ImportError:
        return {}
    present = {user.username for user in list_users(factory) if user.active}
    cast = {user.username: user.role for user in USERS}
    return cast if cast and set(cast) <= present else {}


def build_demo(factory: sessionmaker[Session], units: int, **control: Any) -> Any:
    """The demo generator is imported only on the first start of an empty embedded database."""
    from app.services.demo import build_demo_plant

    return build_demo_plant(factory, SYSTEM, units=units, **control)
