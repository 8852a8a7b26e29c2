"""What a failed signature brings: one nonconformance per failing reading, the hold, dispositions by a quality
engineer only and what each does to the item, and receiving inspection releasing (or holding) a quarantined
lot together with the serials it was received as."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import (
    Disposition,
    GenealogyLink,
    InspectionResult,
    Item,
    ItemStatus,
    Nonconformance,
    NonconformanceStatus,
    PlanType,
)
from app.models.base import uuid7
from app.services.errors import Conflict, PermissionDenied, ValidationError
from app.services.inspection import (
    AttributeResult,
    TypedValue,
    disposition_nonconformance,
    list_nonconformances,
    open_record,
    sign_record,
)
from app.services.inspection import nonconformance as ncr_service
from app.services.permissions import SYSTEM
from tests.inspection.conftest import BAR_DIAMETER, GOOD, LENGTH, PASSWORD, THREAD, audit, fill, item_status

FAILING = {**GOOD, LENGTH: TypedValue("68,12", "CAL-04"), THREAD: AttributeResult(False, "THREAD-NOGO", "THG-01")}


def _sign_failed(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, FAILING)
    return form, sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)


def test_each_failing_reading_opens_a_nonconformance_and_holds_the_item(factory, shop):
    form, outcome = _sign_failed(factory, shop)
    year = f"{outcome.signature.signed_at:%y}"
    assert (outcome.result, outcome.item_status) == (InspectionResult.FAIL, ItemStatus.ON_HOLD)
    assert outcome.nonconformances == (f"NCR-{year}-0001", f"NCR-{year}-0002")
    length, thread = list_nonconformances(factory, record_id=form.id)
    assert length.description == ("VB-0001: Overall length 68.12 mm measured with CAL-04, outside the limits "
                                  "67.90 … 68.10 mm; VB-4711 rev C, final inspection at operation 50, plan rev 1.")
    assert thread.description.startswith("VB-0001: Thread M16×1.5 failed with THG-01, defect THREAD-NOGO;")
    assert (length.defect_code, length.status, length.opened_by, length.items) == (
        "DIM-HIGH", NonconformanceStatus.OPEN, "Test Inspector", (("VB-0001", ItemStatus.ON_HOLD),))
    assert item_status(factory, shop.body) is ItemStatus.ON_HOLD
    assert [e.action for e in audit(factory, "nonconformances")] == ["create", "create"]
    assert len(audit(factory, "nonconformance_items")) == 2
    held = audit(factory, "items", shop.body)[-1]
    assert (held.old_values, held.new_values, held.username) == ({"status": "released"}, {"status": "on_hold"},
                                                                 "insp.novak")
    assert [n.number for n in list_nonconformances(factory, open_only=True, item_id=shop.body)] == list(
        outcome.nonconformances)
    assert list_nonconformances(factory, item_id=shop.spare) == []


def test_only_quality_engineers_and_supervisors_disposition(factory, shop):
    _sign_failed(factory, shop)
    first = list_nonconformances(factory)[0]
    for actor in (shop.operator, shop.inspector):
        with pytest.raises(PermissionDenied, match="may not disposition ncr"):
            disposition_nonconformance(factory, actor, first.id, Disposition.USE_AS_IS, note="fine")
    with pytest.raises(ValidationError, match="a disposition needs a note"):
        disposition_nonconformance(factory, shop.engineer, first.id, Disposition.USE_AS_IS, note=" ")
    assert list_nonconformances(factory)[0].status is NonconformanceStatus.OPEN
    assert item_status(factory, shop.body) is ItemStatus.ON_HOLD


@pytest.mark.parametrize(("decision", "item", "status"), [
    (Disposition.USE_AS_IS, ItemStatus.RELEASED, NonconformanceStatus.CLOSED),
    (Disposition.REWORK, ItemStatus.RELEASED, NonconformanceStatus.DISPOSITIONED),
    (Disposition.SCRAP, ItemStatus.SCRAPPED, NonconformanceStatus.CLOSED),
    (Disposition.RETURN_TO_SUPPLIER, ItemStatus.QUARANTINED, NonconformanceStatus.DISPOSITIONED),
])
def test_a_disposition_records_the_decision_and_moves_the_item(factory, shop, decision, item, status):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, {**GOOD, LENGTH: TypedValue("68.12", "CAL-04")})
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    [opened] = list_nonconformances(factory)
    decided = disposition_nonconformance(factory, shop.engineer, opened.id, decision, note="MRB 2026-14")
    assert (decided.status, decided.disposition, decided.items) == (status, decision, (("VB-0001", item),))
    assert (decided.decided_by, decided.decision_note) == ("Test Quality engineer", "MRB 2026-14")
    assert decided.decided_at is not None
    assert item_status(factory, shop.body) is item
    with factory() as session:
        stored = session.get_one(Nonconformance, opened.id)
        assert (stored.closed_at is not None) is (status is NonconformanceStatus.CLOSED)
    with pytest.raises(Conflict, match="has already been dispositioned"):
        disposition_nonconformance(factory, shop.engineer, opened.id, Disposition.SCRAP, note="changed my mind")


def test_the_item_stays_held_while_another_nonconformance_is_open(factory, shop):
    _sign_failed(factory, shop)
    length, thread = list_nonconformances(factory)
    disposition_nonconformance(factory, shop.engineer, length.id, Disposition.USE_AS_IS, note="Concession C-7")
    assert item_status(factory, shop.body) is ItemStatus.ON_HOLD
    disposition_nonconformance(factory, shop.engineer, thread.id, Disposition.REWORK, note="Re-cut thread")
    assert item_status(factory, shop.body) is ItemStatus.RELEASED


@pytest.mark.parametrize(("readings", "result", "status"), [
    (["39.972", "39.938"], InspectionResult.PASS, ItemStatus.RELEASED),
    (["39.930", "39.940"], InspectionResult.FAIL, ItemStatus.ON_HOLD),
])
def test_receiving_inspection_releases_or_holds_a_quarantined_lot(factory, shop, readings, result, status):
    form = open_record(factory, shop.inspector, shop.lot, PlanType.RECEIVING)
    version = fill(factory, shop.inspector, form, {BAR_DIAMETER: [TypedValue(text) for text in readings]})
    outcome = sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    assert (outcome.result, outcome.item_status, item_status(factory, shop.lot)) == (result, status, status)
    if result is InspectionResult.FAIL:
        [ncr] = list_nonconformances(factory)
        assert "Bar diameter Ø40 39.930 mm measured (reading 1 of 2), outside the limits 39.938 … 40.000 mm" in (
            ncr.description)


def _received_as_serials(factory, shop) -> list[str]:
    """Turn the bar lot into a delivery received as three serials, as goods in does it."""
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        lot = session.get_one(Item, shop.lot)
        lot.status, lot.quantity = ItemStatus.CONSUMED, 0.0
        serials = [Item(id=uuid7(), part_id=lot.part_id, code=f"GR-0001-{n}", is_serial=True, quantity=1,
                        initial_quantity=1, status=ItemStatus.QUARANTINED) for n in (1, 2, 3)]
        session.add_all(serials)
        session.flush()
        session.add_all(GenealogyLink(parent_item_id=lot.id, child_item_id=serial.id, quantity=1)
                        for serial in serials)
    return [serial.code for serial in serials]


@pytest.mark.parametrize("passed", [True, False])
def test_a_delivery_received_as_serials_shares_its_lots_outcome(factory, shop, passed):
    codes = _received_as_serials(factory, shop)
    form = open_record(factory, shop.inspector, shop.lot, PlanType.RECEIVING)
    readings = ["39.972", "39.970"] if passed else ["39.930", "39.970"]
    version = fill(factory, shop.inspector, form, {BAR_DIAMETER: [TypedValue(text) for text in readings]})
    outcome = sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    with factory() as session:
        statuses = dict(session.execute(select(Item.code, Item.status).where(Item.code.in_(codes))).all())
    assert outcome.item_status is ItemStatus.CONSUMED
    assert set(statuses.values()) == {ItemStatus.RELEASED if passed else ItemStatus.ON_HOLD}
    if not passed:
        [ncr] = list_nonconformances(factory)
        assert [code for code, _ in ncr.items] == ["GR-0001", *codes]
        decided = disposition_nonconformance(factory, shop.engineer, ncr.id, Disposition.RETURN_TO_SUPPLIER,
                                             note="8D requested from the supplier")
        assert decided.items == (("GR-0001", ItemStatus.CONSUMED),
                                 *((code, ItemStatus.QUARANTINED) for code in codes))


def test_a_number_taken_by_another_bench_at_the_same_moment_is_skipped(factory, shop, monkeypatch):
    _, first = _sign_failed(factory, shop)
    real = ncr_service._next_number
    offered = iter([first.nonconformances[0]])  # what a bench that looked a moment ago would pick
    monkeypatch.setattr(ncr_service, "_next_number", lambda session: next(offered, None) or real(session))
    form = open_record(factory, shop.inspector, shop.spare, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, {**GOOD, LENGTH: TypedValue("68.12", "CAL-04")})
    outcome = sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    year = f"{outcome.signature.signed_at:%y}"
    assert outcome.nonconformances == (f"NCR-{year}-0003",)
    with factory() as session:
        assert len(session.scalars(select(Nonconformance.number)).all()) == 3
