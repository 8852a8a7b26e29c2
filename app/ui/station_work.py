"""What the Station page asks the worker thread to do, as plain functions over the station services (no Qt,
no sessions of its own): the reads come from `app.services.station.station_info`, the writes are
`record_step`, `start_step` and `complete_step`. They run off the GUI thread."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.models.base import utcnow
from app.services.permissions import Actor
from app.services.station import (
    RecordedStep,
    StepCompletion,
    StepStart,
    complete_step,
    record_step,
    start_step,
)
from app.services.station.station_info import (
    EquipmentFound,
    Identified,
    OpenLoad,
    OrderInfo,
    StationInfo,
    customer_order,
    identify,
    open_load,
    rework_approver,
    station_info,
)


# The page's and the forms' reads, under the names they have always imported from here.
__all__ = ["EquipmentFound", "Identified", "OpenLoad", "OrderInfo", "StationInfo", "StepRequest", "customer_order",
           "identify", "now", "open_load", "record", "rework_approver", "start", "station_info"]


@dataclass(frozen=True)
class StepRequest:
    """Everything the page collected: a new step (`start`), or the completion of steps begun elsewhere."""

    start: StepStart | None
    open_steps: tuple[uuid.UUID, ...]
    completion: StepCompletion


def record(factory, actor: Actor, request: StepRequest, *, max_age: timedelta,
           approved_by: Actor | None = None) -> RecordedStep:
    """`max_age`: the station's `sensors.max_age_s` — a sensor value older than that is refused as stale;
    `approved_by`: the supervisor who approved a rework loop at this bench."""
    if request.start is None:
        return complete_step(factory, actor, request.open_steps, request.completion, max_age=max_age)
    start = replace(request.start, approved_by=approved_by) if approved_by else request.start
    return record_step(factory, actor, start, request.completion, max_age=max_age)


def start(factory, actor: Actor, request: StepStart, *, approved_by: Actor | None = None) -> RecordedStep:
    """Start a long operation (a furnace run) for one item or a load; it is completed when it is done."""
    return start_step(factory, actor, replace(request, approved_by=approved_by) if approved_by else request)


def now() -> datetime:
    return utcnow()
