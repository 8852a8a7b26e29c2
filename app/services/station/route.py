"""Where an item stands on its route: the operations, which of them it has passed, which one is due."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Item, Operation, Route, StepRecord, StepResult, WorkOrder
from app.services.station.views import OperationView, RouteStepView


@dataclass(frozen=True)
class Progress:
    operations: tuple[Operation, ...]  # the route, in sequence
    passed: frozenset[int]  # sequence numbers passed since the last rework reopened them

    def due(self) -> Operation | None:
        return next((op for op in self.operations if op.seq not in self.passed), None)

    def previous(self, operation: Operation) -> Operation | None:
        earlier = [op for op in self.operations if op.seq < operation.seq]
        return earlier[-1] if earlier else None

    def at(self, seq: int) -> Operation | None:
        return next((op for op in self.operations if op.seq == seq), None)

    def finished_by(self, operation: Operation) -> bool:
        """Whether passing `operation` now completes the route: only the last one can, with all before it
        passed (passing an earlier one again reopens everything after it)."""
        *before, last = self.operations
        return operation.seq == last.seq and all(op.seq in self.passed for op in before)

    def steps(self) -> tuple[RouteStepView, ...]:
        return tuple(RouteStepView(operation_view(op), op.seq in self.passed) for op in self.operations)


def operation_view(operation: Operation) -> OperationView:
    return OperationView(seq=operation.seq, name=operation.name, work_center=operation.work_center)


def route_id(session: Session, part_id: uuid.UUID, work_order_id: uuid.UUID | None) -> uuid.UUID | None:
    """The route of the work order, else the newest active route of the part."""
    if work_order_id is not None:
        order = session.get_one(WorkOrder, work_order_id)
        if order.route_id is not None:
            return order.route_id
    return session.scalar(select(Route.id).where(Route.part_id == part_id, Route.active)
                          .order_by(Route.version.desc()).limit(1))


def progress(session: Session, item: Item) -> Progress:
    route = route_id(session, item.part_id, item.work_order_id)
    if route is None:
        return Progress((), frozenset())
    operations = tuple(session.scalars(select(Operation).where(Operation.route_id == route)
                                       .order_by(Operation.seq)))
    seq_of = {op.id: op.seq for op in operations}
    passed: set[int] = set()
    # In the order they were done: passing an operation again (a rework loop) reopens every later one.
    for operation_id in session.scalars(
            select(StepRecord.operation_id)
            .where(StepRecord.item_id == item.id, StepRecord.result == StepResult.PASS,
                   StepRecord.operation_id.in_(seq_of))
            .order_by(StepRecord.completed_at)):
        seq = seq_of[operation_id]
        passed = {s for s in passed if s < seq} | {seq}
    return Progress(operations, frozenset(passed))


def open_steps(session: Session, item: Item, operation: Operation) -> list[StepRecord]:
    """Steps of `item` at `operation` that were started and not completed."""
    return list(session.scalars(select(StepRecord).where(
        StepRecord.item_id == item.id, StepRecord.operation_id == operation.id,
        StepRecord.result == StepResult.IN_PROGRESS).order_by(StepRecord.started_at)))
