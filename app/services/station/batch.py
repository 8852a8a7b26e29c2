"""The items a step is for, checked before anything is written: status, route and operation, station,
work order, equipment, and who approves a rework loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.models import Equipment, Item, Operation, PartDefinition, Station, StepRecord, StepResult, WorkOrder
from app.services.permissions import Action, Actor, allowed
from app.services.scope import require_at
from app.services.station import checks, scan
from app.services.station.errors import InvalidRequest, NotOnRoute, StepAlreadyStarted, StepNotOpen
from app.services.station.route import Progress, open_steps, progress
from app.services.station.views import StepStart


@dataclass(frozen=True)
class Batch:
    """One item, or several of one part worked together (a furnace load), at one operation."""

    items: list[Item]
    part: PartDefinition
    operations: list[Operation]  # per item: routes may differ in version, not in sequence numbers
    finishing: list[bool]  # per item: passing this operation completes its route
    orders: list[WorkOrder]
    station: Station
    equipment: Equipment | None
    rework: bool  # the step repeats an operation the items passed: a rework loop, not a new use of material
    approver: Actor | None  # who allowed the rework loop, when it was allowed at this call

    @property
    def operation(self) -> Operation:
        return self.operations[0]


def plan_batch(session: Session, actor: Actor, start: StepStart, items: list[Item], *, station: Station,
               equipment: Equipment | None, today: date) -> Batch:
    require_at(session, actor, Action.RECORD_STEP, station)
    if not items:
        raise InvalidRequest("No item was scanned. Scan the item to work on first.")
    part = scan.part(session, items[0])
    approver = _rework_approver(actor, start.approved_by)
    seq = start.operation_seq
    operations, finishing, rework = [], [], False
    for item in items:
        if item.part_id != part.id:
            raise InvalidRequest(f"A batch holds items of one part: {scan.label(session, item)} is not a "
                                 f"{part.part_number}. Record it separately.")
        checks.require_status(session, item, checks.WORKABLE, doing="worked on", today=today)
        route = progress(session, item)
        operation = _operation(session, item, route, seq)
        seq = operation.seq  # the first item's due operation decides for the rest of the batch
        checks.require_station(session, item, operation, station)
        checks.require_route_order(session, item, operation, route, rework_allowed=approver is not None)
        started = open_steps(session, item, operation)
        if started:
            raise StepAlreadyStarted(
                f"{operation.seq} {operation.name} of {scan.label(session, item)} was started at "
                f"{started[0].started_at:%H:%M} UTC and is not completed. Complete that step instead.")
        rework = rework or operation.seq in route.passed
        operations.append(operation)
        finishing.append(route.finished_by(operation))
    orders = _open_orders(session, items)
    if equipment is not None:
        checks.require_equipment(equipment, today)
    return Batch(items=items, part=part, operations=operations, finishing=finishing, orders=orders,
                 station=station, equipment=equipment, rework=rework, approver=approver if rework else None)


def resume_batch(session: Session, steps: list[StepRecord], *, today: date) -> Batch:
    """The batch of steps begun by `start_step`, checked again: still in progress, items still workable,
    equipment still in calibration, orders still open."""
    items = [session.get_one(Item, step.item_id) for step in steps]
    operations = []
    for step, item in zip(steps, items, strict=True):
        operation = session.get(Operation, step.operation_id) if step.operation_id else None
        if operation is None or step.result is not StepResult.IN_PROGRESS:
            what = f"{operation.seq} {operation.name}" if operation else "That step"
            raise StepNotOpen(f"{what} of {scan.label(session, item)} is not in progress (it ended "
                              f"{step.result.value}), so there is nothing to complete. Scan the item again "
                              "to see what is due.")
        operations.append(operation)
    if len({op.seq for op in operations}) > 1 or len({step.equipment_id for step in steps}) > 1:
        raise InvalidRequest("These steps were not started together. Complete each of them on its own.")
    for item in items:
        checks.require_status(session, item, checks.WORKABLE, doing="worked on", today=today)
    orders = _open_orders(session, items)
    equipment = session.get(Equipment, steps[0].equipment_id) if steps[0].equipment_id else None
    if equipment is not None:
        checks.require_equipment(equipment, today)
    routes = [progress(session, item) for item in items]
    return Batch(items=items, part=scan.part(session, items[0]), operations=operations,
                 finishing=[route.finished_by(op) for route, op in zip(routes, operations, strict=True)],
                 orders=orders, station=session.get_one(Station, steps[0].station_id), equipment=equipment,
                 rework=any(op.seq in route.passed for route, op in zip(routes, operations, strict=True)),
                 approver=None)


def _open_orders(session: Session, items: list[Item]) -> list[WorkOrder]:
    orders = {order.id: order for order in (session.get_one(WorkOrder, item.work_order_id)
                                            for item in items if item.work_order_id is not None)}
    for order in orders.values():
        checks.require_work_order_open(order)
    return list(orders.values())


def _rework_approver(actor: Actor, approved_by: Actor | None) -> Actor | None:
    """The person whose role allows a rework loop: the one recording it, or the one who approved it."""
    for person in (actor, approved_by):
        if person is not None and person.user_id is not None and allowed(person, Action.APPROVE_REWORK):
            return person
    return None


def _operation(session: Session, item: Item, route: Progress, seq: int | None) -> Operation:
    name = scan.label(session, item)
    if not route.operations:
        raise NotOnRoute(f"{scan.part(session, item).part_number} has no active route, so there is no "
                         f"operation to record for {name}. Ask quality engineering to set up its route.")
    if seq is None:
        due = route.due()
        if due is None:
            raise NotOnRoute(f"{name} has finished its route: no operation is due. To repeat one, a "
                             "supervisor picks it.")
        return due
    operation = route.at(seq)
    if operation is None:
        choices = ", ".join(f"{op.seq} {op.name}" for op in route.operations)
        raise NotOnRoute(f"The route of {name} has no operation {seq}. Pick one of: {choices}.")
    return operation
