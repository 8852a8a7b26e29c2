"""Backups on both databases: back up, restore into a fresh database, verify complete; a tampered backup is
caught and the changed table named; pruning keeps the newest; the password never reaches a command line."""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from app import cli
from app.db import make_engine
from app.models import Role
from app.services import backup as backups
from app.services.users import add_user
from tests.conftest import PG_URL


@pytest.fixture
def populated(db_url, factory, admin):
    """A migrated database with users and their audit rows: UUIDs, times, JSON, text, integers."""
    for n, role in enumerate((Role.OPERATOR, Role.INSPECTOR, Role.SUPERVISOR)):
        add_user(factory, admin, username=f"user{n}", full_name=f"Müller-{n} \"quoted\"", role=role,
                 password="password-123")
    return db_url


def _rename_user(conn: Connection) -> None:
    conn.execute(text("UPDATE users SET full_name = 'Mallory' WHERE username = 'user1'"))


def _tamper(backup_file: Path, url: str, change: Callable[[Connection], None] = _rename_user) -> None:
    """Make `change` (default: change one user's name) inside the backup copy itself."""
    if backup_file.suffix == ".db":
        engine = make_engine(f"sqlite:///{backup_file}")
        with engine.begin() as conn:
            change(conn)
        engine.dispose()
        return
    # A custom-format archive is compressed: restore it, change the row, dump it again over the file. The
    # test's schema steps aside meanwhile (cheaper than a scratch database, whose DROP forces a checkpoint).
    schema = backups._search_path(make_url(url))
    parsed = make_url(url)
    env, args = backups._pg_env(parsed), backups._pg_args(parsed)
    admin = make_engine(PG_URL)
    try:
        with admin.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_live"')
            try:
                backups._run([backups.find_pg_tool("pg_restore"), "--no-owner", *args, str(backup_file)], env,
                             "pg_restore")
                conn.exec_driver_sql(f'SET search_path TO "{schema}"')
                change(conn)
                backups._run([backups.find_pg_tool("pg_dump"), "--format=custom", "--file", str(backup_file),
                              "--schema", schema, *args], env, "pg_dump")
            finally:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                conn.exec_driver_sql(f'ALTER SCHEMA "{schema}_live" RENAME TO "{schema}"')
    finally:
        admin.dispose()


def test_tampered_backup_names_the_table(populated, tmp_path):
    made = backups.backup(populated, tmp_path / "backups")
    assert made.path.exists() and made.manifest.exists() and made.tables > 20
    manifest = json.loads(made.manifest.read_text())
    assert manifest["tables"]["users"]["rows"] == 4 and manifest["tables"]["audit_events"]["rows"] >= 4
    assert manifest["tables"]["users"]["columns"] == sorted(manifest["tables"]["users"]["columns"])

    _tamper(made.path, populated)
    tampered = backups.restore_verify(made.path, url=populated)
    text_report, json_report = map(Path, tampered.report_files)
    assert not tampered.complete
    assert tampered.differing == ["users"]
    assert "same number of rows, different content" in tampered.to_text()
    assert "INCOMPLETE: these tables differ from the source: users" in text_report.read_text()
    assert json.loads(json_report.read_text())["differing_tables"] == ["users"]


def test_backup_while_a_station_writes_is_consistent(populated, factory, admin, tmp_path):
    """The manifest and the copy come from one snapshot: users added during the backup are in both or in
    neither, so the restore still verifies complete."""
    stop = threading.Event()
    written: list[str] = []

    def station() -> None:
        while not stop.is_set():
            name = f"late{len(written)}"
            add_user(factory, admin, username=name, full_name="Late", role=Role.OPERATOR,
                     password="password-123")
            written.append(name)

    writer = threading.Thread(target=station)
    writer.start()
    try:
        while len(written) < 2:  # writes are under way before the backup starts
            stop.wait(0.01)
        made = backups.backup(populated, tmp_path)
    finally:
        stop.set()
        writer.join(30)
    report = backups.restore_verify(made.path, url=populated)
    assert report.complete, report.to_text()
    assert report.differing == []
    users = next(check for check in report.tables if check.table == "users")
    assert users.expected_rows == users.restored_rows and 4 + 2 <= users.restored_rows <= 4 + len(written)
    text_report, json_report = map(Path, report.report_files)
    assert "COMPLETE: every table restored" in text_report.read_text()
    assert json.loads(json_report.read_text())["complete"] is True


