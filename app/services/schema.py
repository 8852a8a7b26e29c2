"""Schema migrations with Alembic: upgrade to the newest revision, after a backup of a SQLite file.

The common case on start-up — the schema is already current — is answered with one query and without
importing Alembic; Alembic is loaded only when there is something to migrate.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from app.services.errors import SchemaTooNew

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in app/migrations/versions; tests/test_schema.py checks it against Alembic's head.
HEAD = "0008"


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("app") / "migrations"))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def needs_upgrade(engine: Engine) -> bool:
    current = current_revision(engine)
    if current == HEAD:
        return False
    from alembic.script import ScriptDirectory

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
    from alembic import command

    backup_path = backup_sqlite(engine) if backup and current_revision(engine) is not None else None
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return backup_path
