"""What the start-up sequence asks the worker thread to do: open and upgrade the database, find out
whether anyone can log in, build the demo plant. No Qt here; `app.ui.startup` drives it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, data_dir, default_db_url
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
    # The revision of a database with data that this version must migrate: set while `upgrade_database`
    # has yet to run (has_users is not known then), and kept afterwards to say what was migrated.
    upgrade_from: str | None = None
    upgraded: bool = False


def open_database(settings: Settings, override: str | None) -> OpenedDatabase:
    """Resolve the URL, connect, look for users. A schema that is current costs one query; a new, empty
    database gets its tables here; a database with data on an older schema comes back with `upgrade_from`
    set, for `upgrade_database` — so the window can say "backing up …" while that runs."""
    url = settings.db_url(override)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        embedded = normalise_url(url) == normalise_url(default_db_url())
        database = OpenedDatabase(url, engine, factory, False, embedded)
        if schema.needs_upgrade(engine):  # raises SchemaTooNew for a database of a newer release
            found = schema.current_revision(engine)
            if found is not None:
                return replace(database, upgrade_from=found)
            schema.upgrade(engine)  # a new, empty database: nothing in it to back up
        return _look_for_users(database)
    except BaseException:
        engine.dispose()
        raise


def upgrade_database(database: OpenedDatabase, settings: Settings) -> OpenedDatabase:
    """Back the database up into the backup folder, migrate it to this version's schema, look for users."""
    try:
        backup = schema.upgrade(database.engine, backup_dir=backup_dir(settings))
        return _look_for_users(replace(database, backup=backup, upgraded=True))
    except BaseException:
        database.engine.dispose()
        raise


def backup_dir(settings: Settings) -> Path:
    """Where backups go: the backup.dir setting, else 'backups' in the data directory (as `threadline backup`)."""
    configured = settings.get("backup.dir")
    return Path(configured) if configured else data_dir() / "backups"


def _look_for_users(database: OpenedDatabase) -> OpenedDatabase:
    users = has_users(database.factory)
    logins = demo_logins_present(database.factory) if database.embedded and users else {}
    return replace(database, has_users=users, demo_logins=logins)


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
