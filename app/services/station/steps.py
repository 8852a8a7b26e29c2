"""Logging process steps: record one in a single call, or start it and complete it later (a furnace run).
Every check runs first — the process parameters against the operation's limits too; then the step records,
their parameters, the consumed quantities and the genealogy links are written in one transaction, or
nothing is."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    Item,
    ItemStatus,
    StepParameter,
    StepRecord,
    StepResult,
    WorkOrderStatus,
)
from app.models.base import utcnow
from app.services.permissions import Action, Actor
from app.services.scope import require_at
from app.services.station import checks, parameters, scan
from app.services.station.batch import Batch, plan_batch, resume_batch
from app.services.station.checks import local_day
from app.services.station.consume import Draw, consume, made_amount, plan_draws
from app.services.station.errors import InvalidRequest, StepNotOpen
from app.services.station.locks import claim_write_lock, lock_items
from app.services.station.parameters import DEFAULT_MAX_AGE, Evaluation
from app.services.station.route import operation_view
from app.services.station.views import (
    ComponentScan,
    ConsumedView,
    RecordedStep,
    StepCompletion,
    StepStart,
)
from app.services.unit_of_work import unit_of_work

FactoryT = sessionmaker[Session]
PASSED = StepCompletion()  # a plain pass: nothing consumed, no parameters


def record_step(factory: FactoryT, actor: Actor, start: StepStart, completion: StepCompletion = PASSED, *,
                max_age: timedelta = DEFAULT_MAX_AGE) -> RecordedStep:
    """Everything the station collected for an operation, checked and written at once. Sensor readings
    older than `max_age` (the station's `sensors.max_age_s`) are refused as stale."""
    now, started_at = _times(actor, start)
    _validate(completion)
    with unit_of_work(factory, actor, Action.RECORD_STEP) as session:
        claim_write_lock(session)
        station = scan.station(session, start.station)
        equipment = scan.equipment(session, start.equipment) if start.equipment else None
        items = scan.items(session, start.items)
        components = _components(session, completion.components, items)
        lock_items(session, [item.id for item in items] + [item.id for item, _ in components])
        today = local_day(now)
        batch = plan_batch(session, actor, start, items, station=station, equipment=equipment, today=today)
        draws = plan_draws(session, components, batch, today=today)
        checked = _check_parameters(session, batch, completion, now, max_age)
        steps = _open(session, actor, batch, started_at, start.notes)
        _complete(session, batch, steps, completion, draws, now, checked)
        return _recorded(session, batch, steps, draws, completion.result, checked)


def start_step(factory: FactoryT, actor: Actor, start: StepStart) -> RecordedStep:
    """Start a long operation: the same checks, a step in progress per item; `complete_step` ends it."""
    now, started_at = _times(actor, start)
    with unit_of_work(factory, actor, Action.RECORD_STEP) as session:
        claim_write_lock(session)
        station = scan.station(session, start.station)
        equipment = scan.equipment(session, start.equipment) if start.equipment else None
        items = scan.items(session, start.items)
        lock_items(session, [item.id for item in items])
        batch = plan_batch(session, actor, start, items, station=station, equipment=equipment,
                           today=local_day(now))
        steps = _open(session, actor, batch, started_at, start.notes)
        return _recorded(session, batch, steps, [], StepResult.IN_PROGRESS)


def complete_step(factory: FactoryT, actor: Actor, step_ids: Sequence[uuid.UUID],
                  completion: StepCompletion = PASSED, *, max_age: timedelta = DEFAULT_MAX_AGE
                  ) -> RecordedStep:
    """Complete steps begun with `start_step`; item status and equipment are checked again, since hours
    may have passed (a hold, a lapsed calibration)."""
    checks.require_person(actor)
    _validate(completion)
    now = utcnow()
    with unit_of_work(factory, actor, Action.RECORD_STEP) as session:
        claim_write_lock(session)
        position = {step_id: index for index, step_id in enumerate(dict.fromkeys(step_ids))}
        item_ids = list(session.scalars(select(StepRecord.item_id).where(StepRecord.id.in_(position))))
        if not position or len(item_ids) != len(position):
            raise StepNotOpen("That step is not on record any more. Scan the item again to see what is due.")
        items = [session.get_one(Item, item_id) for item_id in item_ids]
        components = _components(session, completion.components, items)
        lock_items(session, item_ids + [item.id for item, _ in components])
        steps = sorted(session.scalars(select(StepRecord).where(StepRecord.id.in_(position))
                                       .execution_options(populate_existing=True)),
                       key=lambda step: position[step.id])
        today = local_day(now)
        batch = resume_batch(session, steps, today=today)
        require_at(session, actor, Action.RECORD_STEP, batch.station)
        draws = plan_draws(session, components, batch, today=today)
        checked = _check_parameters(session, batch, completion, now, max_age)
        _complete(session, batch, steps, completion, draws, now, checked)
        return _recorded(session, batch, steps, draws, completion.result, checked)


def _times(actor: Actor, start: StepStart) -> tuple[datetime, datetime]:
    checks.require_person(actor)
    now = utcnow()
    started_at = start.started_at or now
    if started_at.tzinfo is None:
        raise InvalidRequest("The start time of the step has no time zone. The station must send it in UTC.")
    if started_at > now:
        raise InvalidRequest("The start time of the step is in the future. Check the station's clock.")
    return now, started_at


def _validate(completion: StepCompletion) -> None:
    if completion.result not in (StepResult.PASS, StepResult.FAIL):
        raise InvalidRequest(f"A step ends in pass or fail, not '{completion.result.value}'. Choose one.")
    for reading in completion.parameters:
        if not reading.name.strip():
            raise InvalidRequest("A process parameter has no name. Name every parameter you record.")
        if reading.value is None and not (reading.text_value or "").strip():
            raise InvalidRequest(f"The parameter '{reading.name}' has no value. Enter or read it.")
        if reading.value is not None and not math.isfinite(reading.value):
            raise InvalidRequest(f"The parameter '{reading.name}' reads {reading.value}, which is not a "
                                 "number. Check the sensor and read it again.")


def _check_parameters(session: Session, batch: Batch, completion: StepCompletion, now: datetime,
                      max_age: timedelta) -> list[Evaluation]:
    """Per item, its readings checked against its operation (routes of a batch may differ in version)."""
    specs = parameters.load_specs(session, {op.id for op in batch.operations})
    equipment = batch.equipment
    sensors = parameters.equipment_sensors(session, equipment.id if equipment else None)
    evaluated: dict[uuid.UUID, Evaluation] = {}
    for operation in batch.operations:
        if operation.id not in evaluated:
            evaluated[operation.id] = parameters.evaluate(
                completion.parameters, specs[operation.id], operation=f"{operation.seq} {operation.name}",
                passed=completion.result is StepResult.PASS, now=now, max_age=max_age,
                equipment=equipment.code if equipment else None, sensors=sensors)
    return [evaluated[op.id] for op in batch.operations]


def _components(session: Session, scans: tuple[ComponentScan, ...], worked: list[Item]
                ) -> list[tuple[Item, float | None]]:
    found = scan.items(session, [component.item for component in scans])
    for item in found:
        if any(item.id == target.id for target in worked):
            raise InvalidRequest(f"{scan.label(session, item)} is the item being worked on; it cannot be "
                                 "its own component. Scan the component's label.")
    return [(item, component.quantity) for item, component in zip(found, scans, strict=True)]


def _open(session: Session, actor: Actor, batch: Batch, started_at: datetime, notes: str | None
          ) -> list[StepRecord]:
    """One step in progress per item, not yet flushed; the items are in process from now on."""
    approver = batch.approver
    if approver is not None:
        approval = f"Rework approved by {approver.full_name or approver.username}"
        notes = f"{approval}: {notes}" if notes else approval
        session.info["reason"] = approval  # the audit rows of this transaction say so too
    steps = [StepRecord(id=uuid.uuid4(), item_id=item.id, work_order_id=item.work_order_id,
                        operation_id=operation.id, station_id=batch.station.id,
                        equipment_id=batch.equipment.id if batch.equipment else None,
                        operator_id=actor.user_id, started_at=started_at, result=StepResult.IN_PROGRESS,
                        quantity=made_amount(item), notes=notes)
             for item, operation in zip(batch.items, batch.operations, strict=True)]
    session.add_all(steps)
    for item in batch.items:
        item.status = ItemStatus.IN_PROCESS
    for order in batch.orders:
        if order.status is WorkOrderStatus.RELEASED:
            order.status = WorkOrderStatus.IN_PROGRESS
    return steps


def _complete(session: Session, batch: Batch, steps: list[StepRecord], completion: StepCompletion,
              draws: list[Draw], now: datetime, checked: list[Evaluation]) -> None:
    """Complete the steps (still pending when recorded in one call, so each is audited once, complete)."""
    for step, item, finishing in zip(steps, batch.items, batch.finishing, strict=True):
        step.completed_at = now
        step.result = completion.result
        if completion.notes:
            step.notes = f"{step.notes}; {completion.notes}" if step.notes else completion.notes
        # Passing the last open operation finishes the item: it may be used, or shipped, from now on.
        if completion.result is StepResult.PASS and finishing:
            item.status = ItemStatus.RELEASED
    session.flush()  # without relationships the ORM does not order inserts: steps before what points at them
    session.add_all(StepParameter(step_id=step.id, name=r.name, value=r.value, text_value=r.text_value,
                                  unit=r.unit, source=r.source, read_at=r.read_at, source_ref=r.source_ref,
                                  lower_limit=r.lower_limit, upper_limit=r.upper_limit,
                                  out_of_limits=r.out_of_limits)
                    for step, evaluation in zip(steps, checked, strict=True) for r in evaluation.readings)
    consume(session, draws, [(item, step.id) for item, step in zip(batch.items, steps, strict=True)])


def _recorded(session: Session, batch: Batch, steps: list[StepRecord], draws: list[Draw],
              result: StepResult, checked: Sequence[Evaluation] = ()) -> RecordedStep:
    session.flush()
    operation = batch.operation
    items = tuple(scan.view(session, item) for item in batch.items)
    who = scan.label(session, batch.items[0]) if len(items) == 1 else \
        f"{len(items)} items of {batch.part.part_number}"
    if result is StepResult.IN_PROGRESS:
        message = f"{operation.seq} {operation.name} started for {who}. Complete it when it is done."
    else:
        used = " ".join(f"Used {d.quantity:g} {scan.part(session, d.item).unit} of "
                        f"{scan.label(session, d.item)} ({d.item.quantity:g} left)." for d in draws)
        message = f"{operation.seq} {operation.name} recorded for {who}: {result.value}. {used}".strip()
    flagged = tuple(dict.fromkeys(r.name for evaluation in checked for r in evaluation.flagged))
    if flagged:
        note = next(evaluation.note() for evaluation in checked if evaluation.flagged)
        message = f"{message} {note}"
    return RecordedStep(step_ids=tuple(step.id for step in steps), operation=operation_view(operation),
                        items=items, consumed=tuple(ConsumedView(scan.view(session, d.item), d.quantity)
                                                    for d in draws),
                        result=result, message=message, flagged=flagged)
