"""Work outside any route — goods receipt, serialising, splitting, merging: the step record their genealogy
links point at, and the origin (supplier, heat, certificate, expiry) an item of the same material keeps."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.models import Item, Station, StepRecord, StepResult
from app.services.permissions import Actor

ORIGIN = ("supplier_id", "supplier_lot", "heat_number", "material_cert_ref", "expires_on")


def handling_step(session: Session, actor: Actor, item: Item, *, station: Station | None, quantity: float,
                  notes: str, now: datetime) -> StepRecord:
    """A completed step without an operation on `item`, flushed so links can point at it."""
    step = StepRecord(id=uuid.uuid4(), item_id=item.id, work_order_id=item.work_order_id,
                      station_id=station.id if station else None, operator_id=actor.user_id, started_at=now,
                      completed_at=now, result=StepResult.PASS, quantity=quantity, notes=notes[:500])
    session.add(step)
    session.flush()
    return step


def common_origin(items: list[Item]) -> dict[str, Any]:
    """The origin fields all `items` share; a field on which they differ is left empty (a merge of two
    heats has no single heat number — the genealogy still leads to both)."""
    origin: dict[str, Any] = {}
    for field in ORIGIN:
        values = {getattr(item, field) for item in items}
        origin[field] = values.pop() if len(values) == 1 else None
    return origin
