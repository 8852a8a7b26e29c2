"""Checking the audit trail's hash chain: stream every row in id order, recompute its hash, check that it
links to the row before, and name the first entry where the chain breaks and how it was broken.

The chain proves that rows were not edited, deleted or reordered after they were written. It cannot, on its
own, prove that someone with database-administrator rights did not rewrite the whole chain from some point
on, or cut rows off its end: for that, the head (`last_id`, `last_hash`) is written down outside the
database from time to time and passed back as an anchor (`audit_anchors`: every backup and every intact
`threadline audit verify` append it to the anchor log, and the CLI checks the newest one).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEvent
from app.services.audit_chain import GENESIS, HASHED, digest, entry_hash
from app.services.errors import DomainError

# Hashed columns first, in canonical order, then the two hashes: rows are read as plain tuples (a third
# faster than mappings at a million rows).
_COLUMNS = [AuditEvent.__table__.c[name] for name in (*HASHED, "prev_hash", "entry_hash")]
_PREV, _HASH = len(HASHED), len(HASHED) + 1
_BATCH = 20_000


class VerificationCancelled(DomainError):
    pass


class Fault(str, enum.Enum):
    ALTERED = "altered"  # the row's content no longer matches its hash
    HASH_ALTERED = "hash altered"  # the content is intact, the stored hash was changed
    DELETED = "deleted"  # rows are missing before this one
    REORDERED = "reordered"  # this row's content belongs elsewhere in the chain
    BROKEN_LINK = "broken link"  # it does not chain to the row before, for a reason the rows do not show
    ANCHOR_MISMATCH = "anchor mismatch"  # the chain was rewritten or cut since the anchor was taken


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    occurred_at: datetime | None
    fault: Fault
    detail: str  # one sentence an auditor can read

    def describe(self) -> str:
        when = f" ({self.occurred_at:%Y-%m-%d %H:%M:%S} UTC)" if self.occurred_at else ""
        return f"Audit trail broken at entry {self.entry_id}{when}: {self.detail}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_id: int | None
    last_hash: str | None
    seconds: float
    broken: ChainBreak | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.broken is not None:
            return self.broken.describe()
        if not self.checked:
            return "Audit trail is empty."
        entries = "1 entry" if self.checked == 1 else f"{self.checked} entries"
        return (f"Audit trail intact: {entries} checked, up to entry {self.last_id} "
                f"(hash {self.last_hash}).")


def _what(row: Mapping[str, Any]) -> str:
    target = f" {row['table_name']} {row['row_id']}" if row["table_name"] else ""
    return f"{row['username']} {row['action']}{target}"


def _classify_link(session: Session, row: Mapping[str, Any],
                   previous: Mapping[str, Any] | None) -> ChainBreak:
    """The row's prev_hash is not the hash of the row before it: find out why."""
    entry, when = row["id"], row["occurred_at"]
    expected_before = 1 if previous is None else previous["id"] + 1
    if row["id"] > expected_before:
        missing = (f"entry {expected_before}" if row["id"] == expected_before + 1
                   else f"entries {expected_before} to {row['id'] - 1}")
        return ChainBreak(entry, when, Fault.DELETED,
                          f"{missing} {'is' if row['id'] == expected_before + 1 else 'are'} missing: "
                          f"deleted from the audit trail ({_what(row)} follows the gap).")
    owner = session.scalar(select(AuditEvent.id).where(AuditEvent.entry_hash == row["prev_hash"]).limit(1))
    if owner is not None and owner != (previous or {}).get("id"):
        return ChainBreak(entry, when, Fault.REORDERED,
                          f"it holds the entry that was written after entry {owner} "
                          f"({_what(row)}): rows were reordered.")
    if entry_hash(row, row["prev_hash"]) == row["entry_hash"]:
        return ChainBreak(entry, when, Fault.BROKEN_LINK,
                          f"it does not chain to entry {expected_before - 1}: an entry before it was deleted "
                          "and the ids renumbered, or the entry before it was altered and re-hashed.")
    return ChainBreak(entry, when, Fault.ALTERED,
                      f"its content and its link to the entry before were changed ({_what(row)}).")


