"""Guards of inspection data: conditional updates that notice a concurrent change (and leave the audit row the
flush hook would have left), the database clock, and the rule that signed records are never changed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, event, func, inspect, select, type_coerce, update
from sqlalchemy.orm import Session, UOWTransaction

from app.models import AuditEvent, InspectionRecord, Measurement
from app.models.base import Base, UTCDateTime
from app.services.audit import ACTOR_KEY, event_row, jsonable
from app.services.errors import DomainError
from app.services.permissions import Actor

SIGNED_READ_ONLY = ("This inspection record is signed and read-only; nothing was changed. To change a value, "
                    "start a correction of the record and give the reason.")


class RecordSigned(DomainError):
    """A write to a signed inspection record (or to its measurements) was refused."""


def update_if(session: Session, entity: type[Base], row_id: uuid.UUID, condition: ColumnElement[bool],
              old: dict[str, Any], new: dict[str, Any]) -> bool:
    """`UPDATE … SET new WHERE id = row_id AND condition`; False when no row matched.

    This is the optimistic lock: on PostgreSQL a second writer waits for the first one's row lock and then
    finds the condition false, on SQLite the write lock serialises them, so exactly one of two concurrent
    writers wins and the other learns it. A bulk UPDATE skips the flush hook, hence the audit row here.
    """
    table = entity.__table__
    result = session.execute(update(entity).where(table.c.id == row_id, condition).values(new))
    if result.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
        return False
    session.add(AuditEvent(**event_row(
        session.info[ACTOR_KEY], "update", table=entity.__tablename__, row_id=str(row_id),
        old={key: jsonable(value) for key, value in old.items()},
        new={key: jsonable(value) for key, value in new.items()}, reason=session.info.get("reason"))))
    return True


def database_now(session: Session) -> datetime:
    """The database server's time: authoritative for signatures, whatever a bench PC's clock says."""
    now = session.scalar(select(type_coerce(func.now(), UTCDateTime())))
    assert now is not None
    return now


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_signed_records(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """Whatever service a person acts through: a signed record and its measurements stay as they were signed.
    (A correction links the old readings to their successors with `update_if`, which changes no signed
    content.) The system itself, building demo plants and test data, is not held to it; a flush without any
    actor is refused by the audit hook anyway."""
    actor: Actor | None = session.info.get(ACTOR_KEY)
    if actor is None or actor.is_system:
        return
    touched_records: set[uuid.UUID] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Measurement):
            touched_records.add(obj.record_id)
        elif isinstance(obj, InspectionRecord) and obj not in session.new:
            history = inspect(obj).attrs.signed_at.history
            signed_before = (history.deleted or history.unchanged or [None])[0]
            if signed_before is not None and (obj in session.deleted or session.is_modified(obj)):
                raise RecordSigned(SIGNED_READ_ONLY)
    if touched_records:
        with session.no_autoflush:
            signed = session.scalar(select(InspectionRecord.id).where(
                InspectionRecord.id.in_(touched_records), InspectionRecord.signed_at.is_not(None)).limit(1))
        if signed is not None:
            raise RecordSigned(SIGNED_READ_ONLY)
