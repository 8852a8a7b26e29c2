"""The station's rules, one function each: they read, decide and raise the error that tells the operator
what is wrong and what to do; none of them writes."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    BomLine,
    Equipment,
    EquipmentStatus,
    Item,
    ItemStatus,
    Nonconformance,
    NonconformanceStatus,
    Operation,
    PartDefinition,
    Station,
    WorkOrder,
    WorkOrderStatus,
    nonconformance_items,
)
from app.services.permissions import Actor
from app.services.station import scan
from app.services.station.errors import (
    EquipmentNotActive,
    EquipmentNotCalibrated,
    Expired,
    InsufficientQuantity,
    InvalidRequest,
    ItemUsedUp,
    LotOnHold,
    LotUsedUp,
    MissingComponent,
    NotAPerson,
    NotFinished,
    OutOfRouteOrder,
    Quarantined,
    ReworkNeedsSupervisor,
    WorkOrderNotOpen,
    WrongPart,
    WrongStation,
)
from app.services.station.route import Progress, progress

EPSILON = 1e-9  # quantities are floats (metres of bar); anything closer than this is equal
WORKABLE = frozenset({ItemStatus.RELEASED, ItemStatus.IN_PROCESS})
AVAILABLE = frozenset({ItemStatus.RELEASED})


def require_person(actor: Actor) -> None:
    if actor.user_id is None:
        raise NotAPerson("Station records are signed by the person who did the work, and the system account "
                         "is not a person. Log in with your own name first.")


def local_day(now: datetime) -> date:
    """Calibration and shelf life run out on the plant's calendar day, not on UTC's."""
    return now.astimezone().date()


def require_status(session: Session, item: Item, allowed: Collection[ItemStatus], *, doing: str,
                   today: date) -> None:
    """`item` is in one of the `allowed` states and not expired; `doing` completes 'it cannot be …'."""
    name = scan.label(session, item)
    cannot = f"it cannot be {doing}"
    another = f"another {'serial' if item.is_serial else 'lot'} of {scan.part(session, item).part_number}"
    status = item.status
    if status not in allowed:
        if status is ItemStatus.ON_HOLD:
            numbers = _open_nonconformances(session, item)
            if numbers:
                raise LotOnHold(f"{name} is on hold ({', '.join(numbers)}): {cannot}. Set it aside and ask "
                                "quality to disposition it.")
            raise LotOnHold(f"{name} is on hold: {cannot}. Set it aside and ask quality why it is held.")
        if status is ItemStatus.QUARANTINED:
            raise Quarantined(f"{name} is in quarantine: {cannot} until an inspector releases it. Ask "
                              "quality to inspect and release it.")
        if status is ItemStatus.IN_PROCESS:
            due = progress(session, item).due()
            where = f"{due.seq} {due.name} is still open on its route" if due else "it is still in process"
            raise NotFinished(f"{name} is not finished ({where}): {cannot}. Finish its route first.")
        if status is ItemStatus.CONSUMED and not item.is_serial:
            raise LotUsedUp(f"{name} has nothing left: it was used up, so {cannot}. Scan {another}.")
        if status is ItemStatus.SHIPPED:
            raise ItemUsedUp(f"{name} was shipped to a customer: {cannot}. Check the label and scan "
                             f"{another}.")
        raise ItemUsedUp(f"{name} is {status.label.lower()}: {cannot}. Take it off the line and scan "
                         f"{another}.")
    if item.expires_on is not None and item.expires_on < today:
        raise Expired(f"{name} expired on {item.expires_on.isoformat()}: {cannot}. Set it aside for quality "
                      f"and scan {another}.")


def _open_nonconformances(session: Session, item: Item) -> list[str]:
    return list(session.scalars(
        select(Nonconformance.number).join(nonconformance_items)
        .where(nonconformance_items.c.item_id == item.id,
               Nonconformance.status != NonconformanceStatus.CLOSED)
        .order_by(Nonconformance.number)))


def require_equipment(equipment: Equipment, today: date) -> None:
    name = f"{equipment.code} ({equipment.name})"
    if equipment.status is not EquipmentStatus.ACTIVE:
        raise EquipmentNotActive(f"Equipment {name} is {equipment.status.value.replace('_', ' ')}: it "
                                 "cannot be used. Use other equipment, or ask maintenance to put it back in "
                                 "service.")
    due = equipment.calibration_due_on
    if due is not None and due < today:
        raise EquipmentNotCalibrated(
            f"Equipment {name} was due for calibration on {due.isoformat()}: it cannot be used until it is "
            f"calibrated. Use a calibrated {equipment.kind.value.replace('_', ' ')} and send this one to the "
            "calibration lab.")


def require_station(session: Session, item: Item, operation: Operation, station: Station) -> None:
    if operation.work_center != station.work_center:
        raise WrongStation(
            f"Operation {operation.seq} {operation.name} of {scan.label(session, item)} is done at "
            f"{operation.work_center}, not here at {station.name} ({station.work_center}). Take it to "
            f"{operation.work_center}.")


def require_work_order_open(order: WorkOrder) -> None:
    if order.status not in (WorkOrderStatus.RELEASED, WorkOrderStatus.IN_PROGRESS):
        raise WorkOrderNotOpen(
            f"Work order {order.number} is {order.status.value.replace('_', ' ')}: nothing can be recorded "
            "on it. Ask the supervisor to release it, or check that you scanned the right traveller.")


def require_route_order(session: Session, item: Item, operation: Operation, route: Progress, *,
                        rework_allowed: bool) -> None:
    """The previous operation is passed; repeating a passed one (a rework loop) needs a supervisor."""
    name = scan.label(session, item)
    due = route.due()
    next_up = (f"Next on its route is {due.seq} {due.name} at {due.work_center}." if due
               else "It has finished its route.")
    if operation.seq in route.passed:
        if not rework_allowed:
            raise ReworkNeedsSupervisor(
                f"{name} has already passed {operation.seq} {operation.name}. Doing it again is rework: ask "
                f"a supervisor to approve it. {next_up}")
        return
    previous = route.previous(operation)
    if previous is not None and previous.seq not in route.passed:
        raise OutOfRouteOrder(f"{name} has not passed {previous.seq} {previous.name} yet, so "
                              f"{operation.seq} {operation.name} cannot be recorded. {next_up}")


def require_in_bom(session: Session, component: Item, made: PartDefinition, operation: Operation | None,
                   lines: list[tuple[BomLine, PartDefinition]]) -> BomLine:
    """The component's part is on the bill of materials of `made` (at `operation`); returns the line."""
    for line, part in lines:
        if part.id == component.part_id:
            return line
    needed = ", ".join(part.part_number for _, part in lines) or "no components"
    at = f" at {operation.seq} {operation.name}" if operation is not None else ""
    raise WrongPart(f"{scan.label(session, component)} is the wrong part: {made.part_number} takes {needed}"
                    f"{at}. Scan a lot or serial of the right part.")