def _classify_content(session: Session, row: Mapping[str, Any], recomputed: str,
                      following: Mapping[str, Any] | None) -> ChainBreak:
    if following is None:
        next_prev = session.scalar(select(AuditEvent.prev_hash).where(AuditEvent.id > row["id"])
                                   .order_by(AuditEvent.id).limit(1))
    else:
        next_prev = following["prev_hash"]
    if next_prev is not None and next_prev == recomputed:
        return ChainBreak(row["id"], row["occurred_at"], Fault.HASH_ALTERED,
                          f"its stored hash was changed; its content ({_what(row)}) is as written.")
    return ChainBreak(row["id"], row["occurred_at"], Fault.ALTERED,
                      f"its content no longer matches its hash: the entry was edited after it was written "
                      f"(now reads: {_what(row)}).")


def verify_chain(factory: sessionmaker[Session], *, anchor: tuple[int, str] | None = None,
                 batch: int = _BATCH, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> ChainReport:
    """Check the whole chain, oldest first, in batches; stop at the first broken entry.

    `anchor` (id, hash) is a head written down earlier: that entry must still carry that hash.
    `cancelled` is asked between batches (the GUI stops a long check when its page closes).
    """
    started = time.perf_counter()
    checked = 0
    previous: Any = None
    with factory() as session:
        end = session.scalar(select(func.max(AuditEvent.id)))
        total = session.scalar(select(func.count()).select_from(AuditEvent)) if progress else 0
        while end is not None:
            query = select(*_COLUMNS).where(AuditEvent.id <= end).order_by(AuditEvent.id).limit(batch)
            if previous is not None:
                query = query.where(AuditEvent.id > previous[0])
            rows = session.connection().execute(query).all()  # Core rows: no ORM loading per row
            if not rows:
                break
            expected_prev = GENESIS if previous is None else previous[_HASH]
            for index, row in enumerate(rows):
                if row[_PREV] != expected_prev:
                    return _report(checked, previous, started, _classify_link(
                        session, row._mapping, previous._mapping if previous is not None else None))
                recomputed = digest(row[:_PREV], expected_prev)
                if recomputed != row[_HASH]:
                    following = rows[index + 1]._mapping if index + 1 < len(rows) else None
                    return _report(checked, previous, started,
                                   _classify_content(session, row._mapping, recomputed, following))
                expected_prev = row[_HASH]
                previous = row
                checked += 1
            if progress:
                progress(checked, total)
            if cancelled is not None and cancelled():
                raise VerificationCancelled(f"The audit trail check was stopped after {checked} entries.")
        if anchor is not None:
            broken = _check_anchor(session, anchor)
            if broken is not None:
                return _report(checked, previous, started, broken)
    return _report(checked, previous, started, None)


def _check_anchor(session: Session, anchor: tuple[int, str]) -> ChainBreak | None:
    anchor_id, anchor_hash = anchor
    row = session.execute(select(AuditEvent.entry_hash, AuditEvent.occurred_at)
                          .where(AuditEvent.id == anchor_id)).one_or_none()
    if row is None:
        return ChainBreak(anchor_id, None, Fault.ANCHOR_MISMATCH,
                          "the anchored entry no longer exists: the end of the audit trail was cut off.")
    if row.entry_hash != anchor_hash.lower():
        return ChainBreak(anchor_id, row.occurred_at, Fault.ANCHOR_MISMATCH,
                          "its hash differs from the one written down: the chain was rewritten from here "
                          "or earlier.")
    return None


def _report(checked: int, last: Any, started: float, broken: ChainBreak | None) -> ChainReport:
    return ChainReport(checked=checked, last_id=last[0] if last is not None else None,
                       last_hash=last[_HASH] if last is not None else None,
                       seconds=time.perf_counter() - started, broken=broken)
