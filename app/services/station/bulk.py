"""Thousands of rows at once (10,000 serials on one receipt) inside the unit of work: executemany inserts and
updates, with the audit rows the ORM hook would have written, since Core statements bypass it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from app.models import AuditEvent, Base, Item, ItemStatus
from app.services.audit import ACTOR_KEY, event_row, jsonable
from app.services.permissions import Actor


def insert_audited(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (each with its `id`) and one 'create' audit row for each."""
    if not rows:
        return
    # On the connection, not through the ORM's bulk path: a third of the time for the same statement.
    session.connection().execute(insert(model.__table__), rows)
    _audit(session, [event_row(_actor(session), "create", table=model.__tablename__, row_id=str(row["id"]),
                               new={key: jsonable(value) for key, value in row.items()},
                               reason=session.info.get("reason"))
                     for row in rows])


def set_status_audited(session: Session, ids: Sequence[uuid.UUID], old: ItemStatus, new: ItemStatus) -> None:
    """Move the items `ids` from status `old` to `new`, with an 'update' audit row each."""
    if not ids:
        return
    session.execute(update(Item), [{"id": item_id, "status": new} for item_id in ids])
    _audit(session, [event_row(_actor(session), "update", table=Item.__tablename__, row_id=str(item_id),
                               old={"status": old.value}, new={"status": new.value},
                               reason=session.info.get("reason"))
                     for item_id in ids])


def _actor(session: Session) -> Actor:
    return session.info[ACTOR_KEY]  # unit_of_work put it there; a bulk write outside one is a bug


def _audit(session: Session, rows: list[dict[str, Any]]) -> None:
    session.connection().execute(insert(AuditEvent.__table__), rows)
