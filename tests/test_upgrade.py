"""Updating Threadline: a database made by an older schema revision is backed up, then migrated, with its rows
intact; without a backup nothing is migrated unless the person overrides it; the release notes say what changed."""

from __future__ import annotations

import json
import sqlite3
import types
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, inspect, text

import app
from app.db import make_engine
from app.models import PartDefinition, Role, Tracking, User
from app.services import backup as backups
from app.services import release_notes, schema
from app.services.users import hash_password
from tests.conftest import ADMIN_PASSWORD

OLD = "0007"  # the revision before user work centres (0008)


def migrate_to(engine, revision: str) -> None:
    config = schema._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def old_rows(engine) -> dict[str, uuid.UUID]:
    """A user and a part, written with the tables as they are at OLD (the ORM's tables match them there)."""
    ids = {"user": uuid.uuid4(), "part": uuid.uuid4()}
    with engine.begin() as conn:
        conn.execute(insert(User.__table__), {"id": ids["user"], "username": "admin", "full_name": "Ada Admin",
                                              "role": Role.ADMIN, "password_hash": hash_password(ADMIN_PASSWORD),
                                              "active": True, "failed_logins": 0})
        conn.execute(insert(PartDefinition.__table__), {"id": ids["part"], "part_number": "VB-4711",
                                                        "revision": "C", "description": "Valve body",
                                                        "tracking": Tracking.SERIAL})
    return ids


@pytest.fixture
def old_database(db_url):
    """A database with data, migrated only as far as OLD — as an older Threadline left it."""
    engine = make_engine(db_url)
    migrate_to(engine, OLD)
    ids = old_rows(engine)
    yield engine, ids
    engine.dispose()


def backed_up_revision(backup: Path, engine) -> tuple[str | None, set[str]]:
    """The schema revision and tables the backup holds: SQLite by opening the copy, PostgreSQL from the
    manifest taken in the same snapshot as the pg_dump archive (plus the archive's own table of contents)."""
    if engine.dialect.name == "sqlite":
        with closing(sqlite3.connect(backup)) as copy:
            revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return revision, tables
    manifest = json.loads(Path(str(backup) + backups.MANIFEST_SUFFIX).read_text(encoding="utf-8"))
    assert manifest["backend"] == "postgresql" and manifest["tables"]["alembic_version"]["rows"] == 1
    assert manifest["tables"]["users"]["rows"] == 1
    return None, set(manifest["tables"])


def test_an_old_database_is_backed_up_then_migrated_with_its_rows(old_database, tmp_path):
    engine, ids = old_database
    assert schema.current_revision(engine) == OLD and schema.needs_upgrade(engine)

    backup = schema.upgrade(engine, backup_dir=tmp_path / "backups")

    assert schema.current_revision(engine) == schema.HEAD and not schema.needs_upgrade(engine)
    assert inspect(engine).has_table("user_work_centres")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username, full_name FROM users")).one() == ("admin", "Ada Admin")
        assert conn.execute(text("SELECT part_number, revision FROM part_definitions")).one() == ("VB-4711", "C")
    assert backup is not None and backup.parent == tmp_path / "backups" and backup.stat().st_size > 0
    revision, tables = backed_up_revision(backup, engine)
    assert "user_work_centres" not in tables and {"users", "part_definitions", "api_tokens"} <= tables
    if engine.dialect.name == "sqlite":
        assert revision == OLD
    # Upgrading again costs nothing and backs nothing up.
    assert schema.upgrade(engine, backup_dir=tmp_path / "backups") is None
    assert len(list((tmp_path / "backups").glob("threadline-*.db"))) + len(
        list((tmp_path / "backups").glob("threadline-*.dump"))) == 1


def _no_backup_possible(monkeypatch, engine, tmp_path) -> Path:
    """Make the backup fail the way it does on a real bench PC: PostgreSQL without its client tools
    (pg_dump on neither PATH nor the usual install folders); SQLite with a backup folder that is a file."""
    if engine.dialect.name == "postgresql":
        monkeypatch.setattr(backups.shutil, "which", lambda _name: None)
        monkeypatch.setattr(backups, "glob", types.SimpleNamespace(glob=lambda _pattern: [], escape=str))
        return tmp_path / "backups"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backup folder should be", encoding="utf-8")
    return blocked


