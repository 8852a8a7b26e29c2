"""What the station page shows after a scan: the item, its route, the operation due at this station, the
station's equipment, the components that operation takes and the parameters it asks for. Reads only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Equipment, Operation, Station, WorkOrder
from app.models.base import utcnow
from app.services.station import checks, parameters, scan
from app.services.station.consume import bom_lines, made_amount
from app.services.station.errors import StationError
from app.services.station.parameter_setup import sources_at
from app.services.station.route import Progress, open_steps, operation_view, progress
from app.services.station.views import ComponentNeed, EquipmentView, ItemRef, ParameterSpec, StationTask


def station_task(factory: sessionmaker[Session], station_name: str, scanned: ItemRef) -> StationTask:
    """Raises UnknownScan or AmbiguousScan for a scan that names no single item; any other problem with
    the item is the task's `hint`, so the page can show the item and what is wrong with it together."""
    today = checks.local_day(utcnow())
    with factory() as session:
        station = scan.station(session, station_name)
        item = scan.item(session, scanned)
        route = progress(session, item)
        due = route.due()
        try:
            checks.require_status(session, item, checks.WORKABLE, doing="worked on", today=today)
            problem = None
        except StationError as exc:
            problem = str(exc)
        here = due if problem is None and due is not None and due.work_center == station.work_center else None
        needs = () if here is None else tuple(
            ComponentNeed(part_number=p.part_number, description=p.description, unit=p.unit,
                          quantity=round(line.quantity_per * made_amount(item), 6))
            for line, p in bom_lines(session, scan.part(session, item), here.seq))
        equipment = tuple(
            EquipmentView(code=e.code, name=e.name, calibration_due_on=e.calibration_due_on,
                          usable=_usable(e, today))
            for e in session.scalars(select(Equipment).where(Equipment.station_id == station.id)
                                     .order_by(Equipment.code)))
        order = session.get(WorkOrder, item.work_order_id) if item.work_order_id else None
        return StationTask(
            item=scan.view(session, item), work_order=order.number if order else None, route=route.steps(),
            due=operation_view(here) if here else None,
            open_steps=tuple(step.id for step in open_steps(session, item, here)) if here else (),
            equipment=equipment, components=needs, hint=problem or _hint(route, due, here is not None),
            parameters=_parameters(session, here, station, equipment) if here else ())


def _parameters(session: Session, operation: Operation, station: Station,
                equipment: tuple[EquipmentView, ...]) -> tuple[ParameterSpec, ...]:
    """The operation's parameters, each with the sensor this station reads it from: of the station's
    equipment that reports it, a usable one first (the operator will not be let use the others)."""
    rank = {view.code: (not view.usable, index) for index, view in enumerate(equipment)}
    sensors: dict[str, tuple[tuple[bool, int], str]] = {}
    for source in sources_at(session, station):
        key, found = source.name.casefold(), (rank[source.equipment], source.ref)
        if key not in sensors or found < sensors[key]:
            sensors[key] = found
    specs = parameters.load_specs(session, [operation.id])[operation.id]
    return tuple(replace(spec, sensor=sensors[spec.name.casefold()][1] if spec.name.casefold() in sensors
                         else None) for spec in specs)


def _usable(equipment: Equipment, today: date) -> bool:
    try:
        checks.require_equipment(equipment, today)
    except StationError:
        return False
    return True


def _hint(route: Progress, due: Operation | None, here: bool) -> str:
    if not route.operations:
        return "This part has no route: there is no operation to record for it."
    if due is None:
        return "It has finished its route. A supervisor can pick an operation to repeat."
    if not here:
        return f"Next on its route is {due.seq} {due.name} at {due.work_center}: take it there."
    return "Scan the equipment and the components, enter the parameters, then complete."


def rework_task(factory: sessionmaker[Session], station_name: str, scanned: ItemRef) -> StationTask | None:
    """Repeating an operation the item has passed at this station's work centre (the latest one): the task
    a rework loop would record, for the page to offer when nothing is due here; None when there is none.
    Recording it needs a supervisor (`StepStart.approved_by`), which the step service checks."""
    today = checks.local_day(utcnow())
    with factory() as session:
        station = scan.station(session, station_name)
        item = scan.item(session, scanned)
        route = progress(session, item)
        try:
            checks.require_status(session, item, checks.WORKABLE, doing="worked on", today=today)
        except StationError:
            return None
        passed_here = [op for op in route.operations
                       if op.seq in route.passed and op.work_center == station.work_center]
        if not passed_here:
            return None
        again = passed_here[-1]
    task = station_task(factory, station_name, scanned)
    with factory() as session:
        station = scan.station(session, station_name)
        operation = session.get_one(Operation, again.id)
        item = scan.item(session, scanned)
        needs = tuple(ComponentNeed(part_number=p.part_number, description=p.description, unit=p.unit,
                                    quantity=round(line.quantity_per * made_amount(item), 6))
                      for line, p in bom_lines(session, scan.part(session, item), operation.seq))
        return replace(task, due=operation_view(operation), open_steps=(), components=needs,
                       hint=f"Rework: {operation.seq} {operation.name} again. It needs a supervisor's "
                            "approval.",
                       parameters=_parameters(session, operation, station, task.equipment))