def test_cli_backup_and_restore_verify(populated, tmp_path):
    out = io.StringIO()
    assert cli.execute(cli.parse_args(["--db", populated, "backup", "-o", str(tmp_path), "--json"]), out) == 0
    made = json.loads(out.getvalue())
    out = io.StringIO()
    argv = ["--db", populated, "restore", "--verify", made["path"], "--json"]
    code = cli.execute(cli.parse_args(argv), out)
    report = json.loads(out.getvalue())
    assert code == 0 and report["complete"] is True and report["differing_tables"] == []
    assert {t["table"] for t in report["tables"]} >= {"users", "audit_events", "alembic_version"}

    path = Path(made["path"])
    path.write_bytes(path.read_bytes()[: made["bytes"] // 3])  # cut short: a full disk, a broken transfer
    out = io.StringIO()
    assert cli.execute(cli.parse_args(["--db", populated, "restore", "--verify", str(path)]), out) == 2
    assert "restore failed" in out.getvalue() and "INCOMPLETE" in out.getvalue()
    assert "table missing from the restored database" in out.getvalue()


def test_verify_refuses_a_backup_without_manifest(tmp_path):
    stray = tmp_path / "copy.db"
    stray.write_bytes(b"")
    err = io.StringIO()
    assert cli.execute(cli.parse_args(["restore", "--verify", str(stray)]), io.StringIO(), err) == 1
    assert "has no manifest" in err.getvalue()


def test_prune_keeps_newest_and_deletes_old_with_their_reports(tmp_path):
    now = datetime(2026, 6, 1, tzinfo=UTC)
    made = []
    for days in (0, 1, 10, 40, 100, 200):
        stamp = (now - timedelta(days=days)).strftime("%Y%m%dT%H%M%SZ")
        path = tmp_path / f"threadline-sqlite-{stamp}.db"
        for file in (path, Path(f"{path}.manifest.json"), Path(f"{path}.verify.txt")):
            file.write_text("x")
        made.append(path)
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")

    result = backups.prune(tmp_path, keep=2, max_age_days=30, now=now)
    assert result.kept == made[:3]  # two newest, and the one younger than 30 days
    assert result.deleted == made[3:]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in made[:3]] + [f"{p.name}.manifest.json" for p in made[:3]]
        + [f"{p.name}.verify.txt" for p in made[:3]] + ["notes.txt"])

    by_count = backups.prune(tmp_path, keep=1, max_age_days=0, now=now, dry_run=True)
    assert by_count.deleted == made[1:3] and made[1].exists()  # dry run: nothing deleted
    with pytest.raises(backups.BackupError, match="at least the newest"):
        backups.prune(tmp_path, keep=0)


def test_two_backups_in_one_second_sort_by_their_counter(tmp_path):
    first = tmp_path / "threadline-sqlite-20260601T120000Z.db"
    second = tmp_path / "threadline-sqlite-20260601T120000Z-2.db"
    third = tmp_path / "threadline-sqlite-20260601T120000Z-10.db"
    for path in (first, second, third):
        path.write_text("x")
    assert [path for _taken, path in backups.list_backups(tmp_path)] == [third, second, first]
    assert backups.prune(tmp_path, keep=1, max_age_days=0).kept == [third]


def test_missing_pg_tool_is_a_sentence():
    with pytest.raises(backups.BackupError, match="was not found on this PC. Install the PostgreSQL client"):
        backups.find_pg_tool("pg_dump_of_no_such_version")


def test_pg_password_goes_to_the_environment_never_the_command_line(monkeypatch):
    monkeypatch.setenv("THREADLINE_DB_PASSWORD", "s3cret-pw")
    url = make_url("postgresql+psycopg://backup@db.example:5433/threadline?sslmode=verify-full")
    args = backups._pg_args(url)
    env = backups._pg_env(url)
    assert "s3cret-pw" not in " ".join(args)
    assert env["PGPASSWORD"] == "s3cret-pw" and env["PGSSLMODE"] == "verify-full"
    assert args[args.index("--port") + 1] == "5433" and "--no-password" in args
    assert os.environ.get("PGPASSWORD") != "s3cret-pw"  # only the child's environment has it
