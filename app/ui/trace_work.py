"""What the Trace page asks the worker thread to do: trace, recall, one node's history, and the figures for
the heading. Plain functions, no Qt; they run off the GUI thread, so everything the page shows that costs
more than a dictionary look-up is worked out here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session, sessionmaker

from app.models import ItemStatus
from app.services.lookup import item_history
from app.services.lookup_views import (
    InspectionView,
    ItemHistory,
    NonconformanceView,
    ShipmentView,
    StepView,
)
from app.services.recall import RecallReport, recall_from_equipment, recall_from_trace
from app.services.trace import trace, trace_item
from app.services.trace_views import TraceResult
from app.trace import Direction

# Reverse traces stay small (one product's bill of materials), so they carry every node's steps and
# inspections. Forward traces of a heat reach thousands of items: the page fetches one node's history
# when it is selected instead.
WITH_CONTEXT = {Direction.REVERSE: True, Direction.FORWARD: False}


@dataclass(frozen=True)
class TraceFigures:
    """The counts the heading states, so nobody has to scroll ten thousand rows to learn them."""

    items: int
    shipped: int
    customers: tuple[str, ...]
    open_ncrs: tuple[str, ...]
    on_hold: int
    levels: int  # below the roots, on the shortest path to each item


@dataclass(frozen=True)
class TraceAnswer:
    result: TraceResult
    with_context: bool  # steps and inspections came along for every node
    figures: TraceFigures


@dataclass(frozen=True)
class NodeDetails:
    """What the detail panel shows for one node, whether it came with the trace or was fetched later."""

    steps: tuple[StepView, ...]
    inspections: tuple[InspectionView, ...]
    nonconformances: tuple[NonconformanceView, ...]
    shipments: tuple[ShipmentView, ...]

    @classmethod
    def from_trace(cls, result: TraceResult, item_id: uuid.UUID) -> NodeDetails:
        return cls(tuple(result.steps.get(item_id, ())), tuple(result.inspections.get(item_id, ())),
                   tuple(result.nonconformances.get(item_id, ())), tuple(result.shipments.get(item_id, ())))

    @classmethod
    def from_history(cls, history: ItemHistory) -> NodeDetails:
        return cls(history.steps, history.inspections, history.nonconformances, history.shipments)


def _figures(result: TraceResult) -> TraceFigures:
    customers = {s.customer for views in result.shipments.values() for s in views}
    open_ncrs = {n.number for views in result.nonconformances.values() for n in views if n.status == "open"}
    held = (ItemStatus.ON_HOLD, ItemStatus.QUARANTINED)
    return TraceFigures(
        items=len(result.nodes),
        shipped=sum(1 for views in result.shipments.values() if views),
        customers=tuple(sorted(customers)), open_ncrs=tuple(sorted(open_ncrs)),
        on_hold=sum(1 for node in result.nodes.values() if node.status in held),
        levels=max((node.depth for node in result.nodes.values()), default=0))


def _answer(result: TraceResult, with_context: bool) -> TraceAnswer:
    return TraceAnswer(result, with_context, _figures(result))


def trace_identifier(factory: sessionmaker[Session], text: str, direction: Direction) -> TraceAnswer:
    """Trace from whatever `text` names; NotFound carries the sentence for the person."""
    with_context = WITH_CONTEXT[direction]
    return _answer(trace(factory, text, direction, process_context=with_context), with_context)


def trace_from_item(factory: sessionmaker[Session], item_id: uuid.UUID, direction: Direction) -> TraceAnswer:
    with_context = WITH_CONTEXT[direction]
    return _answer(trace_item(factory, item_id, direction, process_context=with_context), with_context)


def node_details(factory: sessionmaker[Session], item_id: uuid.UUID) -> NodeDetails:
    """One node's context, for traces that came without it (forward traces)."""
    return NodeDetails.from_history(item_history(factory, item_id))


def trace_recall(result: TraceResult) -> RecallReport:
    """The recall list of the forward trace on screen: no second trace needed."""
    return recall_from_trace(result, subject=f"Forward trace of {result.query}")


def day_window(start: date | None, end: date) -> tuple[datetime | None, datetime]:
    """Whole local days as a UTC window: from the first moment of `start` to the last of `end`."""
    local = datetime.now().astimezone().tzinfo

    def utc(day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=local).astimezone(UTC)

    return (utc(start, time.min) if start else None), utc(end, time.max)


def equipment_recall(factory: sessionmaker[Session], code: str, start: date | None,
                     end: date) -> RecallReport:
    """Everything the equipment touched between the local days `start` (None: its last calibration) and
    `end`, both included."""
    begin, finish = day_window(start, end)
    return recall_from_equipment(factory, code, begin, finish)
