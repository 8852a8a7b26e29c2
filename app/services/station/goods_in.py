"""Goods in: a delivery becomes a lot in quarantine (supplier, supplier lot, heat, certificate), with its
serials when the part is serial-tracked; an inspector or supervisor releases it."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import GenealogyLink, Item, ItemStatus, PartDefinition, Tracking
from app.models.base import utcnow
from app.services.permissions import Action, Actor
from app.services.scope import require_at
from app.services.station import checks, scan
from app.services.station.bulk import insert_audited, set_status_audited
from app.services.station.errors import InvalidRequest, NotQuarantined
from app.services.station.handling import common_origin, handling_step
from app.services.station.locks import claim_write_lock, lock_items
from app.services.station.numbering import document_number, new_serials
from app.services.station.views import ItemRef, Receipt, ReceivedLot, Released
from app.services.unit_of_work import unit_of_work

_CHUNK = 1000  # ids per IN (…): well inside SQLite's limit on bound parameters


def receive(factory: sessionmaker[Session], actor: Actor, receipt: Receipt) -> ReceivedLot:
    """The delivery as one quarantined lot, numbered GR-yy-nnnnn. For a serial-tracked part the lot is
    taken apart into its serials at once (each quarantined, linked from the lot): the lot records the
    delivery, the serials are what the shop uses."""
    checks.require_person(actor)
    supplier_lot = receipt.supplier_lot.strip()
    if not supplier_lot:
        raise InvalidRequest("Enter the supplier's lot number from the delivery note or the label.")
    if receipt.quantity <= checks.EPSILON:
        raise InvalidRequest(f"{receipt.quantity:g} is not a quantity that can be received. Enter the "
                             "quantity delivered.")
    now = utcnow()
    note = "Goods receipt"
    if receipt.delivery_note:
        note += f", delivery note {receipt.delivery_note}"
    with unit_of_work(factory, actor, Action.RECEIVE_GOODS, reason=note) as session:
        claim_write_lock(session)
        part = scan.part_number(session, receipt.part_number, receipt.revision)
        supplier = scan.supplier(session, receipt.supplier)
        station = scan.station(session, receipt.station) if receipt.station else None
        require_at(session, actor, Action.RECEIVE_GOODS, station)
        serial_codes = _serial_codes(session, part, receipt)
        expires_on = receipt.expires_on
        if expires_on is None and part.shelf_life_days:
            expires_on = checks.local_day(now) + timedelta(days=part.shelf_life_days)
        serialised = bool(serial_codes)
        lot = Item(id=uuid.uuid4(), part_id=part.id, code=document_number(session, Item.code, "GR", now),
                   is_serial=False, quantity=0.0 if serialised else receipt.quantity,
                   initial_quantity=receipt.quantity,
                   status=ItemStatus.CONSUMED if serialised else ItemStatus.QUARANTINED,
                   supplier_id=supplier.id, supplier_lot=supplier_lot,
                   heat_number=_blank(receipt.heat_number),
                   material_cert_ref=_blank(receipt.material_cert_ref), expires_on=expires_on)
        session.add(lot)
        session.flush()  # the lot before the receipt step that points at it
        step = handling_step(session, actor, lot, station=station, quantity=receipt.quantity, now=now,
                             notes=f"{note} from {supplier.code}, supplier lot {supplier_lot}")
        origin = common_origin([lot])
        rows = [{"id": uuid.uuid4(), "part_id": part.id, "code": code, "is_serial": True, "quantity": 1.0,
                 "initial_quantity": 1.0, "status": ItemStatus.QUARANTINED, **origin}
                for code in serial_codes]
        insert_audited(session, Item, rows)
        insert_audited(session, GenealogyLink, [
            {"id": uuid.uuid4(), "parent_item_id": lot.id, "child_item_id": row["id"], "quantity": 1.0,
             "step_id": step.id} for row in rows])
        unit = part.unit
        what = f"{len(rows):,} serials ({serial_codes[0]} … {serial_codes[-1]})" if serialised else \
            f"{receipt.quantity:g} {unit}"
        return ReceivedLot(lot=scan.view(session, lot), serials=tuple(serial_codes), step_id=step.id,
                           message=f"Received lot {lot.code}: {what} of {part.part_number} from "
                                   f"{supplier.name}, supplier lot {supplier_lot}. It is in quarantine until "
                                   "an inspector releases it.")


def _blank(text: str | None) -> str | None:
    return (text.strip() or None) if text else None


def _serial_codes(session: Session, part: PartDefinition, receipt: Receipt) -> list[str]:
    """The serials of the delivery: the supplier's as scanned, or numbered here; none for a lot part."""
    serials = receipt.serials
    count = serials if isinstance(serials, int) else len(serials)
    if part.tracking is Tracking.LOT:
        if count:
            raise InvalidRequest(f"{part.part_number} is tracked by lot, not by serial. Receive it without "
                                 "serial numbers.")
        return []
    if count != receipt.quantity:
        raise InvalidRequest(f"{part.part_number} is tracked by serial: {receipt.quantity:g} pieces need "
                             f"{receipt.quantity:g} serial numbers, {count} were given. Scan or number every "
                             "piece.")
    if isinstance(serials, int):
        return new_serials(session, part.id, f"{part.part_number}-", count)
    codes = [code.strip() for code in serials]
    if len(set(codes)) != len(codes) or not all(codes):
        raise InvalidRequest("A serial number was scanned twice or is empty. Scan each piece's label once.")
    for first in range(0, len(codes), _CHUNK):
        taken = session.scalar(select(Item.code).where(Item.part_id == part.id,
                                                       Item.code.in_(codes[first:first + _CHUNK])).limit(1))
        if taken is not None:
            raise InvalidRequest(f"Serial {taken} of {part.part_number} is already on record. Check the "
                                 "label: it may have been received before.")
    return codes


def release(factory: sessionmaker[Session], actor: Actor, lot: ItemRef) -> Released:
    """Quarantine → released, for the item scanned and for the serials it was received as."""
    with unit_of_work(factory, actor, Action.RELEASE_HOLD) as session:
        claim_write_lock(session)
        item = scan.item(session, lot)
        lock_items(session, [item.id])
        # The serials a lot was received as are its only quarantined children: a lot in quarantine cannot
        # be split or used, so nothing else can descend from it yet.
        serials = session.execute(
            select(Item.id, Item.code).join(GenealogyLink, GenealogyLink.child_item_id == Item.id)
            .where(GenealogyLink.parent_item_id == item.id, Item.status == ItemStatus.QUARANTINED)
            .order_by(Item.code)).all()
        name = scan.label(session, item)
        if item.status is not ItemStatus.QUARANTINED and not serials:
            raise NotQuarantined(f"{name} is {item.status.label.lower()}, not in quarantine: there is "
                                 "nothing to release. Check that you scanned the right label.")
        session.info["reason"] = f"Released from quarantine: {name}"
        if item.status is ItemStatus.QUARANTINED:
            item.status = ItemStatus.RELEASED
        set_status_audited(session, [item_id for item_id, _ in serials], ItemStatus.QUARANTINED,
                           ItemStatus.RELEASED)
        session.flush()
        with_serials = f" with its {len(serials):,} serials" if serials else ""
        return Released(item=scan.view(session, item), serials=tuple(code for _, code in serials),
                        message=f"{name}{with_serials} released from quarantine: ready for use.")
