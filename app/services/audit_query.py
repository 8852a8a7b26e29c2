"""Reading the audit trail for the auditor's question: who changed this record, when, from what to what,
and why. Ids first (newest first), rows by id: the GUI's table model fetches only the rows it shows."""

from __future__ import annotations


from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, distinct, false, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEvent, User


@dataclass(frozen=True)
class AuditFilter:
    table: str | None = None
    row_id: str | None = None
    username: str | None = None
    since: datetime | None = None  # inclusive, timezone-aware
    until: datetime | None = None  # exclusive, timezone-aware


@dataclass(frozen=True)
class AuditEntry:
    id: int
    occurred_at: datetime
    username: str
    full_name: str
    action: str
    table_name: str | None
    row_id: str | None
    old_values: dict[str, Any] | None
    new_values: dict[str, Any] | None
    reason: str | None
    entry_hash: str

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, old, new) for every field named in either value set, in name order."""
        old, new = self.old_values or {}, self.new_values or {}
        return [(key, old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys())]


def _filtered(query: Select[Any], flt: AuditFilter) -> Select[Any]:
    if "\x00" in f"{flt.table or ''}{flt.row_id or ''}{flt.username or ''}":
        return query.where(false())  # no entry is called that, and PostgreSQL refuses NUL even when bound
    if flt.table:
        query = query.where(AuditEvent.table_name == flt.table.strip())
    if flt.row_id:
        query = query.where(AuditEvent.row_id == flt.row_id.strip())
    if flt.username:
        query = query.where(func.lower(AuditEvent.username) == flt.username.strip().lower())
    if flt.since:
        query = query.where(AuditEvent.occurred_at >= flt.since)
    if flt.until:
        query = query.where(AuditEvent.occurred_at < flt.until)
    return query


def audit_ids(factory: sessionmaker[Session], flt: AuditFilter, *, limit: int | None = None) -> list[int]:
    """Ids of the matching entries, newest first."""
    query = _filtered(select(AuditEvent.id), flt).order_by(AuditEvent.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with factory() as session:
        return list(session.scalars(query))


def audit_entries(factory: sessionmaker[Session], ids: Sequence[int]) -> list[AuditEntry]:
    """The entries `ids`, in the order given (unknown ids are left out)."""
    if not ids:
        return []
    query = (select(AuditEvent, func.coalesce(User.full_name, AuditEvent.username))
             .outerjoin(User, AuditEvent.user_id == User.id).where(AuditEvent.id.in_(list(ids))))
    with factory() as session:
        found = {event.id: _entry(event, name) for event, name in session.execute(query)}
    return [found[i] for i in ids if i in found]


def find_audit(factory: sessionmaker[Session], flt: AuditFilter, *, limit: int = 200) -> list[AuditEntry]:
    return audit_entries(factory, audit_ids(factory, flt, limit=limit))


def audited_tables(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        return sorted(t for t in session.scalars(select(distinct(AuditEvent.table_name))) if t)


def _entry(event: AuditEvent, full_name: str) -> AuditEntry:
    return AuditEntry(id=event.id, occurred_at=event.occurred_at, username=event.username,
                      full_name=full_name or event.username, action=event.action, table_name=event.table_name,
                      row_id=event.row_id, old_values=event.old_values, new_values=event.new_values,
                      reason=event.reason, entry_hash=event.entry_hash)


