"""Filling in a form: opening (and resuming) a record, typed, gauge and pass/fail entries, re-measures kept,
gauge refusals, implausible values, the SPC view of the readings, and two inspectors on one record."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from app.models import InspectionResult, Item, ItemStatus, Measurement, PlanType
from app.services.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from app.services.inspection import (
    AttributeResult,
    GaugeReading,
    GaugeRefused,
    ImplausibleValue,
    TypedValue,
    check_gauge,
    load_form,
    open_record,
    plans_for_item,
    record_value,
)
from app.services.permissions import SYSTEM
from app.services.spc_data import characteristic_series
from tests.inspection.conftest import BAR_DIAMETER, BORE, LENGTH, THREAD, VISUAL, VISUAL_CODES, audit, slot


def _measurements(factory) -> list[Measurement]:
    with factory() as session:
        return list(session.scalars(select(Measurement).order_by(Measurement.measured_at)))


def test_opening_a_form_starts_a_record_on_the_current_plan_and_resumes_it(factory, shop):
    assert [p.id for p in plans_for_item(factory, shop.body)] == [shop.final.id]
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    assert (form.plan.id, form.item_code, form.result, form.editable) == (shop.final.id, "VB-0001",
                                                                         InspectionResult.OPEN, True)
    assert [s.characteristic.name for s in form.slots] == [BORE, LENGTH, THREAD, VISUAL]
    assert len(form.missing) == 4 and form.inspector == "Test Inspector" and form.version == form.inspected_at
    again = open_record(factory, shop.colleague, shop.body, PlanType.FINAL)
    assert again.id == form.id
    lot = open_record(factory, shop.inspector, shop.lot, PlanType.RECEIVING)
    assert [(s.characteristic.name, s.index) for s in lot.slots] == [(BAR_DIAMETER, 0), (BAR_DIAMETER, 1)]


def test_a_form_is_only_opened_where_it_makes_sense(factory, shop):
    with pytest.raises(NotFound, match="no current first article inspection plan for VB-4711 rev C"):
        open_record(factory, shop.inspector, shop.body, PlanType.FIRST_ARTICLE)
    with pytest.raises(PermissionDenied, match="may not inspect"):
        open_record(factory, shop.operator, shop.body, PlanType.FINAL)
    with pytest.raises(PermissionDenied, match="log in as a person"):
        open_record(factory, SYSTEM, shop.body, PlanType.FINAL)
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        session.get_one(Item, shop.spare).status = ItemStatus.SCRAPPED
    with pytest.raises(ValidationError, match="VB-0002 is scrapped; it cannot be inspected any more"):
        open_record(factory, shop.inspector, shop.spare, PlanType.FINAL)
    with pytest.raises(NotFound, match="scan it again"):
        open_record(factory, shop.inspector, uuid.uuid4(), PlanType.FINAL)


def test_entries_are_judged_stored_and_move_the_version_on(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    bore = record_value(factory, shop.inspector, form.id, slot(form, BORE).characteristic.id,
                        GaugeReading(0.47315, "in", "AGA-01"), version=form.version)
    assert bore.version > form.version and bore.evaluation.passed
    assert (bore.measurement.value, bore.measurement.gauge_code) == (12.018, "AGA-01")
    length = record_value(factory, shop.inspector, form.id, slot(form, LENGTH).characteristic.id,
                          TypedValue("68,12", "cal-04"), version=bore.version)
    assert (length.measurement.passed, length.measurement.defect_code) == (False, "DIM-HIGH")
    thread = record_value(factory, shop.inspector, form.id, slot(form, THREAD).characteristic.id,
                          AttributeResult(False, "thread nogo", "THG-01"), version=length.version)
    assert (thread.measurement.value, thread.measurement.defect_code) == (None, "THREAD-NOGO")
    loaded = load_form(factory, form.id)
    assert loaded.version == thread.version
    assert [s.characteristic.name for s in loaded.failed] == [LENGTH, THREAD]
    assert [s.characteristic.name for s in loaded.missing] == [VISUAL]
    stored = _measurements(factory)
    assert [(m.value, m.passed) for m in stored] == [(12.018, True), (68.12, False), (None, False)]
    assert all(m.record_id == form.id and m.superseded_by_id is None for m in stored)
    assert [e.action for e in audit(factory, "measurements")] == ["create"] * 3
    assert len(audit(factory, "inspection_records", form.id)) == 4  # created, then moved on by each entry


def test_a_re_measure_keeps_the_old_reading(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    length = slot(form, LENGTH).characteristic.id
    first = record_value(factory, shop.inspector, form.id, length, TypedValue("68.15"), version=form.version)
    with pytest.raises(ValidationError, match="already has its 1 reading\\(s\\); re-measure one"):
        record_value(factory, shop.inspector, form.id, length, TypedValue("68.00"), version=first.version)
    second = record_value(factory, shop.inspector, form.id, length, TypedValue("68.04", "CAL-04"),
                          version=first.version, replaces=first.measurement.id)
    with pytest.raises(ValidationError, match="not a current reading of this record"):
        record_value(factory, shop.inspector, form.id, length, TypedValue("68.03"), version=second.version,
                     replaces=first.measurement.id)
    field = slot(load_form(factory, form.id), LENGTH)
    assert field.current.id == second.measurement.id and field.current.passed
    assert [m.id for m in field.earlier] == [first.measurement.id]
    assert field.earlier[0].superseded_by_id == second.measurement.id and field.earlier[0].value == 68.15
    superseded = audit(factory, "measurements", first.measurement.id)[-1]
    assert superseded.new_values == {"superseded_by_id": str(second.measurement.id)}


def test_samples_fill_their_own_slots(factory, shop):
    form = open_record(factory, shop.inspector, shop.lot, PlanType.RECEIVING)
    diameter = form.slots[0].characteristic.id
    version = form.version
    for text in ("39.972", "39.969"):
        version = record_value(factory, shop.inspector, form.id, diameter, TypedValue(text), version=version).version
    with pytest.raises(ValidationError, match="already has its 2 reading"):
        record_value(factory, shop.inspector, form.id, diameter, TypedValue("39.970"), version=version)
    assert [s.current.value for s in load_form(factory, form.id).slots] == [39.972, 39.969]


@pytest.mark.parametrize(("name", "gauge", "words"), [
    (BORE, "CAL-04", "The plan says Bore diameter Ø12 is measured with: Air gauge. CAL-04 .* is not one"),
    (LENGTH, "CAL-03", r"CAL-03 \(Digital caliper 0–150 mm\) was due for calibration on \d\d \w+ \d{4}; it may not be"),
    (LENGTH, "CAL-07", "CAL-07 .* has no calibration on record"),
    (LENGTH, "CAL-09", "CAL-09 .* is out of service; it may not be used"),
    (VISUAL, "THG-01", "measured with: Visual"),
])
def test_gauges_of_the_wrong_type_or_out_of_calibration_are_refused(factory, shop, name, gauge, words):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    characteristic = slot(form, name).characteristic
    entry = AttributeResult(True, gauge=gauge) if name == VISUAL else GaugeReading(68.0, "mm", gauge)
    with pytest.raises(GaugeRefused, match=words):
        record_value(factory, shop.inspector, form.id, characteristic.id, entry, version=form.version)
    with pytest.raises(GaugeRefused, match=words):
        check_gauge(factory, characteristic.id, gauge)
    assert _measurements(factory) == [] and load_form(factory, form.id).version == form.version


def test_usable_and_unknown_gauges(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    length = slot(form, LENGTH).characteristic.id
    assert check_gauge(factory, length, " cal-04 ").code == "CAL-04"  # due today is still in calibration
    with pytest.raises(NotFound, match="no gauge with the code XYZ-1; check the label"):
        check_gauge(factory, length, "XYZ-1")


def test_an_implausible_value_needs_confirming(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    bore = slot(form, BORE).characteristic.id
    with pytest.raises(ImplausibleValue, match="120.000 mm is far outside 11.982 … 12.018 mm"):
        record_value(factory, shop.inspector, form.id, bore, TypedValue("120"), version=form.version)
    assert _measurements(factory) == []
    saved = record_value(factory, shop.inspector, form.id, bore, TypedValue("120"), version=form.version,
                         confirmed=True)
    assert saved.evaluation.implausible and not saved.measurement.passed


def test_a_stale_form_cannot_overwrite_a_colleagues_entry(factory, shop):
    mine = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    theirs = open_record(factory, shop.colleague, shop.body, PlanType.FINAL)
    length = slot(mine, LENGTH).characteristic.id
    record_value(factory, shop.colleague, theirs.id, length, TypedValue("68.02"), version=theirs.version)
    with pytest.raises(Conflict, match="Someone else changed the inspection record of VB-0001 since you opened"):
        record_value(factory, shop.inspector, mine.id, length, TypedValue("68.09"), version=mine.version)
    assert [m.value for m in _measurements(factory)] == [68.02]


def test_two_inspectors_saving_at_the_same_moment_one_wins(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(actor, text: str) -> None:
        start.wait()
        try:
            outcomes[text] = record_value(factory, actor, form.id, slot(form, LENGTH).characteristic.id,
                                          TypedValue(text), version=form.version)
        except DomainError as exc:
            outcomes[text] = exc

    threads = [threading.Thread(target=save, args=args)
               for args in ((shop.inspector, "68.01"), (shop.colleague, "68.02"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lost = [o for o in outcomes.values() if isinstance(o, Conflict)]
    assert len(lost) == 1 and len(outcomes) == 2
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Measurement)) == 1


def test_readings_feed_spc_with_their_context(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    bore = slot(form, BORE).characteristic.id
    first = record_value(factory, shop.inspector, form.id, bore, GaugeReading(12.0213, "mm", "AGA-01"),
                         version=form.version)
    record_value(factory, shop.inspector, form.id, bore, GaugeReading(12.0042, "mm", "AGA-01"),
                 version=first.version, replaces=first.measurement.id)
    series = characteristic_series(factory, bore)
    assert list(series.values) == [12.004]  # the re-measured reading is kept but not charted
    assert (series.item_codes, series.inspectors, series.gauges) == (("VB-0001",), ("Test Inspector",),
                                                                     ("AGA-01",))


def test_a_failed_visual_check_takes_only_one_of_its_defect_codes(factory, shop):
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    visual = slot(form, VISUAL).characteristic
    assert [(c.code, c.description) for c in visual.defect_codes] == list(VISUAL_CODES.items())
    with pytest.raises(ValidationError) as refused:
        record_value(factory, shop.inspector, form.id, visual.id, AttributeResult(False, "dent"),
                     version=form.version)
    assert str(refused.value) == (
        "'DENT' is not a defect code of Visual: burrs, marking. Choose one of its codes: BURR (burr on an edge or "
        "in the bore); SCRATCH (scratch on a sealing face); MARKING (marking missing or illegible).")
    assert _measurements(factory) == []  # nothing was written, and the version did not move
    saved = record_value(factory, shop.inspector, form.id, visual.id, AttributeResult(False, " scratch "),
                         version=form.version)
    assert (saved.measurement.passed, saved.measurement.defect_code) == (False, "SCRATCH")
    # The thread check lists no codes: any well-formed code is taken.
    thread = record_value(factory, shop.inspector, form.id, slot(form, THREAD).characteristic.id,
                          AttributeResult(False, "pitch-diameter"), version=saved.version)
    assert thread.measurement.defect_code == "PITCH-DIAMETER"
