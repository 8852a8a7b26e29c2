"""What the Station page asks the worker thread to do: name the station, tell what a scan is (equipment,
or an item and whether it may be consumed or shipped, with its task), find a customer order, record the
step. Plain functions over the station services, no Qt; they run off the GUI thread.

`station_info`, `identify` and `customer_order` open a read-only session and call the services' own
lookups and rules (`scan`, `checks`), so the operator reads the services' sentences; nothing here
builds a query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.models import Customer, Station
from app.models.base import utcnow
from app.services.permissions import Actor
from app.services.station import (
    ItemView,
    RecordedStep,
    StationTask,
    StepCompletion,
    StepStart,
    complete_step,
    record_step,
    station_task,
)
from app.services.station import checks, scan
from app.services.station.errors import StationError, UnknownScan

FactoryT = sessionmaker[Session]


@dataclass(frozen=True)
class StationInfo:
    name: str
    work_center: str


@dataclass(frozen=True)
class EquipmentFound:
    code: str
    name: str
    station: str | None  # the station it belongs to; None: none
    problem: str | None  # why it cannot be used now, in the services' words


@dataclass(frozen=True)
class Identified:
    """What a scan named: equipment, or an item (with what stops it being consumed, and, when asked for, the
    task of working on it at this station)."""

    text: str
    equipment: EquipmentFound | None = None
    item: ItemView | None = None
    problem: str | None = None
    task: StationTask | None = None


@dataclass(frozen=True)
class StepRequest:
    """Everything the page collected: a new step (`start`), or the completion of steps begun elsewhere."""

    start: StepStart | None
    open_steps: tuple[uuid.UUID, ...]
    completion: StepCompletion


def station_info(factory: FactoryT, name: str) -> StationInfo:
    with factory() as session:
        station = scan.station(session, name)
        return StationInfo(station.name, station.work_center)


def identify(factory: FactoryT, station: str, text: str, *, components: frozenset[str] = frozenset(),
             load_task: bool = False, doing: str = "consumed") -> Identified:
    """Equipment codes first (exact, cheap), then any item identifier. An item whose part is not among
    `components` comes with its station task when `load_task`: the operator is starting on it. `doing`
    ("consumed", "shipped") is what the item's problem sentence says it cannot be."""
    today = checks.local_day(utcnow())
    with factory() as session:
        try:
            equipment = scan.equipment(session, text)
        except UnknownScan:
            equipment = None
        if equipment is not None:
            problem = None
            try:
                checks.require_equipment(equipment, today)
            except StationError as exc:
                problem = str(exc)
            owner = session.get(Station, equipment.station_id) if equipment.station_id else None
            return Identified(text, equipment=EquipmentFound(equipment.code, equipment.name,
                                                                   owner.name if owner else None, problem))
        row = scan.item(session, text)
        view = scan.view(session, row)
        try:
            checks.require_status(session, row, checks.AVAILABLE, doing=doing, today=today)
            problem = None
        except StationError as exc:
            problem = str(exc)
    if load_task and view.part_number not in components:
        return Identified(text, item=view, problem=problem, task=station_task(factory, station, view.id))
    return Identified(text, item=view, problem=problem)


@dataclass(frozen=True)
class OrderInfo:
    number: str
    customer: str


def customer_order(factory: FactoryT, number: str) -> OrderInfo:
    with factory() as session:
        order = scan.customer_order(session, number)
        return OrderInfo(order.number, session.get_one(Customer, order.customer_id).name)


def record(factory: FactoryT, actor: Actor, request: StepRequest, *, max_age: timedelta) -> RecordedStep:
    """`max_age`: the station's `sensors.max_age_s` — a sensor value older than that is refused as stale."""
    if request.start is None:
        return complete_step(factory, actor, request.open_steps, request.completion, max_age=max_age)
    return record_step(factory, actor, request.start, request.completion, max_age=max_age)


def now() -> datetime:
    return utcnow()