def test_no_migration_without_a_backup(old_database, tmp_path, monkeypatch):
    engine, _ids = old_database
    monkeypatch.delenv(schema.UPGRADE_WITHOUT_BACKUP_ENV, raising=False)
    folder = _no_backup_possible(monkeypatch, engine, tmp_path)

    with pytest.raises(schema.UpgradeNotBackedUp) as refused:
        schema.upgrade(engine, backup_dir=folder)

    message = str(refused.value)
    assert f"schema {OLD} to {schema.HEAD}" in message and "nothing was changed" in message
    assert f"{schema.UPGRADE_WITHOUT_BACKUP_ENV}=1" in message
    if engine.dialect.name == "postgresql":
        assert "pg_dump was not found on this PC" in message and "Install the PostgreSQL client tools" in message
    assert "Traceback" not in message
    assert schema.current_revision(engine) == OLD and not inspect(engine).has_table("user_work_centres")


def test_the_override_migrates_without_a_backup(old_database, tmp_path, monkeypatch):
    engine, _ids = old_database
    folder = _no_backup_possible(monkeypatch, engine, tmp_path)
    monkeypatch.setenv(schema.UPGRADE_WITHOUT_BACKUP_ENV, "1")

    assert schema.upgrade(engine, backup_dir=folder) is None

    assert schema.current_revision(engine) == schema.HEAD
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1


def test_a_current_database_is_not_backed_up(engine, tmp_path):
    assert schema.upgrade(engine, backup_dir=tmp_path / "backups") is None
    assert not (tmp_path / "backups").exists()


NOTES = """# What changed

## 0.3.0

- Third: `threadline db info` shows more.
- A long item
  that wraps.

## 0.10.0

- Tenth.

## 0.2.0
- Second.
## 0.1.0
Not an item, ignored.
- First.
"""


def test_release_notes_newer_than_a_version():
    notes = release_notes.parse_notes(NOTES)
    assert [n.version for n in notes] == ["0.10.0", "0.3.0", "0.2.0", "0.1.0"]  # 0.10 is newer than 0.3
    assert notes[1].lines == ("Third: `threadline db info` shows more.", "A long item that wraps.")
    between = release_notes.notes_between("0.1.0", "0.3", notes)
    assert [n.version for n in between] == ["0.3.0", "0.2.0"]
    assert [n.version for n in release_notes.notes_between(None, "0.2.0", notes)] == ["0.2.0", "0.1.0"]
    assert release_notes.notes_between("0.3.0", "0.3.0", notes) == []


def test_when_to_say_threadline_was_updated():
    notes = release_notes.parse_notes(NOTES)
    notice = release_notes.update_notice("0.1.0", "0.3.0", notes=notes)
    assert notice.previous_version == "0.1.0" and [n.version for n in notice.notes] == ["0.3.0", "0.2.0"]
    assert release_notes.update_notice(None, "0.3.0", notes=notes) is None  # a PC's first start
    assert release_notes.update_notice("0.3.0", "0.3.0", notes=notes) is None  # started again
    assert release_notes.update_notice("0.10.0", "0.3.0", notes=notes) is None  # an older one started
    migrated = release_notes.update_notice(None, "0.3.0", migrated_from="0007", backup=Path("b.db"), notes=notes)
    assert migrated.migrated_from == "0007" and [n.version for n in migrated.notes] == ["0.3.0"]


def test_the_shipped_notes_describe_this_version():
    shipped = release_notes.shipped_notes()
    assert shipped and all(note.lines for note in shipped)
    assert shipped[0].version == app.__version__, "add a '## <version>' entry to app/resources/changes.md"


def test_a_database_from_before_the_hash_chain_is_backed_up_and_its_backup_restores(db_url, tmp_path):
    """Schema 0004 has an audit trail but no hash chain: the backup before its upgrade has no head to anchor,
    and restoring it is complete without a chain to check (it used to fail on the missing entry_hash)."""
    engine = make_engine(db_url)
    try:
        migrate_to(engine, "0004")
        backup = schema.upgrade(engine, backup_dir=tmp_path / "backups")
        assert schema.current_revision(engine) == schema.HEAD
    finally:
        engine.dispose()
    manifest = json.loads(Path(str(backup) + backups.MANIFEST_SUFFIX).read_text(encoding="utf-8"))
    assert manifest["audit_head"] is None and "audit_events" in manifest["tables"]
    report = backups.restore_verify(backup, url=db_url)
    assert report.complete, report
    assert report.audit_chain == "not checked (the restored database has no hash-chained audit trail)"
