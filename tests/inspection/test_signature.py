"""Signing: the password again (a wrong one writes nothing), what a signature stores, a signed record that
cannot be changed by any route, a review by someone else, a content hash that notices tampering, and a
correction as a new version with a reason."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update

from app.models import (
    AuditEvent,
    InspectionRecord,
    InspectionResult,
    ItemStatus,
    Measurement,
    Nonconformance,
    PlanType,
)
from app.services.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied, ValidationError
from app.services.inspection import (
    AttributeResult,
    Meaning,
    RecordForm,
    RecordSigned,
    RecordVersion,
    SignatureMismatch,
    TypedValue,
    confirm_value,
    content_sha256,
    correct_record,
    load_form,
    open_record,
    record_value,
    review_record,
    sign_record,
    verify,
)
from app.services.permissions import Action
from app.services.spc_data import characteristic_series
from app.services.unit_of_work import unit_of_work
from tests.inspection.conftest import (
    BORE,
    GOOD,
    LENGTH,
    PASSWORD,
    THREAD,
    VISUAL,
    audit,
    fill,
    item_status,
    slot,
)


@pytest.fixture
def filled(factory, shop) -> tuple[RecordForm, RecordVersion]:
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    return form, fill(factory, shop.inspector, form, GOOD)


def test_a_wrong_password_signs_nothing(factory, shop, filled):
    form, version = filled
    with pytest.raises(AuthenticationFailed, match="That is not the password of Test Inspector; nothing was signed"):
        sign_record(factory, shop.inspector, form.id, password="password-124", version=version)
    after = load_form(factory, form.id)
    assert (after.signed_at, after.signatures, after.version) == (None, (), version)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action.in_(("sign", "login")))) == 0


def test_only_complete_records_are_signed_by_people_who_inspect(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, {BORE: GOOD[BORE]})
    with pytest.raises(ValidationError, match=f"still empty: {LENGTH}, {THREAD}, {VISUAL}. Fill them in"):
        sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    with pytest.raises(PermissionDenied, match="may not inspect"):
        sign_record(factory, shop.operator, form.id, password=PASSWORD, version=version)
    assert load_form(factory, form.id).signed_at is None


def test_the_signature_stores_name_time_meaning_and_content_hash(factory, shop, filled):
    form, version = filled
    outcome = sign_record(factory, shop.colleague, form.id, password=PASSWORD, version=version)
    signed = load_form(factory, form.id)
    signature = outcome.signature
    assert (outcome.result, outcome.item_status, outcome.nonconformances) == (InspectionResult.PASS,
                                                                              ItemStatus.RELEASED, ())
    assert (signature.printed_name, signature.username, signature.meaning) == ("Test Inspector", "insp.lang",
                                                                               Meaning.INSPECTED)
    assert signed.signatures == (signature,) and signed.signed_at == signature.signed_at
    assert (signed.result, signed.editable, signed.inspector) == (InspectionResult.PASS, False, "Test Inspector")
    assert signature.content_sha256 == content_sha256(signed) and len(signature.content_sha256) == 64
    assert verify(signed)
    [event] = [e for e in audit(factory, "inspection_records", form.id) if e.action == "sign"]
    assert event.username == "insp.lang" and event.new_values["content_sha256"] == signature.content_sha256
    with factory() as session:
        record = session.get_one(InspectionRecord, form.id)
        assert record.inspector_id == shop.colleague.user_id  # the signer attests the inspection


def test_a_signed_record_cannot_be_changed(factory, shop, filled):
    form, version = filled
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    signed = load_form(factory, form.id)
    bore = slot(signed, BORE)
    for attempt in (
        lambda: record_value(factory, shop.inspector, form.id, bore.characteristic.id, TypedValue("12.001"),
                             version=signed.version, replaces=bore.current.id),
        lambda: record_value(factory, shop.inspector, form.id, bore.characteristic.id, TypedValue("12.001"),
                             version=version),
        lambda: sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=signed.version),
    ):
        with pytest.raises(RecordSigned, match="signed and read-only; nothing was changed"):
            attempt()
    # Not even a service that writes through the ORM directly gets past it.
    with pytest.raises(RecordSigned), unit_of_work(factory, shop.inspector, Action.INSPECT) as session:
        session.get_one(Measurement, bore.current.id).value = 12.001
    with pytest.raises(RecordSigned), unit_of_work(factory, shop.inspector, Action.INSPECT) as session:
        session.get_one(InspectionRecord, form.id).result = InspectionResult.FAIL
    with pytest.raises(RecordSigned), unit_of_work(factory, shop.inspector, Action.INSPECT) as session:
        session.delete(session.get_one(Measurement, bore.current.id))
    assert load_form(factory, form.id) == signed and verify(signed)


def test_tampering_below_the_services_breaks_the_hash(factory, shop, filled):
    form, version = filled
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    with factory() as session, session.begin():  # straight SQL, as someone with database access could
        session.execute(update(Measurement).where(Measurement.record_id == form.id, Measurement.value == 12.004)
                        .values(value=12.003))
    tampered = load_form(factory, form.id)
    assert not verify(tampered)
    with pytest.raises(SignatureMismatch, match="no longer matches what was signed"):
        review_record(factory, shop.engineer, form.id, password=PASSWORD)


def test_a_review_is_a_second_signature_by_someone_else(factory, shop, filled):
    form, version = filled
    with pytest.raises(ValidationError, match="not signed as inspected yet"):
        review_record(factory, shop.engineer, form.id, password=PASSWORD)
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    with pytest.raises(ValidationError, match="You signed the record of VB-0001 as its inspector"):
        review_record(factory, shop.inspector, form.id, password=PASSWORD)
    reviewed = review_record(factory, shop.engineer, form.id, password=PASSWORD)
    assert reviewed.signature.meaning is Meaning.REVIEWED and reviewed.nonconformances == ()
    with pytest.raises(Conflict, match="already reviewed by Test Quality engineer"):
        review_record(factory, shop.colleague, form.id, password=PASSWORD)
    both = load_form(factory, form.id)
    assert [s.meaning for s in both.signatures] == [Meaning.INSPECTED, Meaning.REVIEWED] and verify(both)


def test_a_correction_is_a_new_version_that_points_to_the_old_one(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, {**GOOD, LENGTH: TypedValue("68.15", "CAL-04")})
    first = sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    assert first.nonconformances == (f"NCR-{first.signature.signed_at:%y}-0001",)
    with pytest.raises(ValidationError, match="needs a reason"):
        correct_record(factory, shop.inspector, form.id, reason=" ")
    draft = correct_record(factory, shop.colleague, form.id, reason="Length read on the wrong scale")
    old = load_form(factory, form.id)
    assert (draft.corrects, old.corrected_by, draft.correction_reason) == (form.id, draft.id,
                                                                           "Length read on the wrong scale")
    assert draft.plan.id == old.plan.id and draft.editable and not draft.missing
    assert [s.current.carried_from for s in draft.slots] == [s.current.id for s in old.slots]
    assert verify(old) and old.signed_at is not None  # the signed version is unchanged
    with pytest.raises(Conflict, match="has already been corrected; open the newest version"):
        correct_record(factory, shop.inspector, form.id, reason="again")
    with pytest.raises(ValidationError, match="not signed yet; change its values directly"):
        correct_record(factory, shop.inspector, draft.id, reason="too early")
    # SPC charts every value once: the carried-over readings replace the old version's.
    length = slot(draft, LENGTH)
    assert list(characteristic_series(factory, length.characteristic.id).values) == [68.15]
    fixed = record_value(factory, shop.colleague, draft.id, length.characteristic.id, TypedValue("68.05", "CAL-04"),
                         version=draft.version, replaces=length.current.id)
    second = sign_record(factory, shop.colleague, draft.id, password=PASSWORD, version=fixed.version)
    assert (second.result, second.nonconformances) == (InspectionResult.PASS, ())
    assert list(characteristic_series(factory, length.characteristic.id).values) == [68.05]
    events = [e for e in audit(factory, "inspection_records", draft.id) if e.action == "correct"]
    assert events[0].new_values == {"corrects": str(form.id)} and events[0].username == "insp.lang"
    assert item_status(factory, shop.body) is ItemStatus.ON_HOLD  # the first NCR still waits for its decision


def test_a_failure_carried_into_a_correction_opens_no_second_nonconformance(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, {**GOOD, LENGTH: TypedValue("68.15", "CAL-04")})
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    draft = correct_record(factory, shop.inspector, form.id, reason="Visual was checked under poor light")
    visual = slot(draft, VISUAL)
    fixed = record_value(factory, shop.inspector, draft.id, visual.characteristic.id, AttributeResult(False, "BURR"),
                         version=draft.version, replaces=visual.current.id)
    confirmed = confirm_value(factory, shop.inspector, draft.id, fixed.measurement.id, version=fixed.version)
    outcome = sign_record(factory, shop.inspector, draft.id, password=PASSWORD, version=confirmed.version)
    assert outcome.result is InspectionResult.FAIL and len(outcome.nonconformances) == 1  # the burr only
    with factory() as session:
        assert session.scalars(select(Nonconformance.defect_code).order_by(Nonconformance.number)).all() == [
            "DIM-HIGH", "BURR"]


def test_a_confirmed_failure_is_stored_audited_and_signed(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, {**GOOD, LENGTH: TypedValue("68.15", "CAL-04")}, confirm=False)
    with pytest.raises(ValidationError) as refused:
        sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    assert str(refused.value) == ("The record of VB-0001 cannot be signed yet; failed and neither confirmed nor "
                                  "re-measured: Overall length. Confirm each such value as right or re-measure it, "
                                  "then sign.")
    length = slot(load_form(factory, form.id), LENGTH).current
    bore = slot(load_form(factory, form.id), BORE).current
    assert length.needs_confirmation and not bore.needs_confirmation
    with pytest.raises(ValidationError, match="within its limits: there is nothing to confirm"):
        confirm_value(factory, shop.inspector, form.id, bore.id, version=version)
    with pytest.raises(NotFound, match="not on this record"):
        confirm_value(factory, shop.inspector, form.id, uuid.uuid4(), version=version)

    confirmed = confirm_value(factory, shop.inspector, form.id, length.id, version=version)
    assert confirmed.version > version and confirmed.measurement.confirmed_by == "Test Inspector"
    with pytest.raises(Conflict, match="Someone else changed the inspection record of VB-0001"):
        confirm_value(factory, shop.inspector, form.id, length.id, version=version)  # the old version
    # It survives a reload, with who and when …
    reloaded = slot(load_form(factory, form.id), LENGTH).current
    assert (reloaded.confirmed_by_id, reloaded.confirmed_by) == (shop.inspector.user_id, "Test Inspector")
    assert reloaded.confirmed_at == confirmed.measurement.confirmed_at and not reloaded.needs_confirmation
    # … is in the audit trail …
    change = audit(factory, "measurements", length.id)[-1]
    assert (change.action, change.username, change.new_values["confirmed_by_id"]) == (
        "update", "insp.novak", str(shop.inspector.user_id))
    assert change.old_values == {"confirmed_by_id": None, "confirmed_at": None}
    # … and part of what is signed: taking it away afterwards breaks the signature.
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=confirmed.version)
    signed = load_form(factory, form.id)
    assert verify(signed)
    with factory() as session, session.begin():  # tampering behind the services' back
        session.execute(update(Measurement).where(Measurement.id == length.id).values(confirmed_by_id=None,
                                                                                        confirmed_at=None))
    assert not verify(load_form(factory, form.id))
    with pytest.raises(RecordSigned):
        confirm_value(factory, shop.inspector, form.id, length.id, version=signed.version)


def test_a_re_measured_failure_needs_no_confirmation_and_a_correction_keeps_it(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, {**GOOD, LENGTH: TypedValue("68.15", "CAL-04")}, confirm=False)
    first = slot(load_form(factory, form.id), LENGTH).current
    again = record_value(factory, shop.inspector, form.id, first.characteristic_id, TypedValue("68.12", "CAL-04"),
                         version=version, replaces=first.id)
    with pytest.raises(ValidationError, match="was re-measured; the new reading is the one to confirm"):
        confirm_value(factory, shop.inspector, form.id, first.id, version=again.version)
    confirmed = confirm_value(factory, shop.colleague, form.id, again.measurement.id, version=again.version)
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=confirmed.version)
    draft = correct_record(factory, shop.inspector, form.id, reason="Thread gauge was the wrong size")
    carried = slot(draft, LENGTH).current
    assert (carried.carried_from, carried.confirmed_by_id, carried.confirmed_at) == (
        again.measurement.id, shop.colleague.user_id, confirmed.measurement.confirmed_at)
    assert not draft.unconfirmed  # signing the correction does not ask again
