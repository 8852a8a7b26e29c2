"""Schema migrations with Alembic: upgrade to the newest revision, after a backup of a SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.services.errors import SchemaTooNew


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("app") / "migrations"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    current = current_revision(engine)
    if current == head_revision():
        return False
    known = {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
    if current is not None and current not in known:
        raise SchemaTooNew(
            f"The database was made by a newer Threadline (schema {current}). "
            "Install the newer version on this bench PC; this one would damage it."
        )
    return True


def backup_sqlite(engine: Engine) -> Path | None:
    """Copy a SQLite database beside itself with the online backup API (safe while others read)."""
    path = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not path or not Path(path).exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = Path(path).with_name(f"{Path(path).stem}-backup-{stamp}.db")
    with sqlite3.connect(path) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    return target


def upgrade(engine: Engine, *, backup: bool = True) -> Path | None:
    """Bring the schema to the newest revision; returns the backup file made first, if any."""
    if not needs_upgrade(engine):
        return None
    backup_path = backup_sqlite(engine) if backup and current_revision(engine) is not None else None
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return backup_path