def require_all_components(made: PartDefinition, operation: Operation,
                           lines: list[tuple[BomLine, PartDefinition]], scanned: set[uuid.UUID]) -> None:
    missing = [part for _, part in lines if part.id not in scanned]
    if missing:
        names = ", ".join(f"{p.part_number} ({p.description})" for p in missing)
        raise MissingComponent(f"{operation.seq} {operation.name} of {made.part_number} also needs {names}. "
                               "Scan a lot or serial of each before completing.")


def require_quantity(session: Session, item: Item, quantity: float) -> None:
    """A positive quantity the item still has; a serial is used whole."""
    name = scan.label(session, item)
    unit = scan.part(session, item).unit
    if quantity <= EPSILON:
        raise InvalidRequest(f"{quantity:g} {unit} of {name} is not a quantity that can be used. Enter more "
                             "than zero.")
    if item.is_serial and abs(quantity - 1) > EPSILON:
        raise InvalidRequest(f"{name} is one piece and is used whole, not {quantity:g}. Leave its quantity "
                             "empty or enter 1.")
    if quantity > item.quantity + EPSILON:
        raise InsufficientQuantity(
            f"{name} has only {item.quantity:g} {unit} left, {quantity:g} {unit} are needed. Take what is "
            "left and scan another lot for the rest, or use a lot with enough left.")


def require_whole_use(session: Session, item: Item, targets: int) -> None:
    """A serial goes into one item; a batch of several cannot share it."""
    if item.is_serial and targets > 1:
        raise InvalidRequest(f"{scan.label(session, item)} is one piece and can go into one item, not into "
                             f"{targets}. Record the step for each item on its own.")
