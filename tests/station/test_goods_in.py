"""Goods in: deliveries become quarantined lots (with their serials for serial-tracked parts), released by an
inspector or a supervisor only; everything audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.models import AuditEvent, GenealogyLink, Item, ItemStatus, StepRecord, Supplier
from app.services.errors import PermissionDenied
from app.services.station import Receipt, receive, release
from app.services.station.errors import InvalidRequest, NotQuarantined, UnknownScan
from tests.station.conftest import BAR, BODY, SEAL, TODAY, Plant, audit_rows, refused


def bar_receipt(**fields: object) -> Receipt:
    values: dict = {"part_number": BAR, "supplier": "acme", "supplier_lot": "EM-123456", "quantity": 360.0,
                    "heat_number": "H-24A1234", "material_cert_ref": "\\\\fs\\certs\\3.1-EMS-4711.pdf",
                    "delivery_note": "LS-889", "station": "GR-PC1"} | fields
    return Receipt(**values)


def test_a_delivery_becomes_a_quarantined_lot_with_its_origin(plant):
    received = receive(plant.factory, plant.operator, bar_receipt())
    lot = plant.item(received.lot.code)
    year = f"{TODAY:%y}"
    assert received.lot.code == f"GR-{year}-00001" and received.serials == ()
    assert (lot.quantity, lot.initial_quantity, lot.status) == (360.0, 360.0, ItemStatus.QUARANTINED)
    assert (lot.supplier_lot, lot.heat_number, lot.material_cert_ref) == (
        "EM-123456", "H-24A1234", "\\\\fs\\certs\\3.1-EMS-4711.pdf")
    assert received.message == (f"Received lot GR-{year}-00001: 360 m of BAR-40 from Acme Steel, supplier "
                                "lot EM-123456. It is in quarantine until an inspector releases it.")
    with plant.factory() as session:
        assert session.get_one(Supplier, lot.supplier_id).code == "ACME"
        step = session.get_one(StepRecord, received.step_id)
    assert step.item_id == lot.id and step.operator_id == plant.operator.user_id
    assert step.notes == "Goods receipt, delivery note LS-889 from ACME, supplier lot EM-123456"
    (created,) = audit_rows(plant.factory, "items", lot.id)
    assert created.user_id == plant.operator.user_id
    assert created.reason == "Goods receipt, delivery note LS-889"
    assert receive(plant.factory, plant.operator, bar_receipt()).lot.code == f"GR-{year}-00002"


def test_shelf_life_sets_the_expiry_unless_the_label_says(plant):
    seals = receive(plant.factory, plant.operator, Receipt(part_number=SEAL, supplier="ACME",
                                                            supplier_lot="K", quantity=100))
    assert plant.item(seals.lot.code).expires_on == TODAY + timedelta(days=365)
    labelled = receive(plant.factory, plant.operator, Receipt(part_number=SEAL, supplier="ACME",
                                                              supplier_lot="K2", quantity=100,
                                                              expires_on=TODAY + timedelta(days=30)))
    assert plant.item(labelled.lot.code).expires_on == TODAY + timedelta(days=30)


def test_only_inspectors_and_supervisors_release_and_it_is_audited(plant):
    code = receive(plant.factory, plant.operator, bar_receipt()).lot.code
    refused(plant.factory, PermissionDenied, lambda: release(plant.factory, plant.operator, code),
            "may not release hold")
    done = release(plant.factory, plant.inspector, code)
    assert done.item.status is ItemStatus.RELEASED and done.serials == ()
    assert done.message == f"Lot {code} (BAR-40) released from quarantine: ready for use."
    update = audit_rows(plant.factory, "items", done.item.id)[-1]
    assert update.old_values == {"status": "quarantined"} and update.new_values == {"status": "released"}
    assert update.user_id == plant.inspector.user_id
    assert update.reason == f"Released from quarantine: Lot {code} (BAR-40)"
    refused(plant.factory, NotQuarantined, lambda: release(plant.factory, plant.supervisor, code),
            f"Lot {code} (BAR-40) is released, not in quarantine: there is nothing to release.")


def test_serials_numbered_at_goods_in_come_from_the_lot_and_are_released_with_it(plant):
    received = receive(plant.factory, plant.operator, Receipt(
        part_number=BODY, supplier="ACME", quantity=3, supplier_lot="B-1", heat_number="H-9", serials=3))
    assert received.serials == ("BODY-1-0000001", "BODY-1-0000002", "BODY-1-0000003")
    lot = plant.item(received.lot.code)
    assert (lot.quantity, lot.initial_quantity, lot.status) == (0.0, 3.0, ItemStatus.CONSUMED)
    unit = plant.item("BODY-1-0000002")
    assert (unit.status, unit.heat_number, unit.supplier_lot) == (ItemStatus.QUARANTINED, "H-9", "B-1")
    with plant.factory() as session:
        assert session.scalar(select(func.count()).select_from(GenealogyLink)
                              .where(GenealogyLink.parent_item_id == lot.id,
                                     GenealogyLink.step_id == received.step_id)) == 3
    assert audit_rows(plant.factory, "items", unit.id)[0].user_id == plant.operator.user_id
    done = release(plant.factory, plant.inspector, received.lot.code)
    assert done.serials == received.serials and "with its 3 serials released" in done.message
    assert plant.item("BODY-1-0000003").status is ItemStatus.RELEASED
    update = audit_rows(plant.factory, "items", unit.id)[-1]
    assert (update.action, update.new_values, update.user_id) == ("update", {"status": "released"},
                                                                   plant.inspector.user_id)


def test_supplier_serials_as_scanned(plant):
    received = receive(plant.factory, plant.operator, Receipt(part_number=BODY, supplier="ACME", quantity=2,
                                                              supplier_lot="B-2", serials=("SN-1", " SN-2 ")))
    assert received.serials == ("SN-1", "SN-2")
    release(plant.factory, plant.supervisor, "SN-1")  # one serial on its own
    assert plant.item("SN-1").status is ItemStatus.RELEASED
    assert plant.item("SN-2").status is ItemStatus.QUARANTINED
    refused(plant.factory, InvalidRequest, lambda: receive(plant.factory, plant.operator, Receipt(
        part_number=BODY, supplier="ACME", quantity=2, supplier_lot="B-3", serials=("SN-2", "SN-3"))),
        "Serial SN-2 of BODY-1 is already on record.")
    refused(plant.factory, InvalidRequest, lambda: receive(plant.factory, plant.operator, Receipt(
        part_number=BODY, supplier="ACME", quantity=2, supplier_lot="B-3", serials=("SN-4", "SN-4"))),
        "A serial number was scanned twice or is empty.")


def test_a_receipt_that_does_not_add_up_is_refused(plant):
    for receipt, error, phrase in (
        (bar_receipt(quantity=0), InvalidRequest, "0 is not a quantity that can be received."),
        (bar_receipt(supplier_lot=" "), InvalidRequest, "Enter the supplier's lot number"),
        (bar_receipt(serials=5, quantity=5), InvalidRequest, "BAR-40 is tracked by lot, not by serial."),
        (Receipt(part_number=BODY, supplier="ACME", supplier_lot="B", quantity=3, serials=2), InvalidRequest,
         "3 pieces need 3 serial numbers, 2 were given."),
        (bar_receipt(part_number="NOPE-1"), UnknownScan, "There is no part number NOPE-1."),
        (bar_receipt(supplier="NOBODY"), UnknownScan, "There is no supplier with the code 'NOBODY'."),
    ):
        refused(plant.factory, error, lambda r=receipt: receive(plant.factory, plant.operator, r), phrase)


def test_ten_thousand_serials_on_one_receipt_each_created_linked_and_audited(plant: Plant):
    with plant.factory() as session:
        audits = session.scalar(select(func.count()).select_from(AuditEvent))
    received = receive(plant.factory, plant.operator, Receipt(
        part_number=BODY, supplier="ACME", supplier_lot="BIG", quantity=10_000, serials=10_000))
    with plant.factory() as session:
        assert session.scalar(select(func.count()).select_from(Item).where(Item.is_serial)) == 10_000
        # the serials and their links, the lot and its receipt step
        assert session.scalar(select(func.count()).select_from(AuditEvent)) - audits == 20_002
    done = release(plant.factory, plant.inspector, received.lot.code)
    assert len(done.serials) == 10_000
