"""The whole inspection flow on a demo plant, as its people would do it: open the final-inspection form of a
body, enter values (one out of tolerance, re-measured), sign, and find the record, the readings, the hold, the
nonconformance, SPC and the audit trail as they should be; then the quality engineer decides."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import (
    AuditEvent,
    Disposition,
    Equipment,
    InspectionRecord,
    InspectionResult,
    Item,
    ItemStatus,
    Measurement,
    Nonconformance,
    PartDefinition,
    PlanType,
)
from app.services.demo import DEMO_PASSWORD, build_demo_plant
from app.services.errors import AuthenticationFailed, PermissionDenied, ValidationError
from app.services.inspection import (
    AttributeResult,
    GaugeReading,
    GaugeRefused,
    RecordSigned,
    TypedValue,
    confirm_value,
    disposition_nonconformance,
    list_nonconformances,
    load_form,
    open_record,
    record_value,
    sign_record,
    verify,
)
from app.services.permissions import SYSTEM
from app.services.spc_data import characteristic_series
from app.services.users import authenticate
from tests.inspection.conftest import item_status, slot

LENGTH, THREAD, VISUAL = "Overall length", "Thread M16×1.5-6H", "Visual: burrs, scratches, marking"


@pytest.fixture
def plant(factory):
    build_demo_plant(factory, SYSTEM, units=60, seed=11)
    # The demo dates calibrations against its own calendar; the lab has just recalibrated the two gauges used
    # here (CAL-03 stays overdue).
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        for gauge in session.scalars(select(Equipment).where(Equipment.code.in_(("CAL-04", "THG-01")))):
            gauge.last_calibrated_on, gauge.calibration_due_on = date.today(), date.today() + timedelta(days=365)


def _body_in_process(factory) -> tuple[uuid.UUID, str]:
    with factory() as session:
        return session.execute(select(Item.id, Item.code).join(PartDefinition, Item.part_id == PartDefinition.id)
                               .where(PartDefinition.part_number == "VB-4711", Item.status == ItemStatus.IN_PROCESS)
                               .order_by(Item.code).limit(1)).one()


def test_final_inspection_of_a_body_from_scan_to_disposition(factory, plant):
    inspector = authenticate(factory, "insp.novak", DEMO_PASSWORD)
    body, code = _body_in_process(factory)
    with factory() as session:
        demo_ncrs = set(session.scalars(select(Nonconformance.number)))

    form = open_record(factory, inspector, body, PlanType.FINAL)
    assert [s.characteristic.name for s in form.slots] == [LENGTH, THREAD, VISUAL]
    assert (form.plan.part_number, form.plan.operation_seq, form.plan.revision, form.plan.frequency) == (
        "VB-4711", 50, 1, 5)
    length = slot(form, LENGTH).characteristic.id
    with pytest.raises(GaugeRefused, match="CAL-03 .* was due for calibration"):
        record_value(factory, inspector, form.id, length, TypedValue("68,02", "CAL-03"), version=form.version)
    typed = record_value(factory, inspector, form.id, length, TypedValue("68,15", "CAL-04"), version=form.version)
    assert typed.evaluation.message == "68.15 mm is above the upper limit 68.10 mm."
    # Re-measured with the caliper switched to inches: 2.6823 in = 68.130 mm, still too long.
    measured = record_value(factory, inspector, form.id, length, GaugeReading(2.6823, "in", "CAL-04"),
                            version=typed.version, replaces=typed.measurement.id)
    thread = record_value(factory, inspector, form.id, slot(form, THREAD).characteristic.id,
                          AttributeResult(True, gauge="THG-01"), version=measured.version)
    done = record_value(factory, inspector, form.id, slot(form, VISUAL).characteristic.id, AttributeResult(True),
                        version=thread.version)

    with pytest.raises(AuthenticationFailed):
        sign_record(factory, inspector, form.id, password="threadlime", version=done.version)
    assert load_form(factory, form.id).signed_at is None and item_status(factory, body) is ItemStatus.IN_PROCESS
    # Still too long: the inspector confirms the value as right before signing.
    with pytest.raises(ValidationError, match="failed and neither confirmed nor re-measured: Overall length"):
        sign_record(factory, inspector, form.id, password=DEMO_PASSWORD, version=done.version)
    confirmed = confirm_value(factory, inspector, form.id, measured.measurement.id, version=done.version)
    assert confirmed.measurement.confirmed_by == "Pavel Novák"
    outcome = sign_record(factory, inspector, form.id, password=DEMO_PASSWORD, version=confirmed.version)
    assert (outcome.result, outcome.item_status, outcome.signature.printed_name) == (
        InspectionResult.FAIL, ItemStatus.ON_HOLD, "Pavel Novák")

    # The stored record, its readings (the first one kept, pointing to the re-measure), the hold.
    with factory() as session:
        record = session.get_one(InspectionRecord, form.id)
        readings = session.scalars(select(Measurement).where(Measurement.record_id == form.id)
                                   .order_by(Measurement.measured_at)).all()
        assert (record.result, record.signed_at, record.inspector_id) == (
            InspectionResult.FAIL, outcome.signature.signed_at, inspector.user_id)
        assert [(m.value, m.passed, m.defect_code) for m in readings] == [
            (68.15, False, "DIM-HIGH"), (68.13, False, "DIM-HIGH"), (None, True, None), (None, True, None)]
        assert readings[0].superseded_by_id == readings[1].id
        assert (readings[1].confirmed_by_id, readings[0].confirmed_at) == (inspector.user_id, None)
        assert session.get_one(Item, body).status is ItemStatus.ON_HOLD
    signed = load_form(factory, form.id)
    assert verify(signed) and [m.value for m in slot(signed, LENGTH).earlier] == [68.15]

    # The nonconformance says what, where, and the value against the limits.
    [number] = outcome.nonconformances
    assert number not in demo_ncrs
    [ncr] = list_nonconformances(factory, record_id=form.id)
    assert ncr.description == (f"{code}: Overall length 68.13 mm measured with CAL-04, outside the limits "
                               "67.90 … 68.10 mm; VB-4711 rev C, final inspection at operation 50, plan rev 1.")
    assert ncr.items == ((code, ItemStatus.ON_HOLD),)

    # SPC sees the current reading with its context.
    series = characteristic_series(factory, length)
    assert (series.values[-1], series.item_codes[-1], series.inspectors[-1], series.gauges[-1]) == (
        68.13, code, "Pavel Novák", "CAL-04")

    # The audit trail names the inspector on every change, in order.
    with factory() as session:
        trail = [(e.table_name, e.action) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.username == "insp.novak").order_by(AuditEvent.id))]
    assert trail[0] == ("users", "login") and trail.count(("measurements", "create")) == 4
    assert ("measurements", "update") in trail and trail.count(("inspection_records", "sign")) == 1
    assert trail[-4:] == [("inspection_records", "update"), ("nonconformances", "create"),
                          ("nonconformance_items", "create"), ("items", "update")]

    # Signed means read-only; the operator may not decide; the quality engineer releases it for rework.
    with pytest.raises(RecordSigned):
        record_value(factory, inspector, form.id, length, TypedValue("68.05", "CAL-04"),
                     version=signed.version, replaces=readings[1].id)
    operator = authenticate(factory, "op.schmidt", DEMO_PASSWORD)
    with pytest.raises(PermissionDenied, match="may not disposition ncr"):
        disposition_nonconformance(factory, operator, ncr.id, Disposition.USE_AS_IS, note="looks fine")
    engineer = authenticate(factory, "qe.mueller", DEMO_PASSWORD)
    decided = disposition_nonconformance(factory, engineer, ncr.id, Disposition.REWORK,
                                         note="Face to 68.05 on the lathe, then inspect again")
    assert (decided.decided_by, decided.items) == ("Thomas Müller", ((code, ItemStatus.RELEASED),))
