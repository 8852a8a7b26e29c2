"""Shipping: finished items packed against a customer order by scanning; what is not finished, held or
quarantined stays; the shipment is where a forward trace from the raw material ends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import ItemStatus, Shipment, ShipmentLine
from app.services.errors import PermissionDenied
from app.services.station import ShipRequest, ship, split
from app.services.station.errors import (
    InvalidRequest,
    ItemUsedUp,
    LotOnHold,
    NotFinished,
    Quarantined,
    UnknownScan,
)
from app.services.trace import trace
from app.trace import Direction
from tests.station.conftest import TODAY, audit_rows, refused

SSCC = "306141410000000017"


def test_finished_items_are_shipped_against_the_order(plant):
    bodies = plant.finished_bodies(2)
    bar = plant.receive_bar(5.0, heat="H-SHIP")
    part = split(plant.factory, plant.operator, bar, [2.0]).created[0].code
    done = ship(plant.factory, plant.operator, ShipRequest(customer_order="so-1", items=(*bodies, part),
                                                           sscc=SSCC, station="SHP-PC1"))
    assert done.number == f"DN-{TODAY:%y}-00001" and done.customer == "Severn Valves Ltd"
    assert done.message == (f"Shipment {done.number} to Severn Valves Ltd on order SO-1: 3 items packed and "
                            "shipped.")
    assert {v.status for v in done.items} == {ItemStatus.SHIPPED}
    with plant.factory() as session:
        shipment = session.get_one(Shipment, done.id)
        lines = {line.item_id: line.quantity for line in
                 session.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id))}
    assert shipment.sscc == SSCC and sorted(lines.values()) == [1.0, 1.0, 2.0]
    assert audit_rows(plant.factory, "shipments", done.id)[0].user_id == plant.operator.user_id
    assert audit_rows(plant.factory, "items", done.items[0].id)[-1].new_values == {"status": "shipped"}
    # The trace from the heat reaches the customer.
    result = trace(plant.factory, "H-SHIP", Direction.FORWARD)
    assert [s.number for views in result.shipments.values() for s in views] == [done.number]
    refused(plant.factory, ItemUsedUp, lambda: ship(plant.factory, plant.operator, ShipRequest(
        customer_order="SO-1", items=(bodies[0],))), "was shipped to a customer: it cannot be shipped.")


def test_what_is_not_ready_stays(plant):
    unfinished = plant.bodies(1)[0]
    held, good = plant.finished_bodies(2)
    plant.hold(held)
    waiting = plant.receive_bar(released=False)
    for item, error, phrase in (
        (unfinished, NotFinished, f"Serial {unfinished} (BODY-1) is not finished (10 Saw bar stock is still"),
        (held, LotOnHold, f"Serial {held} (BODY-1) is on hold (NCR-26-0003): it cannot be shipped."),
        (waiting, Quarantined, "is in quarantine: it cannot be shipped"),
    ):
        # One bad item keeps the good one back too: the package is packed again without it.
        refused(plant.factory, error, lambda i=item: ship(plant.factory, plant.operator, ShipRequest(
            customer_order="SO-1", items=(good, i))), phrase)
    assert plant.item(good).status is ItemStatus.RELEASED


@pytest.mark.parametrize(("request_", "error", "phrase"), [
    (ShipRequest(customer_order="SO-1", items=()), InvalidRequest, "Nothing was scanned to ship."),
    (ShipRequest(customer_order="SO-404", items=("x",)), UnknownScan, "There is no customer order SO-404."),
    (ShipRequest(customer_order="SO-1", items=("x",), sscc="12345"), InvalidRequest,
     "'12345' is not an SSCC"),
])
def test_shipping_requests_that_cannot_be(plant, request_, error, phrase):
    refused(plant.factory, error, lambda: ship(plant.factory, plant.operator, request_), phrase)


def test_an_sscc_is_used_once_and_only_shippers_ship(plant):
    first, second = plant.finished_bodies(2)
    ship(plant.factory, plant.operator, ShipRequest(customer_order="SO-1", items=(first,), sscc=SSCC))
    refused(plant.factory, InvalidRequest, lambda: ship(plant.factory, plant.operator, ShipRequest(
        customer_order="SO-1", items=(second,), sscc=SSCC)),
        f"The SSCC {SSCC} is already on another shipment.")
    refused(plant.factory, PermissionDenied, lambda: ship(plant.factory, plant.inspector, ShipRequest(
        customer_order="SO-1", items=(second,))), "may not ship")
