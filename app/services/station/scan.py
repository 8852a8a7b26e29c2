"""From what a station scanned or typed to rows: items (any identifier `lookup.match_items` knows), stations,
equipment, orders, parts and suppliers — each miss a sentence that says what to scan instead."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    CustomerOrder,
    Equipment,
    Item,
    PartDefinition,
    Station,
    Supplier,
    WorkOrder,
)
from app.services.lookup import match_items
from app.services.station.errors import AmbiguousScan, InvalidRequest, UnknownScan
from app.services.station.views import ItemRef, ItemView


def _variants(text: str) -> set[str]:
    """As typed and upper-cased, like `match_items`: keyboard wedges lose the shift state now and then. None
    for text with NUL: nothing is called that, and PostgreSQL refuses NUL even as a bound parameter."""
    return set() if "\x00" in text else {text.strip(), text.strip().upper()}


def item(session: Session, ref: ItemRef) -> Item:
    if isinstance(ref, uuid.UUID):
        found = session.get(Item, ref)
        if found is None:
            raise UnknownScan("That item no longer exists. Scan its label again.")
        return found
    text = ref.strip()
    match = match_items(session, text) if text else None
    if match is None:
        raise UnknownScan(f"Nothing is known as '{text}'. Check the label and scan it again.")
    ids = session.scalars(match.item_ids.limit(2)).all()
    if len(ids) > 1:
        raise AmbiguousScan(f"'{match.query}' is the {match.label.lower()} of several items. Scan the serial "
                            "or lot number on the item's own label.")
    return session.get_one(Item, ids[0])


def items(session: Session, refs: Iterable[ItemRef]) -> list[Item]:
    """The items scanned, each once: a second scan of the same item is a mistake worth telling."""
    found: list[Item] = []
    for ref in refs:
        row = item(session, ref)
        if any(row.id == other.id for other in found):
            raise InvalidRequest(f"{label(session, row)} was scanned twice. Scan each item once.")
        found.append(row)
    return found


def part(session: Session, row: Item) -> PartDefinition:
    return session.get_one(PartDefinition, row.part_id)


def label(session: Session, row: Item) -> str:
    """How messages name an item: 'Lot GR-26-00004 (RB-14404-040)'."""
    return f"{'Serial' if row.is_serial else 'Lot'} {row.code} ({part(session, row).part_number})"


def view(session: Session, row: Item) -> ItemView:
    p = part(session, row)
    return ItemView(id=row.id, code=row.code, part_number=p.part_number, revision=p.revision,
                    description=p.description, is_serial=row.is_serial, quantity=row.quantity, unit=p.unit,
                    status=row.status, created_at=row.created_at)


def station(session: Session, name: str) -> Station:
    found = None if "\x00" in name else session.scalar(select(Station).where(Station.name == name.strip()))
    if found is None:
        raise UnknownScan(f"There is no station called '{name}'. An administrator or supervisor sets this bench "
                          "up in Settings ▸ Station setup….")
    return found


def equipment(session: Session, code: str) -> Equipment:
    found = session.scalar(select(Equipment).where(Equipment.code.in_(_variants(code))))
    if found is None:
        raise UnknownScan(f"No equipment is known as '{code}'. Scan the label on the machine or gauge again.")
    return found


def work_order(session: Session, number: str) -> WorkOrder:
    found = session.scalar(select(WorkOrder).where(WorkOrder.number.in_(_variants(number))))
    if found is None:
        raise UnknownScan(f"There is no work order {number}. Check the number on the traveller.")
    return found


def customer_order(session: Session, number: str) -> CustomerOrder:
    found = session.scalar(select(CustomerOrder).where(CustomerOrder.number.in_(_variants(number))))
    if found is None:
        raise UnknownScan(f"There is no customer order {number}. Check the number on the packing list.")
    return found


def supplier(session: Session, code: str) -> Supplier:
    found = session.scalar(select(Supplier).where(Supplier.code.in_(_variants(code))))
    if found is None:
        raise UnknownScan(f"There is no supplier with the code '{code}'. Pick the supplier from the list.")
    return found


def part_number(session: Session, number: str, revision: str | None) -> PartDefinition:
    """The part definition, the newest revision unless one is named."""
    stmt = select(PartDefinition).where(PartDefinition.part_number == number.strip())
    if revision:
        stmt = stmt.where(PartDefinition.revision == revision.strip())
    found = (None if "\x00" in number + (revision or "")  # see _variants
             else session.scalar(stmt.order_by(PartDefinition.revision.desc()).limit(1)))
    if found is None:
        rev = f" revision {revision}" if revision else ""
        raise UnknownScan(f"There is no part number {number}{rev}. Check the delivery note, or ask quality "
                          "engineering to create the part.")
    return found
