"""Anchors for the audit trail's hash chain, kept outside the database.

The chain proves that no entry was edited, deleted or reordered — except at its end: cut the newest
entries off (or put an older copy of the database back) and what remains is still a perfect chain. The
cure is to write the head (last id, its hash) down somewhere the database administrator does not control
and check later that the entry is still there with the same hash. Every backup (in its manifest, and
here) and every intact `threadline audit verify` writes the head down, so no person has to.

The log is one JSON object per line in `<data dir>/audit-anchors.jsonl`, appended to and never rewritten:
{"taken_at", "database", "last_id", "hash", "source"}. `database` says which database the head belongs
to (no password), so one PC's log can serve several databases without mixing them; the newest line of a
database is the one `audit verify` checks against.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.config import data_dir
from app.db import describe_url, normalise_url
from app.services.audit_verify import ChainReport, verify_chain

ANCHOR_FILE = "audit-anchors.jsonl"
_HEAD_SQL = "SELECT id, entry_hash FROM audit_events ORDER BY id DESC LIMIT 1"
_SCHEMA = re.compile(r"-csearch_path=([A-Za-z0-9_]+)")


@dataclass(frozen=True)
class AuditHead:
    """The newest entry of the chain: the one that must still be there, with this hash, later."""
    last_id: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"last_id": self.last_id, "hash": self.hash}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> AuditHead | None:
        return None if not data else cls(int(data["last_id"]), str(data["hash"]))


@dataclass(frozen=True)
class Anchor:
    taken_at: datetime
    database: str
    head: AuditHead
    source: str  # "backup <file name>" or "audit verify": where the head was written down

    def describe(self) -> str:
        return f"the anchor of {self.taken_at:%Y-%m-%d %H:%M} UTC (entry {self.head.last_id})"


def database_key(url: str) -> str:
    """Which database an anchor belongs to, without a password: the SQLite file's absolute path, or the
    PostgreSQL server, database and schema (two Threadline databases can share one PostgreSQL database
    in different schemas)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {Path(parsed.database).resolve()}" if parsed.database else "SQLite in memory"
    options = parsed.query.get("options")
    options = options[0] if isinstance(options, tuple) else options
    schema = _SCHEMA.search(options or "")
    return describe_url(url) + (f" schema {schema.group(1)}" if schema else "")


def anchor_log() -> Path:
    return data_dir() / ANCHOR_FILE


def read_head(cursor: Any) -> AuditHead | None:
    """The head as a DB-API cursor sees it — the backup passes the cursor of its snapshot transaction, so
    the head is the one the backup file holds. None when the trail is empty."""
    cursor.execute(_HEAD_SQL)
    row = cursor.fetchone()
    return None if row is None else AuditHead(int(row[0]), str(row[1]))


def stored_anchors(url: str, log: Path | None = None) -> list[Anchor]:
    """This database's anchors, oldest first. Lines that do not parse (a line torn by a power cut, another
    program's text) are skipped: the log is evidence, not configuration, and one bad line must not hide
    the others."""
    log = log or anchor_log()
    if not log.exists():
        return []
    key = database_key(url)
    found = []
    with open(log, encoding="utf-8") as handle:
        for line in handle:
            try:
                data = json.loads(line)
                if data.get("database") != key:
                    continue
                taken = datetime.fromisoformat(data["taken_at"])
                found.append(Anchor(taken if taken.tzinfo else taken.replace(tzinfo=UTC), key,
                                    AuditHead(int(data["last_id"]), str(data["hash"])),
                                    str(data.get("source", ""))))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
    return found


def newest_anchor(url: str, log: Path | None = None) -> Anchor | None:
    anchors = stored_anchors(url, log)
    return anchors[-1] if anchors else None


