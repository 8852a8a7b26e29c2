"""Using components: the bill-of-materials lines due at an operation, what each scanned component gives,
and writing it — quantities taken (emptied lots and used serials become consumed) and genealogy links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import BomLine, GenealogyLink, Item, ItemStatus, PartDefinition
from app.services.station import checks
from app.services.station.batch import Batch

BomLines = list[tuple[BomLine, PartDefinition]]


@dataclass(frozen=True)
class Draw:
    item: Item
    quantity: float


def bom_lines(session: Session, made: PartDefinition, seq: int | None) -> BomLines:
    """The components of `made` used at operation `seq`; a line without an operation counts at every one."""
    stmt = (select(BomLine, PartDefinition)
            .join(PartDefinition, BomLine.component_part_id == PartDefinition.id)
            .where(BomLine.parent_part_id == made.id))
    if seq is not None:
        stmt = stmt.where(or_(BomLine.operation_seq == seq, BomLine.operation_seq.is_(None)))
    return [(line, part) for line, part in session.execute(stmt.order_by(PartDefinition.part_number))]


def plan_draws(session: Session, scanned: list[tuple[Item, float | None]], batch: Batch, *, today: date
               ) -> list[Draw]:
    """Check every scanned component against the rules and the bill of materials; what each gives.
    Quantities left empty are the BOM quantity per unit times what the batch amounts to. A rework loop
    may use material (a new seal) but need not use all of the bill again."""
    made, operation = batch.part, batch.operation
    lines = bom_lines(session, made, operation.seq)
    made_quantity = sum(made_amount(target) for target in batch.items)
    draws = []
    for item, quantity in scanned:
        checks.require_status(session, item, checks.AVAILABLE, doing="consumed", today=today)
        line = checks.require_in_bom(session, item, made, operation, lines)
        checks.require_whole_use(session, item, len(batch.items))
        if quantity is None:
            quantity = 1.0 if item.is_serial else round(line.quantity_per * made_quantity, 6)
        checks.require_quantity(session, item, quantity)
        draws.append(Draw(item, quantity))
    if not batch.rework:
        checks.require_all_components(made, operation, lines, {draw.item.part_id for draw in draws})
    return draws


def made_amount(item: Item) -> float:
    """How much a worked item amounts to, for the BOM: one serial, or the lot's quantity."""
    return 1.0 if item.is_serial else item.quantity


def take(item: Item, quantity: float) -> None:
    """Take `quantity` from `item`; a serial, or a lot taken down to nothing, is consumed."""
    left = round(item.quantity - quantity, 6)  # no float dust such as 359.88000000000005 m on the label
    item.quantity = left if left > checks.EPSILON else 0.0
    if item.is_serial or item.quantity == 0:
        item.status = ItemStatus.CONSUMED


def consume(session: Session, draws: list[Draw], targets: list[tuple[Item, uuid.UUID]]) -> None:
    """Take each draw and link it to every target (item, step id), shared in proportion to their amounts."""
    total = sum(made_amount(target) for target, _ in targets)
    for draw in draws:
        take(draw.item, draw.quantity)
        session.add_all(GenealogyLink(parent_item_id=draw.item.id, child_item_id=target.id, step_id=step_id,
                                      quantity=round(draw.quantity * made_amount(target) / total, 6))
                        for target, step_id in targets)
