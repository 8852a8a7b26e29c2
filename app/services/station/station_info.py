"""What a station screen reads, no writes: the station itself, what a scan names (equipment, or an item with
what stops it being used and the task of working on it here), the steps started together that an item
is part of, a customer order, and who may approve a rework loop. Each opens one short session and uses
the services' own lookups and rules (`scan`, `checks`), so the operator reads the services' sentences."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Customer, Equipment, Item, Operation, Station, StepRecord, StepResult
from app.models.base import utcnow
from app.services.errors import PermissionDenied
from app.services.permissions import Action, Actor, allowed
from app.services.station import checks, scan
from app.services.station.errors import StationError, StepNotOpen, UnknownScan
from app.services.station.route import operation_view
from app.services.station.task import rework_task, station_task
from app.services.station.views import ItemView, OperationView, StationTask
from app.services.users import authenticate

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
class OpenLoad:
    """Steps started together (one item, or a furnace load) and not completed yet."""

    step_ids: tuple[uuid.UUID, ...]
    operation: OperationView
    started_at: datetime  # timezone-aware UTC
    equipment: str | None
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class Identified:
    """What a scan named: equipment, or an item (with what stops it being consumed, and, when asked for, the
    task of working on it at this station, the load it is in when that operation is under way, and the
    rework this station could do on it when nothing is due here)."""

    text: str
    equipment: EquipmentFound | None = None
    item: ItemView | None = None
    problem: str | None = None
    task: StationTask | None = None
    open_load: OpenLoad | None = None
    rework: StationTask | None = None


@dataclass(frozen=True)
class OrderInfo:
    number: str
    customer: str


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
    if not load_task or view.part_number in components:
        return Identified(text, item=view, problem=problem)
    task = station_task(factory, station, view.id)
    load = open_load(factory, task.open_steps) if task.open_steps else None
    rework = rework_task(factory, station, view.id) if task.due is None else None
    return Identified(text, item=view, problem=problem, task=task, open_load=load, rework=rework)


def open_load(factory: FactoryT, step_ids: tuple[uuid.UUID, ...]) -> OpenLoad:
    """The steps started together with `step_ids` (same station, operation, equipment and start), still in
    progress: completing one item of a furnace load completes the load."""
    with factory() as session:
        first = session.get(StepRecord, step_ids[0]) if step_ids else None
        if first is None or first.result is not StepResult.IN_PROGRESS:
            raise StepNotOpen("That step is not in progress any more. Scan the item again to see what is "
                              "due.")
        steps = list(session.scalars(select(StepRecord).where(
            StepRecord.station_id == first.station_id, StepRecord.operation_id == first.operation_id,
            StepRecord.started_at == first.started_at, StepRecord.result == StepResult.IN_PROGRESS,
            StepRecord.equipment_id.is_(None) if first.equipment_id is None
            else StepRecord.equipment_id == first.equipment_id).order_by(StepRecord.id)))
        # The scanned item's own steps first, then the rest of its load.
        steps.sort(key=lambda step: step.id not in step_ids)
        equipment = session.get(Equipment, first.equipment_id) if first.equipment_id else None
        operation = session.get_one(Operation, first.operation_id)
        started = first.started_at  # SQLite hands it back naive; it is UTC
        return OpenLoad(step_ids=tuple(step.id for step in steps), operation=operation_view(operation),
                        started_at=started if started.tzinfo else started.replace(tzinfo=UTC),
                        equipment=equipment.code if equipment else None,
                        items=tuple(scan.view(session, session.get_one(Item, step.item_id))
                                    for step in steps))


def customer_order(factory: FactoryT, number: str) -> OrderInfo:
    with factory() as session:
        order = scan.customer_order(session, number)
        return OrderInfo(order.number, session.get_one(Customer, order.customer_id).name)


def rework_approver(factory: FactoryT, username: str, password: str) -> Actor:
    """The supervisor who approves a rework loop at the operator's bench, by user name and password; anyone
    else's credentials are refused, with why."""
    person = authenticate(factory, username, password)
    if person.user_id is None or not allowed(person, Action.APPROVE_REWORK):
        role = person.role.label.lower() if person.role else "not a person"
        raise PermissionDenied(f"{person.full_name or person.username} ({role}) may not approve rework: only "
                               "a supervisor can. Ask the shift supervisor to enter their name and password.")
    return person