def record_anchor(url: str, head: AuditHead, *, source: str, taken_at: datetime | None = None,
                  log: Path | None = None) -> Anchor | None:
    """Append `head` for the database at `url`; None (nothing written) when it is already the newest
    anchor of that database — a verify run every hour on a quiet night adds no lines."""
    log = log or anchor_log()
    newest = newest_anchor(url, log)
    if newest is not None and newest.head == head:
        return None
    anchor = Anchor(taken_at or datetime.now(UTC), database_key(url), head, source)
    line = json.dumps({"taken_at": anchor.taken_at.isoformat(timespec="seconds"), "database": anchor.database,
                       "last_id": head.last_id, "hash": head.hash, "source": source}, ensure_ascii=False)
    log.parent.mkdir(parents=True, exist_ok=True)
    # One write of a whole line in append mode: two processes appending at once do not interleave lines,
    # and flushed to disk before the caller says "recorded". A last line torn by a power cut is closed
    # first, or this anchor would be glued to it and lost with it.
    with open(log, "a+b") as handle:
        size, torn = handle.seek(0, os.SEEK_END), False
        if size:
            handle.seek(size - 1)
            torn = handle.read(1) != b"\n"
        handle.write((("\n" if torn else "") + line + "\n").encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


def check_against_head(factory: sessionmaker[Session], head: AuditHead | None) -> tuple[bool, str]:
    """Verify a (restored) database's chain and that it ends exactly at `head` (from a backup's manifest):
    (ok, one sentence for the report)."""
    report: ChainReport = verify_chain(factory, anchor=(head.last_id, head.hash) if head else None)
    if not report.intact:
        return False, report.describe()
    if head is None:
        if report.last_id is None:
            return True, "empty, as in the manifest"
        return True, (f"intact ({report.checked} entries); the manifest records no head to compare "
                      "(a backup made before heads were recorded)")
    if report.last_id != head.last_id:
        return False, (f"the restored audit trail ends at entry {report.last_id}, but the manifest says the "
                       f"backup's trail ends at entry {head.last_id}")
    return True, f"intact ({report.checked} entries), ends at entry {head.last_id} with the manifest's hash"


@dataclass(frozen=True)
class AnchoredCheck:
    """A chain check against this database's newest stored anchor (or the one given), and whether its head
    was written down as the new anchor."""

    report: ChainReport
    stored: Anchor | None  # the stored anchor checked against, if any
    anchor: tuple[int, str] | None  # what was checked against (stored, or given)
    recorded: bool


def verify_anchored(factory: sessionmaker[Session], *, anchor: tuple[int, str] | None = None,
                    use_stored: bool = True, progress: Any = None, cancelled: Any = None) -> AnchoredCheck:
    """`audit verify` for the CLI and the Audit trail page: against `anchor` if given, else the newest stored
    one (unless `use_stored` is False); an intact chain's head becomes the newest anchor, a broken one never."""
    url = factory.kw["bind"].url.render_as_string(hide_password=False)
    stored = newest_anchor(url) if use_stored and anchor is None else None
    if stored is not None:
        anchor = (stored.head.last_id, stored.head.hash)
    report = verify_chain(factory, anchor=anchor, progress=progress, cancelled=cancelled)
    recorded = None
    if report.intact and report.last_id is not None and report.last_hash is not None:
        recorded = record_anchor(url, AuditHead(report.last_id, report.last_hash), source="audit verify")
    return AnchoredCheck(report, stored, anchor, recorded is not None)


def cut_off_advice(stored: Anchor | None) -> str:
    source = (f"That anchor was written by {stored.source} on {stored.taken_at:%Y-%m-%d %H:%M} UTC. "
              if stored else "")
    return (source + "Entries up to that anchor are missing or were rewritten: find out who had "
            "database-administrator access since; a backup made after the anchor and before the cut still "
            "holds those entries (`threadline restore --verify BACKUP` proves a backup complete). If this "
            "database was restored from an older backup on purpose, run `threadline audit verify --no-anchor`"
            " once: it checks the chain alone and records its end as the new anchor.")
