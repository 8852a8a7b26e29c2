"""Making items: serials for a work order or from a lot, splits and merges; genealogy, numbering, audit, and
the bulk path for thousands of serials."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, GenealogyLink, Item, ItemStatus, PartDefinition, StepRecord
from app.services.station import SerializeRequest, merge, serialize, split
from app.services.station.errors import (
    InsufficientQuantity,
    InvalidRequest,
    LotOnHold,
    Quarantined,
    WorkOrderNotOpen,
    WrongPart,
)
from tests.station.conftest import BODY, Plant, audit_rows, refused


def links_from(plant: Plant, parent: uuid.UUID) -> dict[str, float]:
    with plant.factory() as session:
        return dict(session.execute(select(Item.code, GenealogyLink.quantity)
                                    .join(GenealogyLink, GenealogyLink.child_item_id == Item.id)
                                    .where(GenealogyLink.parent_item_id == parent)).all())


def links_from_ids(plant: Plant, parent: uuid.UUID) -> list[uuid.UUID]:
    with plant.factory() as session:
        return list(session.scalars(select(GenealogyLink.id).where(GenealogyLink.parent_item_id == parent)))


def count(plant: Plant, model: type) -> int:
    with plant.factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_serials_for_a_work_order_are_numbered_on_and_audited(plant):
    first = serialize(plant.factory, plant.operator, SerializeRequest(count=3, work_order="wo-body"))
    assert [v.code for v in first.created] == ["BODY-1-0000001", "BODY-1-0000002", "BODY-1-0000003"]
    assert {v.status for v in first.created} == {ItemStatus.IN_PROCESS}  # made to a route
    assert first.step_id is None and first.sources == ()
    assert first.message == "3 serials of BODY-1 made: BODY-1-0000001 … BODY-1-0000003."
    more = serialize(plant.factory, plant.operator,
                     SerializeRequest(count=2, work_order="WO-BODY", prefix="VB-"))
    assert [v.code for v in more.created] == ["VB-0000001", "VB-0000002"]
    again = serialize(plant.factory, plant.operator, SerializeRequest(count=1, work_order="WO-BODY"))
    assert again.created[0].code == "BODY-1-0000004"
    (created,) = audit_rows(plant.factory, "items", first.created[0].id)
    assert created.action == "create" and created.user_id == plant.operator.user_id
    assert created.new_values["code"] == "BODY-1-0000001" and created.new_values["status"] == "in_process"
    assert plant.item("BODY-1-0000001").work_order_id is not None


def test_serials_made_from_a_lot_consume_it_and_link_to_it(plant):
    bar = plant.receive_bar(1.0)
    made = serialize(plant.factory, plant.operator,
                     SerializeRequest(count=5, work_order="WO-BODY", source=bar, station="SAW-PC1"))
    lot = plant.item(bar)
    assert lot.quantity == pytest.approx(0.4) and made.sources[0].quantity == pytest.approx(0.4)
    assert links_from(plant, lot.id) == {v.code: pytest.approx(0.12) for v in made.created}
    with plant.factory() as session:
        step = session.get_one(StepRecord, made.step_id)
        assert step.item_id == lot.id and step.operation_id is None and step.quantity == pytest.approx(0.6)
        assert step.notes.startswith("Serialised 5 serials of BODY-1 made")
        assert session.scalar(select(func.count()).select_from(GenealogyLink)
                              .where(GenealogyLink.step_id == step.id)) == 5
    link_id = next(iter(links_from_ids(plant, lot.id)))
    assert audit_rows(plant.factory, "genealogy_links", link_id)[0].user_id == plant.operator.user_id
    refused(plant.factory, InsufficientQuantity, lambda: serialize(
        plant.factory, plant.operator, SerializeRequest(count=4, work_order="WO-BODY", source=bar)),
        f"Lot {bar} (BAR-40) has only 0.4 m left, 0.48 m are needed.")


def test_a_lot_of_a_serial_part_is_unitised_and_its_serials_keep_its_origin(plant):
    def legacy_lot(session):
        part = session.scalars(select(PartDefinition).where(PartDefinition.part_number == BODY)).one()
        session.add(Item(part_id=part.id, code="OLD-LOT", is_serial=False, quantity=4, initial_quantity=4,
                         status=ItemStatus.RELEASED, heat_number="H-77", supplier_lot="SUP-9"))
    plant.edit(legacy_lot)
    made = serialize(plant.factory, plant.operator, SerializeRequest(count=4, source="OLD-LOT"))
    assert plant.item("OLD-LOT").status is ItemStatus.CONSUMED
    unit = plant.item(made.created[0].code)
    assert (unit.heat_number, unit.supplier_lot, unit.work_order_id) == ("H-77", "SUP-9", None)
    assert unit.status is ItemStatus.IN_PROCESS  # BODY-1 has a route


def test_serialising_refuses_what_cannot_be(plant):
    seals = plant.receive_seals()
    refused(plant.factory, InvalidRequest, lambda: serialize(plant.factory, plant.operator,
                                                             SerializeRequest(count=0)),
            "0 serials cannot be made at once. Make between 1 and 100,000.")
    refused(plant.factory, InvalidRequest, lambda: serialize(plant.factory, plant.operator,
                                                             SerializeRequest(count=1)),
            "Scan the work order the serials are for, or the lot they are made from.")
    refused(plant.factory, WrongPart, lambda: serialize(
        plant.factory, plant.operator, SerializeRequest(count=1, work_order="WO-BODY", source=seals)),
        f"Lot {seals} (SEAL-KIT) is the wrong part: BODY-1 takes BAR-40. Scan a lot or serial of the right "
        "part.")
    refused(plant.factory, InvalidRequest, lambda: serialize(
        plant.factory, plant.operator, SerializeRequest(count=1, source=seals)),
        "SEAL-KIT is tracked by lot, not by serial. Split the lot instead.")
    refused(plant.factory, WorkOrderNotOpen, lambda: serialize(
        plant.factory, plant.operator, SerializeRequest(count=1, work_order="WO-PLANNED")),
        "Work order WO-PLANNED is planned: nothing can be recorded on it.")
    bar = plant.receive_bar()
    plant.hold(bar)
    refused(plant.factory, LotOnHold, lambda: serialize(
        plant.factory, plant.operator, SerializeRequest(count=1, work_order="WO-BODY", source=bar)),
        "is on hold (NCR-26-0003): it cannot be used.")


def test_a_split_makes_child_lots_that_keep_the_heat(plant):
    bar = plant.receive_bar(10.0, heat="H-42")
    done = split(plant.factory, plant.operator, bar, [3.0, 2.5], station="SAW-PC1")
    assert [(v.code, v.quantity) for v in done.created] == [(f"{bar}-01", 3.0), (f"{bar}-02", 2.5)]
    assert done.sources[0].quantity == 4.5
    assert done.message == (f"Lot {bar} (BAR-40) split into {bar}-01 (3 m), {bar}-02 (2.5 m); 4.5 m left "
                            "on it.")
    child = plant.item(f"{bar}-01")
    assert (child.heat_number, child.status, child.material_cert_ref) == ("H-42", ItemStatus.RELEASED,
                                                                           "certs/3.1-4711.pdf")
    assert links_from(plant, plant.item(bar).id) == {f"{bar}-01": 3.0, f"{bar}-02": 2.5}
    assert [v.code for v in split(plant.factory, plant.operator, bar, [4.5]).created] == [f"{bar}-03"]
    assert plant.item(bar).status is ItemStatus.CONSUMED  # split to the last metre
    (created,) = audit_rows(plant.factory, "items", child.id)
    assert created.user_id == plant.operator.user_id


def test_a_split_refuses_what_cannot_be(plant):
    bar = plant.receive_bar(1.0)
    body = plant.bodies(1)[0]
    refused(plant.factory, InsufficientQuantity,
            lambda: split(plant.factory, plant.operator, bar, [0.6, 0.6]),
            f"Lot {bar} (BAR-40) has only 1 m left, 1.2 m are needed.")
    refused(plant.factory, InvalidRequest, lambda: split(plant.factory, plant.operator, bar, [0.5, 0]),
            "needs a quantity above zero")
    refused(plant.factory, InvalidRequest, lambda: split(plant.factory, plant.operator, bar, []),
            "Enter the quantity of each new lot.")
    refused(plant.factory, InvalidRequest, lambda: split(plant.factory, plant.operator, body, [1]),
            "is a serial, one piece: it cannot be split.")
    waiting = plant.receive_bar(released=False)
    refused(plant.factory, Quarantined, lambda: split(plant.factory, plant.operator, waiting, [1]),
            "is in quarantine: it cannot be split until an inspector releases it.")


def test_a_merge_makes_one_lot_and_keeps_only_what_all_share(plant):
    a, b = plant.receive_bar(2.0, heat="H-1"), plant.receive_bar(3.0, heat="H-2")
    done = merge(plant.factory, plant.operator, [a, b], station="SHP-PC1")
    (merged,) = done.created
    assert merged.code.startswith("SM-") and merged.quantity == 5.0 and merged.status is ItemStatus.RELEASED
    assert done.message == f"Lots {a}, {b} merged into lot {merged.code} (5 m)."
    row = plant.item(merged.code)
    assert row.heat_number is None and row.material_cert_ref == "certs/3.1-4711.pdf"
    for source, quantity in ((a, 2.0), (b, 3.0)):
        lot = plant.item(source)
        assert lot.status is ItemStatus.CONSUMED and lot.quantity == 0
        assert links_from(plant, lot.id) == {merged.code: quantity}
    with plant.factory() as session:
        assert session.get_one(StepRecord, done.step_id).item_id == merged.id


def test_a_merge_refuses_what_cannot_be(plant):
    bar = plant.receive_bar()
    seals = plant.receive_seals()
    refused(plant.factory, WrongPart, lambda: merge(plant.factory, plant.operator, [bar, seals]),
            f"Lot {seals} (SEAL-KIT) is not a BAR-40: only lots of one part can be merged.")
    refused(plant.factory, InvalidRequest, lambda: merge(plant.factory, plant.operator, [bar]),
            "Scan at least two lots to merge them.")
    refused(plant.factory, InvalidRequest, lambda: merge(plant.factory, plant.operator, [bar, bar]),
            "was scanned twice")


def test_ten_thousand_serials_in_one_call_each_with_link_and_audit(plant):
    bar = plant.receive_bar(10_000.0)
    audits_before = count(plant, AuditEvent)
    started = time.perf_counter()
    made = serialize(plant.factory, plant.operator, SerializeRequest(count=10_000, work_order="WO-BODY",
                                                                     source=bar, quantity_each=1.0))
    seconds = time.perf_counter() - started
    assert len(made.created) == 10_000 and made.created[-1].code == "BODY-1-0010000"
    assert count(plant, GenealogyLink) == 10_000
    # items + links created, the step, the lot's update: every one audited
    assert count(plant, AuditEvent) - audits_before == 10_000 + 10_000 + 1 + 1
    assert plant.item(bar).status is ItemStatus.CONSUMED
    print(f"10,000 serials from one lot: {seconds:.2f} s")
