"""The audit trail, written by the ORM itself: every flushed create, update and delete adds an
`AuditEvent` in the same transaction, naming the actor the service put on the session.

A flush with changes but no actor is refused: that is a write that bypassed the services.
Every audit row, from here or from any other writer, is sealed into the hash chain by `audit_chain`.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session, UOWTransaction

from app.models import AuditEvent
from app.services import audit_chain  # noqa: F401  (registers the hook that seals every audit INSERT)
from app.services.errors import PermissionDenied
from app.services.permissions import Actor

ACTOR_KEY = "actor"
_REDACTED = "***"


def jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (uuid.UUID,)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _column_values(obj: Any, *, old: bool) -> dict[str, Any]:
    state = inspect(obj)
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if old:
            current = history.deleted or history.unchanged
        else:
            current = history.added or history.unchanged
        value = current[0] if current else None
        values[attr.key] = _REDACTED if attr.key.endswith("_hash") and value is not None else jsonable(value)
    return values


def _changed_values(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        secret = attr.key.endswith("_hash")
        old[attr.key] = _REDACTED if secret and before is not None else jsonable(before)
        new[attr.key] = _REDACTED if secret and after is not None else jsonable(after)
    return old, new


def _row_id(obj: Any) -> str:
    # Not `state.identity`: new objects only get it after the flush completes.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def event_row(actor: Actor, action: str, *, table: str | None = None, row_id: str | None = None,
              old: dict[str, Any] | None = None, new: dict[str, Any] | None = None,
              reason: str | None = None) -> dict[str, Any]:
    return {
        "user_id": actor.user_id, "username": actor.username, "action": action, "table_name": table,
        "row_id": row_id, "old_values": old, "new_values": new, "reason": reason,
    }


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, _flush: UOWTransaction) -> None:
    changed = [o for o in (*session.new, *session.dirty, *session.deleted) if not isinstance(o, AuditEvent)]
    if not changed:
        return
    actor: Actor | None = session.info.get(ACTOR_KEY)
    if actor is None:
        raise PermissionDenied("A change was about to be saved without going through a Threadline service; "
                               "nothing was saved.")
    reason = session.info.get("reason")
    rows = []
    for obj in session.new:
        if not isinstance(obj, AuditEvent):
            rows.append(event_row(actor, "create", table=obj.__tablename__, row_id=_row_id(obj),
                                  new=_column_values(obj, old=False), reason=reason))
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) or not session.is_modified(obj, include_collections=False):
            continue
        old, new = _changed_values(obj)
        rows.append(event_row(actor, "update", table=obj.__tablename__, row_id=_row_id(obj),
                              old=old, new=new, reason=reason))
    for obj in session.deleted:
        if not isinstance(obj, AuditEvent):
            rows.append(event_row(actor, "delete", table=obj.__tablename__, row_id=_row_id(obj),
                                  old=_column_values(obj, old=True), reason=reason))
    if rows:
        session.connection().execute(insert(AuditEvent), rows)
