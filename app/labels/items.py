"""Which items a label request names, and what their labels say: one read-only query, no writes.

Printing is not recorded: a label only shows what the database already holds (the item's identity was
audited when goods in or serialize created it), so a print changes nothing that a trace or an audit needs.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.labels.gs1 import LabelError
from app.models import Item, ItemStatus, PartDefinition, Supplier, WorkOrder
from app.services.errors import NotFound
from app.services.lookup import match_items
from app.services.station.views import ItemRef

# A work order's labels are for what is still on the floor; a named serial is printed whatever its status.
_GONE = (ItemStatus.SCRAPPED, ItemStatus.CONSUMED, ItemStatus.SHIPPED)
_CHUNK = 1000  # ids per IN (…): well inside every database's limit on bound parameters
MAX_LABELS = 20_000  # one PDF of about 30 MB (10,000 labels take some 16 s); larger runs go in parts


@dataclass(frozen=True)
class LabelRequest:
    """What to print labels for. Serial and lot numbers are unique per part only: `part_number` narrows
    them when the same number exists for several parts."""

    items: tuple[ItemRef, ...] = ()
    serials: tuple[str, ...] = ()
    lots: tuple[str, ...] = ()
    work_order: str | None = None
    part_number: str | None = None


@dataclass(frozen=True)
class LabelItem:
    """Everything a label prints about one item."""

    id: uuid.UUID
    code: str
    is_serial: bool
    part_number: str
    revision: str
    description: str
    unit: str
    quantity: float  # as made or received: the label goes on the container then, not after each use
    gtin: str | None
    expires_on: date | None
    heat_number: str | None
    supplier_lot: str | None
    supplier: str | None  # supplier code
    work_order: str | None

    @property
    def name(self) -> str:
        return f"{'Serial' if self.is_serial else 'Lot'} {self.code}"


def _select() -> Select:
    return (select(Item, PartDefinition, Supplier.code, WorkOrder.number)
            .join(PartDefinition, Item.part_id == PartDefinition.id)
            .outerjoin(Supplier, Item.supplier_id == Supplier.id)
            .outerjoin(WorkOrder, Item.work_order_id == WorkOrder.id))


def _label_item(item: Item, part: PartDefinition, supplier: str | None, work_order: str | None) -> LabelItem:
    return LabelItem(id=item.id, code=item.code, is_serial=item.is_serial, part_number=part.part_number,
                     revision=part.revision, description=part.description, unit=part.unit,
                     quantity=item.initial_quantity, gtin=part.gtin, expires_on=item.expires_on,
                     heat_number=item.heat_number, supplier_lot=item.supplier_lot, supplier=supplier,
                     work_order=work_order)


def label_items(session: Session, request: LabelRequest) -> list[LabelItem]:
    """The items in the order asked for, each once; a miss raises before anything is drawn."""
    if not (request.items or request.serials or request.lots or request.work_order):
        raise LabelError("Name at least one serial, lot, item or work order to print labels for.")
    ids: list[uuid.UUID] = []
    for ref in request.items:
        ids.append(_by_ref(session, ref))
    for code in request.serials:
        ids.append(_by_code(session, code, serial=True, part_number=request.part_number))
    for code in request.lots:
        ids.append(_by_code(session, code, serial=False, part_number=request.part_number))
    if request.work_order:
        ids.extend(_work_order_items(session, request.work_order))
    ids = list(dict.fromkeys(ids))  # a second label with the same serial would be a second identity
    if len(ids) > MAX_LABELS:
        raise LabelError(f"{len(ids):,} labels were asked for; one print run makes at most {MAX_LABELS:,}. "
                         "Print them in parts.")
    rows: dict[uuid.UUID, LabelItem] = {}
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first:first + _CHUNK]
        for item, part, supplier, order in session.execute(_select().where(Item.id.in_(chunk))):
            rows[item.id] = _label_item(item, part, supplier, order)
    return [rows[i] for i in ids]


def _by_ref(session: Session, ref: ItemRef) -> uuid.UUID:
    if isinstance(ref, uuid.UUID):
        if session.get(Item, ref) is None:
            raise NotFound("An item to label no longer exists. Look it up again, then print.")
        return ref
    match = match_items(session, ref)
    if match is None:
        raise NotFound(f"Nothing is known as '{ref.strip()}', so no label was made. Check the number and "
                       "try again.")
    found = session.scalars(match.item_ids.limit(2)).all()
    if len(found) > 1:
        raise LabelError(f"'{match.query}' is the {match.label.lower()} of several items, so no label was "
                         "made. Name the serial or lot number itself.")
    return found[0]


def _by_code(session: Session, code: str, *, serial: bool, part_number: str | None) -> uuid.UUID:
    kind = "serial" if serial else "lot"
    text = code.strip()
    stmt = (select(Item.id, PartDefinition.part_number)
            .join(PartDefinition, Item.part_id == PartDefinition.id)
            .where(Item.code.in_({text, text.upper()}), Item.is_serial.is_(serial)))
    if part_number:
        stmt = stmt.where(PartDefinition.part_number == part_number.strip())
    found = session.execute(stmt.order_by(PartDefinition.part_number).limit(10)).all()
    of_part = f" of part {part_number.strip()}" if part_number else ""
    if not found:
        raise NotFound(f"There is no {kind} {text}{of_part}, so no labels were made. Check the number "
                       f"(`threadline item show {text}` tells what it is) and try again.")
    if len(found) > 1:
        parts = ", ".join(sorted({p for _, p in found}))
        raise LabelError(f"{kind.capitalize()} {text} exists for several parts ({parts}), so no labels were "
                         "made. Name the part number too.")
    return found[0][0]


def _work_order_items(session: Session, number: str) -> Sequence[uuid.UUID]:
    text = number.strip()
    order = session.scalar(select(WorkOrder).where(WorkOrder.number.in_({text, text.upper()})))
    if order is None:
        raise NotFound(f"There is no work order {text}, so no labels were made. Check the number on the "
                       "traveller.")
    ids = session.scalars(select(Item.id).where(Item.work_order_id == order.id, Item.status.not_in(_GONE))
                          .order_by(Item.code)).all()
    if not ids:
        raise LabelError(f"Work order {order.number} has no serials or lots on the floor, so there is "
                         "nothing to label. Make the serials first, then print.")
    return ids
