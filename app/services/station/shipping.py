"""Shipping: finished serials and lots, scanned at the packing desk, leave on a shipment against a customer
order — the record a forward trace from any raw material ends at."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Customer, ItemStatus, Shipment, ShipmentLine
from app.models.base import utcnow
from app.services.permissions import Action, Actor
from app.services.scope import require_at
from app.services.station import checks, scan
from app.services.station.errors import InvalidRequest
from app.services.station.locks import claim_write_lock, lock_items
from app.services.station.numbering import document_number
from app.services.station.views import PackedShipment, ShipRequest
from app.services.unit_of_work import unit_of_work


def ship(factory: sessionmaker[Session], actor: Actor, request: ShipRequest) -> PackedShipment:
    """One shipment (DN-yy-nnnnn) with a line per item, whole lots and serials; the items become shipped.
    An item on hold, in quarantine, still in process or already gone refuses the whole shipment."""
    if not request.items:
        raise InvalidRequest("Nothing was scanned to ship. Scan every serial or lot going into the package.")
    sscc = request.sscc.strip() if request.sscc else None
    if sscc is not None and not (len(sscc) == 18 and sscc.isdigit()):
        raise InvalidRequest(f"'{sscc}' is not an SSCC: it has 18 digits. Scan the pallet label again.")
    now = utcnow()
    with unit_of_work(factory, actor, Action.SHIP) as session:
        claim_write_lock(session)
        station = scan.station(session, request.station) if request.station else None
        require_at(session, actor, Action.SHIP, station)
        order = scan.customer_order(session, request.customer_order)
        items = scan.items(session, request.items)
        lock_items(session, [item.id for item in items])
        today = checks.local_day(now)
        for item in items:
            checks.require_status(session, item, checks.AVAILABLE, doing="shipped", today=today)
        if sscc is not None and session.scalar(select(Shipment.number).where(Shipment.sscc == sscc)):
            raise InvalidRequest(f"The SSCC {sscc} is already on another shipment. Put a new pallet label "
                                 "on.")
        shipment = Shipment(id=uuid.uuid4(), number=document_number(session, Shipment.number, "DN", now),
                            customer_id=order.customer_id, customer_order_id=order.id, sscc=sscc,
                            shipped_at=now)
        session.add(shipment)
        session.flush()
        session.add_all(ShipmentLine(shipment_id=shipment.id, item_id=item.id, quantity=item.quantity)
                        for item in items)
        for item in items:
            item.status = ItemStatus.SHIPPED
        session.flush()
        customer = session.get_one(Customer, order.customer_id)
        return PackedShipment(
            id=shipment.id, number=shipment.number, customer=customer.name, customer_order=order.number,
            sscc=sscc, items=tuple(scan.view(session, item) for item in items),
            message=f"Shipment {shipment.number} to {customer.name} on order {order.number}: {len(items)} "
                    f"item{'s' if len(items) != 1 else ''} packed and shipped.")
