"""Schema migrations with Alembic: upgrade to the newest revision, never without a backup first.

The common case on start-up — the schema is already current — is answered with one query and without
importing Alembic; Alembic and the backup service are loaded only when there is something to migrate.
Before migrating a database that holds data, it is backed up (SQLite: an online copy; PostgreSQL: pg_dump)
into the backup folder. If that fails, nothing is migrated unless the person explicitly says they have a
backup of their own (UPGRADE_WITHOUT_BACKUP_ENV).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from app.services.errors import DomainError, SchemaTooNew

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The newest revision in app/migrations/versions; tests/test_schema.py checks it against Alembic's head.
HEAD = "0008"

# Set to 1 to migrate although the backup before it could not be made (the person backed up by hand).
UPGRADE_WITHOUT_BACKUP_ENV = "THREADLINE_UPGRADE_WITHOUT_BACKUP"


class UpgradeNotBackedUp(DomainError):
    """The schema must be migrated, the backup before it failed, and no override was given."""


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


def upgrade(engine: Engine, *, backup: bool = True, backup_dir: Path | None = None) -> Path | None:
    """Bring the schema to the newest revision; returns the backup file made first, if any.

    A database with data (an alembic_version row) is backed up into `backup_dir` (default: the backup.dir
    setting) before anything changes; a new, empty one is not. `backup=False` is for tests and tools that
    made their own copy."""
    if not needs_upgrade(engine):
        return None
    from alembic import command

    current = current_revision(engine)
    backup_path = _backup_before_upgrade(engine, current, backup_dir) if backup and current is not None else None
    config = _alembic_config()
    with engine.begin() as conn:
        _one_upgrade_at_a_time(conn)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")  # after waiting for another PC's upgrade, Alembic finds it at head
    return backup_path


def _one_upgrade_at_a_time(conn: Connection) -> None:
    """Bench PCs started together on an old shared database: the first migrates, the others wait for it
    (a transaction-scoped lock per schema) and then have nothing left to do. SQLite's write lock does this."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('threadline-upgrade:' || current_schema()))"))


def _backup_before_upgrade(engine: Engine, current: str, backup_dir: Path | None) -> Path | None:
    from app.db import describe_url
    from app.services import backup as backups

    url = engine.url.render_as_string(hide_password=False)
    try:
        return backups.backup(url, backup_dir).path
    except Exception as exc:  # noqa: BLE001 - whatever stopped the backup, the answer is the same: stop
        log.warning("Backup before the schema upgrade %s → %s failed: %s", current, HEAD, exc, exc_info=True)
        reason = str(exc) if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        if os.environ.get(UPGRADE_WITHOUT_BACKUP_ENV, "").strip() == "1":
            log.warning("%s=1: upgrading %s without a backup", UPGRADE_WITHOUT_BACKUP_ENV, describe_url(url))
            return None
        raise UpgradeNotBackedUp(
            f"This version of Threadline must upgrade the database {describe_url(url)} (schema {current} to "
            f"{HEAD}) and backs it up first, but the backup failed, so nothing was changed: {reason} "
            f"If that cannot be fixed here, back the database up by hand, then start Threadline once with the "
            f"environment variable {UPGRADE_WITHOUT_BACKUP_ENV}=1 to upgrade without a backup.") from exc
