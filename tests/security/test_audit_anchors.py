"""Anchors kept outside the database catch what the hash chain alone cannot: the newest audit entries cut off
(or an older copy of the database put back). Both backends, real backups, the CLI as an auditor runs it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, func, select

from app import cli
from app.models import AuditEvent, Role
from app.services import backup as backups
from app.services.audit_anchors import (ANCHOR_FILE, AuditHead, database_key, newest_anchor, record_anchor,
                                        stored_anchors)
from app.services.audit_chain import install_guards, remove_guards
from app.services.audit_verify import verify_chain
from app.services.users import add_user
from tests.security.test_backup import _tamper


@pytest.fixture
def anchor_log(tmp_path, monkeypatch) -> Path:
    """This test's own data directory, so the log it reads holds only the lines this test wrote."""
    monkeypatch.setenv("THREADLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / ANCHOR_FILE


@pytest.fixture
def trail(db_url, factory, admin) -> str:
    """A database whose audit trail has a few entries (one per user added, and the admin's)."""
    for n in range(3):
        add_user(factory, admin, username=f"user{n}", full_name=f"User {n}", role=Role.OPERATOR,
                 password="password-123")
    return db_url


def audit_verify(db: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.execute(cli.parse_args(["--db", db, "audit", "verify", *args]), out)
    return code, out.getvalue()


def _log_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _cut_off_newest(count: int):
    """What a database administrator does to hide the last entries: lift the guards, delete, put them back."""
    def change(conn: Connection) -> None:
        remove_guards(conn)
        newest = conn.scalar(select(func.max(AuditEvent.id)))
        conn.execute(delete(AuditEvent).where(AuditEvent.id > newest - count))
        install_guards(conn)
    return change


def test_backup_records_the_head_in_its_manifest_and_the_anchor_log(trail, factory, anchor_log, tmp_path):
    head = verify_chain(factory)
    made = backups.backup(trail, tmp_path / "backups")

    manifest = json.loads(made.manifest.read_text())
    assert manifest["audit_head"] == {"last_id": head.last_id, "hash": head.last_hash}
    assert made.audit_head == AuditHead(head.last_id, head.last_hash) and made.anchor_warning == ""
    [line] = _log_lines(anchor_log)
    assert line["database"] == database_key(trail) and "@" not in line["database"]
    assert (line["last_id"], line["hash"]) == (head.last_id, head.last_hash)
    assert line["source"] == f"backup {made.path.name}" and line["taken_at"] == manifest["taken_at"]

    report = backups.restore_verify(made.path, url=trail)
    assert report.complete, report.to_text()
    assert (f"audit trail:   intact ({head.checked} entries), ends at entry {head.last_id} with the "
            "manifest's hash") in report.to_text()


def test_restore_verify_catches_a_backup_whose_audit_trail_end_was_cut_off(trail, anchor_log, tmp_path):
    made = backups.backup(trail, tmp_path / "backups")
    _tamper(made.path, trail, _cut_off_newest(2))

    report = backups.restore_verify(made.path, url=trail)
    assert not report.complete and not report.audit_chain_ok
    assert report.differing == ["audit_events"]  # two rows fewer than the manifest counted
    assert (f"audit trail:   Audit trail broken at entry {made.audit_head.last_id}: the anchored entry no "
            "longer exists: the end of the audit trail was cut off.") in report.to_text()
    assert json.loads(Path(report.report_files[1]).read_text())["audit_chain_ok"] is False


def test_verify_checks_the_stored_anchor_and_catches_a_cut_off_end(trail, engine, factory, admin,
                                                                   anchor_log, tmp_path):
    made = backups.backup(trail, tmp_path / "backups")
    newest = made.audit_head.last_id

    code, clean = audit_verify(trail)
    assert code == 0 and f"Audit trail intact: {newest} entries checked" in clean
    assert re.search(rf"Checked against the anchor of \d{{4}}-\d\d-\d\d \d\d:\d\d UTC \(entry {newest}\)\.",
                     clean), clean
    assert len(_log_lines(anchor_log)) == 1  # the same head is not written down twice

    with engine.begin() as conn:
        _cut_off_newest(2)(conn)
    assert verify_chain(factory).intact  # what is left is a perfect chain: only the anchor can tell
    code, cut = audit_verify(trail)
    assert code == 2
    assert cut.startswith(f"Audit trail broken at entry {newest}: the anchored entry no longer exists: "
                          "the end of the audit trail was cut off.\n")
    assert f"That anchor was written by backup {made.path.name} on " in cut
    assert "run `threadline audit verify --no-anchor` once" in cut
    code, as_json = audit_verify(trail, "--json")
    data = json.loads(as_json)
    assert code == 2 and data["broken"]["fault"] == "anchor mismatch"
    assert data["anchor"]["source"] == "stored" and data["anchor"]["last_id"] == newest
    assert len(_log_lines(anchor_log)) == 1  # a broken chain's head never becomes the reference

    # Work goes on in the cut database: new entries take the cut ids, with different hashes.
    for name in ("late1", "late2"):
        add_user(factory, admin, username=name, full_name="Late", role=Role.OPERATOR, password="password-123")
    code, rewritten = audit_verify(trail)
    assert code == 2 and rewritten.startswith(f"Audit trail broken at entry {newest} (")
    assert "its hash differs from the one written down: the chain was rewritten" in rewritten

    code, skipped = audit_verify(trail, "--no-anchor")  # a deliberate restore: accept the new end
    assert code == 0 and "Audit trail intact" in skipped and "Checked against" not in skipped
    assert "No anchor was stored" not in skipped and f"recorded in {anchor_log}" in skipped
    assert newest_anchor(trail).source == "audit verify"
    code, again = audit_verify(trail)
    assert code == 0 and "Checked against the anchor of" in again


def test_given_anchor_overrides_and_a_database_without_anchors_says_so(trail, anchor_log):
    code, first = audit_verify(trail)
    assert code == 0 and "No anchor was stored for this database yet" in first
    head = newest_anchor(trail).head
    code, given = audit_verify(trail, "--anchor", f"{head.last_id - 1}:{'0' * 64}")
    assert code == 2 and "its hash differs from the one written down" in given
    code, given = audit_verify(trail, "--anchor", f"{head.last_id}:{head.hash}")
    assert code == 0 and f"Checked against the anchor you gave (entry {head.last_id})." in given


def test_anchors_of_different_databases_do_not_mix(tmp_path):
    log = tmp_path / ANCHOR_FILE
    first, second = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    schema_a = "postgresql://qa:pw@db.example/threadline?options=-csearch_path%3Dplant_a"
    schema_b = "postgresql://qa:pw@db.example/threadline?options=-csearch_path%3Dplant_b"
    for n, url in enumerate((first, second, schema_a, schema_b), start=1):
        record_anchor(url, AuditHead(n, f"{n:064x}"), source="test", log=log)
    assert record_anchor(first, AuditHead(1, f"{1:064x}"), source="test", log=log) is None  # unchanged head
    with open(log, "a", encoding="utf-8") as handle:
        handle.write('{"taken_at": "2026-11-28T10:00:00+00:00", "database": "SQLite')  # torn by a power cut
    record_anchor(second, AuditHead(5, f"{5:064x}"), source="test", log=log)  # after the torn line
    assert [a.head.last_id for a in stored_anchors(first, log)] == [1]
    assert [a.head.last_id for a in stored_anchors(second, log)] == [2, 5]
    assert newest_anchor(schema_b, log).head.last_id == 4
    assert newest_anchor(schema_a, log).database == "PostgreSQL db.example:5432/threadline schema plant_a"
    assert "pw" not in log.read_text()
