"""Whether an item (or lot) is due for inspection on a plan, and how many readings of each measured
characteristic its record takes: the plan's sampling rule applied to where the item stands in its work order,
or to the lot's size. The form shows the answer; a record fixes its number of readings when it is opened."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.models import Item, WorkOrder, WorkOrderStatus
from app.services.errors import NotFound, ValidationError
from app.services.inspection.plans import read_plan
from app.services.inspection.sampling import SamplingRule, lot_size_text, ordinal
from app.services.inspection.views import PlanView

_FINISHED = (WorkOrderStatus.COMPLETED, WorkOrderStatus.CLOSED)


@dataclass(frozen=True)
class SamplingDecision:
    """`text` is the line the form shows: "First-off of WO-1042", "Lot of 1,200: sample 32"."""

    due: bool
    readings: int  # of each measured characteristic; a pass/fail check has one result per record
    text: str
    rule: SamplingRule
    work_order: str | None = None
    position: int | None = None  # the item's place in its work order (or among the part's items without one)
    lot_size: float | None = None


def inspection_due(factory: sessionmaker[Session], item_id: uuid.UUID, plan_id: uuid.UUID) -> SamplingDecision:
    with factory() as session:
        item = session.get(Item, item_id)
        if item is None:
            raise NotFound("That item no longer exists; scan it again.")
        return decide(session, item, read_plan(session, plan_id))


def decide(session: Session, item: Item, plan: PlanView) -> SamplingDecision:
    sampling = plan.sampling
    if sampling.rule is SamplingRule.LOT_SIZE:
        # The lot as it was received or made: taking pieces out of it later does not shrink its sample.
        size = item.initial_quantity
        row = sampling.row_for(size)
        if row is None:
            raise ValidationError(f"The sampling table of {plan.title} has no row for {item.code}, a lot of "
                                  f"{lot_size_text(size)} (it covers {sampling.coverage()}); ask a quality engineer "
                                  "to extend the table.")
        sample = min(row.sample, math.ceil(size))
        words = f"sample {sample}" if sample == row.sample else \
            f"all {sample} (a lot smaller than its sample of {row.sample} is inspected whole)"
        return SamplingDecision(True, sample, f"Lot of {lot_size_text(size)}: {words}", sampling.rule,
                                lot_size=size)
    readings = plan.sample_size
    if sampling.rule is SamplingRule.EVERY_NTH and sampling.every == 1:
        return SamplingDecision(True, readings, "Every item is inspected", sampling.rule)
    order = session.get(WorkOrder, item.work_order_id) if item.work_order_id else None
    position, made, newest = _position(session, item)
    number = order.number if order else None
    if sampling.rule is SamplingRule.EVERY_NTH:
        n = sampling.every
        where = f"of {number}" if number else "without a work order"
        due = (position - 1) % n == 0
        text = (f"{ordinal(position)} item {where}: due (every {ordinal(n)} item, from the 1st)" if due else
                f"{ordinal(position)} item {where}: not due (every {ordinal(n)} item; the next is the "
                f"{ordinal(position + n - (position - 1) % n)})")
        return SamplingDecision(due, readings, text, sampling.rule, number, position)
    if order is None:
        return SamplingDecision(False, readings, f"{item.code} belongs to no work order: not due (only the "
                                f"{sampling.describe()})", sampling.rule)
    first = position == 1
    # The last-off makes the order's quantity full, or is the newest item of an order that is finished.
    last = made >= order.quantity or (order.status in _FINISHED and newest)
    which = [word for word, is_it, wanted in (("first-off", first, sampling.first_off),
                                              ("last-off", last, sampling.last_off)) if is_it and wanted]
    if which:
        text = " and ".join(which).capitalize() + f" of {order.number}" + \
            (f" ({ordinal(position)} item)" if last and position > 1 else "")
        return SamplingDecision(True, readings, text, sampling.rule, order.number, position)
    return SamplingDecision(False, readings, f"{ordinal(position)} item of {order.number}: not due (only the "
                            f"{sampling.describe()})", sampling.rule, order.number, position)


def _siblings(item: Item) -> ColumnElement[bool]:
    """The items counted with `item`: its work order's, or its part's that belong to no work order."""
    if item.work_order_id is not None:
        return Item.work_order_id == item.work_order_id
    return and_(Item.part_id == item.part_id, Item.work_order_id.is_(None), Item.is_serial == item.is_serial)


def _position(session: Session, item: Item) -> tuple[int, float, bool]:
    """The item's place among its siblings (1: the first made), how much they made up to it (itself included),
    and whether it is the newest. A work order's serials are often made in one transaction at one time, hence
    the code after the time, shorter codes first (VB-99 before VB-100). The times are compared in SQL, column
    to column, as each database stores them."""
    me = aliased(Item)
    same_time = Item.created_at == me.created_at
    earlier = or_(Item.created_at < me.created_at,
                  and_(same_time, func.length(Item.code) < func.length(me.code)),
                  and_(same_time, func.length(Item.code) == func.length(me.code), Item.code <= me.code))
    count, made, later = session.execute(
        select(func.count(), func.sum(case((earlier, Item.initial_quantity), else_=0.0)),
               func.sum(case((earlier, 0), else_=1)))
        .select_from(Item).join(me, me.id == item.id).where(_siblings(item))).one()
    position = int(count) - int(later or 0)
    return position, float(made or 0.0), not later
