"""Lookup: what is this identifier? A serial, lot, barcode, EPC, heat number, supplier lot, work order,
customer order or shipment number, answered in a bounded number of indexed queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import biip
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    CustomerOrder,
    GenealogyLink,
    Item,
    ItemIdentifier,
    PartDefinition,
    Shipment,
    ShipmentLine,
    Supplier,
    WorkOrder,
)
from app.services.errors import NotFound
from app.services.item_context import (
    complaints_by_item,
    inspections_by_item,
    nonconformances_by_item,
    shipments_by_item,
    steps_by_item,
)
from app.services.lookup_views import ItemHistory, ItemSummary, LinkView, LookupResult, Origin

LIST_LIMIT = 500


def _summary_select() -> Select:
    return select(Item, PartDefinition).join(PartDefinition, Item.part_id == PartDefinition.id)


def _summary(item: Item, part: PartDefinition) -> ItemSummary:
    return ItemSummary(
        id=item.id, code=item.code, part_number=part.part_number, revision=part.revision,
        description=part.description, is_serial=item.is_serial, quantity=item.quantity, unit=part.unit,
        status=item.status, created_at=item.created_at,
    )


def _items(session: Session, stmt: Select) -> tuple[list[ItemSummary], int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.execute(stmt.order_by(Item.code).limit(LIST_LIMIT)).all()
    return [_summary(i, p) for i, p in rows], total


@dataclass(frozen=True)
class Match:
    """What a typed or scanned text names: a label for people and a SELECT of the matching item ids."""

    label: str
    query: str
    item_ids: Select


def _match_kinds(q: str) -> list[tuple[str, Select]]:
    ids = select(Item.id)
    return [
        ("Serial or lot", ids.where(Item.code == q)),
        ("Identifier", select(ItemIdentifier.item_id).where(ItemIdentifier.value == q)),
        ("Heat number", ids.where(Item.heat_number == q)),
        ("Supplier lot", ids.where(Item.supplier_lot == q)),
        ("Work order", ids.join(WorkOrder, Item.work_order_id == WorkOrder.id).where(WorkOrder.number == q)),
        ("Shipment", select(ShipmentLine.item_id).join(Shipment)
         .where((Shipment.number == q) | (Shipment.sscc == q))),
        ("Customer order", select(ShipmentLine.item_id).join(Shipment).join(CustomerOrder)
         .where(CustomerOrder.number == q)),
        ("Part number", ids.join(PartDefinition, Item.part_id == PartDefinition.id)
         .where(PartDefinition.part_number == q)),
    ]


def _gs1_keys(text: str) -> list[str]:
    """The serial, lot and SSCC inside a scanned GS1 element string, most specific first."""
    if not (text.startswith(("]", "(")) or (text[:2] in ("00", "01") and text.isascii() and len(text) > 16)):
        return []
    try:
        message = biip.parse(text).gs1_message
    except Exception:  # noqa: BLE001 - biip signals most problems in fields, but junk may still raise
        return []
    if message is None:
        return []
    values = {e.ai.ai: e.value for e in message.element_strings}
    return [values[ai] for ai in ("21", "10", "00") if ai in values]


def match_items(session: Session, text: str, *, with_part_numbers: bool = False) -> Match | None:
    """The first kind of identifier that `text` names, trying it as typed, upper-cased and as GS1."""
    query = text.strip()
    if "\x00" in query:  # nothing is called that, and PostgreSQL refuses NUL even as a bound parameter
        return None
    for candidate in dict.fromkeys((query, query.upper(), *_gs1_keys(query))):
        if not candidate:
            continue
        for label, item_ids in _match_kinds(candidate):
            if label == "Part number" and not with_part_numbers:
                continue
            if session.scalar(item_ids.limit(1)) is not None:
                return Match(label=label, query=candidate, item_ids=item_ids)
    return None


def lookup(factory: sessionmaker[Session], text: str) -> LookupResult:
    query = text.strip()
    if not query:
        return LookupResult(query=query, heading="", hint="Scan or type a serial, lot, heat number or order.")
    with factory() as session:
        match = match_items(session, query)
        if match is None:
            return LookupResult(
                query=query, heading=f"Nothing is known as '{query}'",
                hint="Check the label and scan again. Lookup accepts serials, lot numbers, barcodes, RFID tags, "
                     "GS1 codes, heat numbers, supplier lots, work orders, customer orders and shipments.",
            )
        items, total = _items(session, _summary_select().where(Item.id.in_(match.item_ids)))
        q = match.query
        if total == 1 and match.label in ("Serial or lot", "Identifier"):
            return LookupResult(query=q, heading=items[0].title, items=tuple(items), total=1,
                                history=_history(session, items[0].id))
        if match.label in ("Serial or lot", "Identifier"):
            heading = f"{total} items are called '{q}'"
        else:
            shown = "" if total <= LIST_LIMIT else f" (first {LIST_LIMIT} shown)"
            heading = f"{match.label} {q}: {total} item{'s' if total != 1 else ''}{shown}"
        return LookupResult(query=q, heading=heading, items=tuple(items), total=total,
                            hint="Pick one to see its history.")


def item_history(factory: sessionmaker[Session], item_id: uuid.UUID) -> ItemHistory:
    with factory() as session:
        return _history(session, item_id)


def _history(session: Session, item_id: uuid.UUID) -> ItemHistory:
    row = session.execute(_summary_select().where(Item.id == item_id)).first()
    if row is None:
        raise NotFound("That item no longer exists; look it up again.")
    item, part = row
    summary = _summary(item, part)
    ids = [item_id]
    identifiers = tuple(session.execute(
        select(ItemIdentifier.kind, ItemIdentifier.value).where(ItemIdentifier.item_id == item_id)
        .order_by(ItemIdentifier.kind)).all())
    origin = None
    if item.supplier_id is not None:
        supplier = session.get(Supplier, item.supplier_id)
        origin = Origin(supplier=f"{supplier.name} ({supplier.code})" if supplier else "?",
                        supplier_lot=item.supplier_lot, heat_number=item.heat_number,
                        material_cert_ref=item.material_cert_ref)
    work_order = session.scalar(select(WorkOrder.number).where(WorkOrder.id == item.work_order_id)) \
        if item.work_order_id else None
    return ItemHistory(
        item=summary,
        identifiers=tuple((kind.value, value) for kind, value in identifiers),
        origin=origin, work_order=work_order, expires_on=item.expires_on,
        made_from=_links(session, item_id, upstream=True),
        used_in=_links(session, item_id, upstream=False),
        steps=tuple(steps_by_item(session, ids)[item_id]),
        inspections=tuple(inspections_by_item(session, ids).get(item_id, ())),
        nonconformances=tuple(nonconformances_by_item(session, ids)[item_id]),
        shipments=tuple(shipments_by_item(session, ids)[item_id]),
        complaints=tuple(complaints_by_item(session, ids)[item_id]),
    )


def _links(session: Session, item_id: uuid.UUID, *, upstream: bool) -> tuple[LinkView, ...]:
    here, there = ((GenealogyLink.child_item_id, GenealogyLink.parent_item_id) if upstream
                   else (GenealogyLink.parent_item_id, GenealogyLink.child_item_id))
    rows = session.execute(
        select(Item, PartDefinition, func.sum(GenealogyLink.quantity))
        .join(GenealogyLink, there == Item.id).join(PartDefinition, Item.part_id == PartDefinition.id)
        .where(here == item_id).group_by(Item.id, PartDefinition.id).order_by(PartDefinition.part_number, Item.code)
        .limit(LIST_LIMIT)
    ).all()
    return tuple(LinkView(item=_summary(i, p), quantity=q) for i, p, q in rows)


