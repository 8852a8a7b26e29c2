"""The Inspection page driven like an inspector: scan a part, fill its form from a simulated gauge on a real
pty and by typing, meet an out-of-tolerance value, sign with the password; then the database must hold the
record, every reading (the re-measured one too), the hold, the nonconformance and the audit trail. A signed
record stays read-only in the GUI and in the service; refused gauges fill nothing; a colleague's entry is
never overwritten. (Defect codes, sampling, an item's records and stored confirmations: test_inspection_details.)"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from app.devices.events import DeviceEvent, Measurement as GaugeMeasurement
from app.devices.profiles import BUILT_IN, Profile
from app.devices.reader import Backoff
from app.devices.simulators import Simulator
from app.models import (
    AuditEvent,
    Characteristic,
    CharacteristicKind,
    Classification,
    Equipment,
    InspectionRecord,
    InspectionResult,
    Item,
    ItemStatus,
    Measurement,
    PlanType,
    Role,
)
from app.services.inspection import (
    CharacteristicDefinition,
    Meaning,
    PlanDefinition,
    RecordSigned,
    TypedValue,
    content_sha256,
    create_plan,
    list_nonconformances,
    load_form,
    open_record,
    record_value,
    sign_record,
    verify,
)
from app.services.permissions import SYSTEM, Actor
from app.ui import inspection_page
from app.ui.device_adapter import StationDevices
from app.ui.inspection_page import InspectionPage
from app.ui.workspaces import PageContext
from tests.inspection.conftest import (  # noqa: F401 - shop is a fixture
    BODY,
    BORE,
    GOOD,
    LENGTH,
    PASSWORD,
    THREAD,
    VISUAL,
    fill,
    shop,
)

WAIT = 10_000
FAST = Backoff(initial=0.01, cap=0.05)
MITUTOYO = BUILT_IN["gauge-mitutoyo"]
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot, shop, runner, settings) -> InspectionPage:
    page = InspectionPage(PageContext(shop.factory, shop.inspector, runner, settings))
    qtbot.addWidget(page)
    page.resize(1500, 950)
    page.show()
    page.activated()
    qtbot.waitUntil(page.scan_field.hasFocus)
    return page


@pytest.fixture
def gauges(qtbot, page) -> Iterator[Callable[..., dict[str, Simulator]]]:
    """Gauges on real ptys, read by the station's reader threads, their readings handed to the page. A gauge's
    device name is its equipment code, as on its calibration label."""
    station = StationDevices(backoff=FAST)
    sims: list[Simulator] = []

    def connect(*names: str, profile: Profile = MITUTOYO) -> dict[str, Simulator]:
        made = {name: Simulator(profile, []).start() for name in names}
        sims.extend(made.values())
        station.configure({name: profile.on_port(sim.path) for name, sim in made.items()})
        page.attach_devices(station)
        station.start()
        qtbot.waitUntil(lambda: all(station.state_of(n)[0] == "connected" for n in names), timeout=WAIT)
        return made

    yield connect
    station.close()
    for sim in sims:
        sim.stop()


def scan(qtbot, page: InspectionPage, text: str, expect: str = "form") -> None:
    with qtbot.waitSignal(page.form_shown, timeout=WAIT) as shown:
        qtbot.keyClicks(page.scan_field, text)
        qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
    assert shown.args == [expect]


def enter(qtbot, page: InspectionPage, widget, key=Qt.Key.Key_Return) -> object:
    """A key that saves a value; returns the Saved."""
    with qtbot.waitSignal(page.entry_saved, timeout=WAIT) as saved:
        qtbot.keyClick(widget, key)
    return saved.args[0]


def stored(factory, record_id) -> list[tuple]:
    with factory() as session:
        return [tuple(row) for row in session.execute(
            select(Characteristic.name, Measurement.value, Measurement.passed, Measurement.defect_code,
                   Equipment.code, Measurement.id, Measurement.superseded_by_id)
            .join(Characteristic, Measurement.characteristic_id == Characteristic.id)
            .outerjoin(Equipment, Measurement.equipment_id == Equipment.id)
            .where(Measurement.record_id == record_id).order_by(Measurement.measured_at, Measurement.id))]


def test_a_part_is_inspected_from_a_gauge_and_by_typing_and_signed(qtbot, page, shop, gauges, qtmodeltester):
    scan(qtbot, page, "VB-0001")
    form = page.form
    assert [r.characteristic.name for r in form.rows] == [BORE, LENGTH, THREAD, VISUAL]
    bore, length, thread, visual = form.rows
    assert bore.findChild(QLabel, "criticalTag") is not None and length.findChild(QLabel, "criticalTag") is None
    assert bore.limits.text() == "11.982 … 12.018 mm" and length.limits.text() == "67.90 … 68.10 mm"
    # Missing fields show at once, and the cursor waits in the first one.
    assert all(r.tone == "empty" and r.state.text().startswith("Missing") for r in form.rows)
    assert page.summary.text().startswith("4 of 4 fields still empty")
    qtbot.waitUntil(bore.entry.field.hasFocus)

    # The air gauge's data button fills the focused field and the cursor moves on.
    sim = gauges("AGA-01")["AGA-01"]
    with qtbot.waitSignal(page.entry_saved, timeout=WAIT) as saved:
        sim.send("01A+0012.004")
    assert saved.args[0].measurement.gauge_code == "AGA-01"
    assert bore.entry.field.text() == "12.004" and bore.tone == "ok" and "Gauge AGA-01" in bore.state.text()
    qtbot.waitUntil(length.entry.field.hasFocus)

    # Too long: red while typing, saved on Enter, and then it needs a decision; the cursor stays.
    qtbot.keyClicks(length.entry.field, "68,15")
    assert length.tone == "fail" and length.property("tone") == "fail"
    assert "68.15 mm is above the upper limit 68.10 mm" in length.state.text()
    enter(qtbot, page, length.entry.field)
    assert length.needs_decision and length.confirm_button.isVisible() and length.remeasure_button.isVisible()
    assert length.confirm_button.hasFocus() and form.current is length
    qtbot.mouseClick(page.sign_button, LEFT)
    assert page.sign_dialog is None
    assert page.banner.text().startswith("Out of tolerance and not confirmed: Overall length")

    # Re-measured: still too long (the first value stays in the record), then confirmed with Enter.
    qtbot.mouseClick(length.remeasure_button, LEFT)
    assert length.entry.field.text() == "" and length.entry.field.hasFocus()
    qtbot.keyClicks(length.entry.field, "68.12")
    enter(qtbot, page, length.entry.field)
    assert length.needs_decision and [m.value for m in length.earlier] == [68.15]
    with qtbot.waitSignal(page.entry_confirmed, timeout=WAIT) as confirmed:
        qtbot.keyClick(length.confirm_button, Qt.Key.Key_Return)
    assert not length.needs_decision and length.tone == "fail"
    assert "Confirmed by Test Inspector, " in length.state.text()
    assert confirmed.args[0].measurement.confirmed_by_id == shop.inspector.user_id

    # Pass/fail checks from the keyboard: P on the first, Enter on the second; then the Sign button.
    qtbot.waitUntil(thread.entry.pass_button.hasFocus)
    enter(qtbot, page, thread.entry.pass_button, Qt.Key.Key_P)
    qtbot.waitUntil(visual.entry.pass_button.hasFocus)
    enter(qtbot, page, visual.entry.pass_button)
    qtbot.waitUntil(page.sign_button.hasFocus)
    assert "All 4 fields filled · 1 out of tolerance · signing puts VB-0001 on hold" in page.summary.text()
    page.tabs.setCurrentWidget(page.readings_table)
    qtmodeltester.check(page.readings)
    statuses = [page.readings.index(row, 6).data() for row in range(page.readings.rowCount())]
    assert statuses.count("Replaced by a re-measure (kept)") == 1 and len(statuses) == 5
    assert statuses.count("Current · confirmed by Test Inspector") == 1  # the length that stays too long

    # Sign: a wrong password signs nothing; the right one locks the record.
    qtbot.keyClick(page.sign_button, Qt.Key.Key_Space)
    dialog = page.sign_dialog
    assert dialog is not None and dialog.isVisible() and dialog.meaning is Meaning.INSPECTED
    with qtbot.waitSignal(dialog.sign_failed, timeout=WAIT) as failed:
        qtbot.keyClicks(dialog.password, "pasword-123")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "not the password of Test Inspector" in failed.args[0] and dialog.isVisible()
    with qtbot.waitSignal(page.inspection_signed, timeout=WAIT) as signed:
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    answer = signed.args[0]
    record_id = answer.form.id
    [number] = answer.outcome.nonconformances

    # On screen: read-only, the signature, the result, the nonconformance and the hold.
    rows = page.form.rows
    assert rows[0].entry.field.isReadOnly() and not rows[2].entry.pass_button.isEnabled()
    digest = content_sha256(load_form(shop.factory, record_id))
    assert "Inspected by Test Inspector · " in page.signoff.signatures.text()
    assert f"SHA-256 {digest[:16]}…" in page.signoff.signatures.text()
    assert page.signoff.result.text() == "FAIL" and number in page.signoff.consequences.text()
    assert "VB-0001 is on hold until a quality engineer disposes of it" in page.signoff.consequences.text()
    assert page.header.badge.status is ItemStatus.ON_HOLD
    assert page.correct_button.isVisible() and not page.sign_button.isVisible()
    assert f"{number} opened" in page.banner.text()

    # In the database: the record, every reading (the first length kept and pointing on), the hold, the NCR.
    with shop.factory() as session:
        record = session.get_one(InspectionRecord, record_id)
        assert (record.result, record.inspector_id) == (InspectionResult.FAIL, shop.inspector.user_id)
        assert record.signed_at is not None
        assert session.get_one(Item, shop.body).status is ItemStatus.ON_HOLD
    readings = stored(shop.factory, record_id)
    assert [r[:5] for r in readings] == [
        (BORE, 12.004, True, None, "AGA-01"), (LENGTH, 68.15, False, "DIM-HIGH", None),
        (LENGTH, 68.12, False, "DIM-HIGH", None), (THREAD, None, True, None, None),
        (VISUAL, None, True, None, None)]
    assert readings[1][6] == readings[2][5] and readings[2][6] is None
    [ncr] = list_nonconformances(shop.factory, record_id=record_id)
    assert ncr.number == number and ncr.items == (("VB-0001", ItemStatus.ON_HOLD),)
    assert "Overall length 68.12 mm measured, outside the limits 67.90 … 68.10 mm" in ncr.description
    assert verify(load_form(shop.factory, record_id))

    # The audit trail names the inspector on each change, in order.
    with shop.factory() as session:
        trail = [(e.table_name, e.action) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.username == shop.inspector.username).order_by(AuditEvent.id))]
    assert trail.count(("measurements", "create")) == 5 and ("measurements", "update") in trail
    assert trail.count(("inspection_records", "sign")) == 1
    assert trail[-4:] == [("inspection_records", "update"), ("nonconformances", "create"),
                          ("nonconformance_items", "create"), ("items", "update")]


def fill_good(qtbot, page: InspectionPage) -> None:
    """Every field in tolerance, by keyboard only: Enter saves and moves on."""
    bore, length, thread, visual = page.form.rows
    qtbot.waitUntil(bore.entry.field.hasFocus)
    qtbot.keyClicks(bore.entry.field, "12.004")
    enter(qtbot, page, bore.entry.field)
    qtbot.keyClicks(length.entry.field, "68.02")
    enter(qtbot, page, length.entry.field, Qt.Key.Key_Tab)
    enter(qtbot, page, thread.entry.pass_button, Qt.Key.Key_Plus)
    enter(qtbot, page, visual.entry.pass_button, Qt.Key.Key_Space)


def sign(qtbot, page: InspectionPage) -> object:
    qtbot.mouseClick(page.sign_button, LEFT)
    with qtbot.waitSignal(page.inspection_signed, timeout=WAIT) as signed:
        qtbot.keyClicks(page.sign_dialog.password, PASSWORD)
        qtbot.mouseClick(page.sign_dialog.sign_button, LEFT)
    return signed.args[0]


def test_a_signed_record_cannot_be_changed_and_a_correction_is_a_new_version(qtbot, page, shop):
    scan(qtbot, page, "VB-0001")
    fill_good(qtbot, page)
    answer = sign(qtbot, page)
    assert answer.form.result is InspectionResult.PASS and answer.outcome.item_status is ItemStatus.RELEASED
    assert page.signoff.result.text() == "PASS" and not page.signoff.consequences.isVisible()
    bore, length, thread, visual = page.form.rows

    # The GUI takes nothing: fields are read-only, buttons disabled, gauge readings refused.
    assert bore.entry.field.isReadOnly() and length.entry.field.isReadOnly()
    bore.entry.field.setFocus()
    qtbot.keyClicks(bore.entry.field, "9")
    qtbot.keyClick(bore.entry.field, Qt.Key.Key_Return)
    assert bore.entry.field.text() == "12.004" and not bore.confirm_button.isVisible()
    assert not thread.entry.pass_button.isEnabled() and not visual.entry.fail_button.isEnabled()
    assert not bore.remeasure_button.isVisible()
    with qtbot.waitSignal(page.entry_refused, timeout=WAIT) as refused:
        page.take_gauge_reading(DeviceEvent("AGA-01", datetime.now(UTC), b"", GaugeMeasurement(12.001, "mm")))
    assert "signed and read-only" in refused.args[0]
    # … and neither does the service.
    with pytest.raises(RecordSigned, match="signed and read-only"):
        record_value(shop.factory, shop.inspector, answer.form.id, bore.characteristic.id, TypedValue("12.001"),
                     version=page.version, replaces=bore.current.id)
    assert len(stored(shop.factory, answer.form.id)) == 4 and verify(load_form(shop.factory, answer.form.id))

    # A correction needs a reason and starts a new version with the values carried over.
    qtbot.mouseClick(page.correct_button, LEFT)
    dialog = page.correction_dialog
    assert dialog is not None and not dialog.start_button.isEnabled()
    qtbot.keyClicks(dialog.reason, "Bore gauged against the wrong setting ring")
    assert dialog.start_button.isEnabled()
    with qtbot.waitSignal(page.form_shown, timeout=WAIT):
        qtbot.mouseClick(dialog.start_button, LEFT)
    new = page.answer.form
    assert new.editable and new.corrects == answer.form.id and new.id != answer.form.id
    assert page.form.rows[0].entry.field.text() == "12.004" and not page.form.rows[0].entry.field.isReadOnly()
    assert "Reason: Bore gauged against the wrong setting ring" in page.signoff.correction.text()
    assert page.sign_button.isVisible() and page.sign_button.text() == "Sign …"
    old = load_form(shop.factory, answer.form.id)
    assert old.signed_at is not None and old.corrected_by == new.id and verify(old)


def test_a_refused_gauge_fills_nothing_and_an_inch_gauge_is_converted(qtbot, page, shop, gauges):
    scan(qtbot, page, "VB-0001")
    bore, length = page.form.rows[:2]
    sims = gauges("CAL-03", "CAL-04", "bench caliper")
    qtbot.waitUntil(bore.entry.field.hasFocus)

    # A caliper is not the air gauge the plan asks for.
    with qtbot.waitSignal(page.entry_refused, timeout=WAIT) as refused:
        sims["CAL-04"].send("01A+0012.004")
    assert f"The plan says {BORE} is measured with: Air gauge" in refused.args[0]
    assert bore.entry.field.text() == "" and bore.state.property("tone") == "error"
    assert bore.state.text() == refused.args[0] and bore.entry.field.hasFocus()

    # An overdue caliper, and a device that is named after no gauge, in the length field.
    qtbot.mouseClick(length.entry.field, LEFT)
    qtbot.waitUntil(lambda: page.form.current is length)
    with qtbot.waitSignal(page.entry_refused, timeout=WAIT) as refused:
        sims["CAL-03"].send("01A+0068.020")
    assert "CAL-03 (Digital caliper 0–150 mm) was due for calibration" in refused.args[0]
    with qtbot.waitSignal(page.entry_refused, timeout=WAIT) as refused:
        sims["bench caliper"].send("01A+0068.020")
    assert "no gauge has the code bench caliper: nothing was filled in" in refused.args[0]
    assert length.entry.field.text() == "" and length.current is None
    assert stored(shop.factory, page.answer.form.id) == []

    # The same caliper switched to inches: 2.6780 in is 68.0212 mm, 68.02 at the plan's resolution.
    inch = dataclasses.replace(MITUTOYO, options={"unit": "in"})
    sim = gauges("CAL-04", profile=inch)["CAL-04"]
    with qtbot.waitSignal(page.entry_saved, timeout=WAIT) as saved:
        sim.send("01A+0002.6780")
    assert saved.args[0].measurement.value == 68.02 and length.entry.field.text() == "68.02"
    qtbot.waitUntil(page.form.rows[2].entry.pass_button.hasFocus)


def test_typing_is_judged_as_it_is_typed_and_the_keys_move_through_the_form(qtbot, page, shop):
    scan(qtbot, page, "VB-0001")
    bore, length, thread, visual = page.form.rows
    field = bore.entry.field
    qtbot.waitUntil(field.hasFocus)

    qtbot.keyClicks(field, "12.0045")
    assert bore.tone == "warn" and "has 4 decimals, but Bore diameter Ø12 is measured to 3" in bore.state.text()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.hasFocus() and bore.current is None and "typed but not saved" in page.summary.text()
    field.clear()
    qtbot.keyClicks(field, "12,0x")
    assert "'12,0x' is not a number" in bore.state.text()
    field.clear()
    qtbot.keyClicks(field, "1.2")  # a decimal point in the wrong place
    assert bore.tone == "warn" and "far outside" in bore.state.text()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert bore.save_anyway_button.isVisible() and bore.clear_button.isVisible() and bore.current is None
    qtbot.mouseClick(bore.clear_button, LEFT)
    assert field.text() == "" and field.hasFocus() and not bore.save_anyway_button.isVisible()

    # Tab over an empty field, Shift+Tab back; a value and Tab saves and moves on.
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    qtbot.waitUntil(length.entry.field.hasFocus)
    qtbot.keyClick(length.entry.field, Qt.Key.Key_Backtab)
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "12,004")
    assert bore.tone == "ok" and "in tolerance" in bore.state.text()
    enter(qtbot, page, field, Qt.Key.Key_Tab)
    qtbot.waitUntil(length.entry.field.hasFocus)
    qtbot.keyClick(length.entry.field, Qt.Key.Key_Down)
    qtbot.waitUntil(thread.entry.pass_button.hasFocus)

    # A failed thread takes a defect code; it is red and waits for a decision like a measured value.
    qtbot.keyClick(thread.entry.pass_button, Qt.Key.Key_F)
    assert thread.entry.defect.hasFocus() and thread.tone == "fail"
    qtbot.keyClicks(thread.entry.defect, "thread nogo")
    saved = enter(qtbot, page, thread.entry.defect)
    assert saved.measurement.defect_code == "THREAD-NOGO" and thread.needs_decision
    assert "Failed: THREAD-NOGO." in thread.state.text()


def test_a_colleagues_entry_in_between_is_said_and_never_overwritten(qtbot, page, shop):
    scan(qtbot, page, "VB-0001")
    form_id = page.answer.form.id
    bore = page.form.rows[0]
    other = open_record(shop.factory, shop.colleague, shop.body, PlanType.FINAL)
    assert other.id == form_id  # the colleague resumed the same unsigned record
    record_value(shop.factory, shop.colleague, form_id, bore.characteristic.id, TypedValue("12.010"),
                 version=other.version)

    qtbot.waitUntil(bore.entry.field.hasFocus)
    qtbot.keyClicks(bore.entry.field, "12.004")
    with qtbot.waitSignal(page.form_shown, timeout=WAIT):  # the form reloads
        qtbot.keyClick(bore.entry.field, Qt.Key.Key_Return)
    assert page.banner.text().startswith("Someone else changed the inspection record of VB-0001 since you "
                                         "opened it; nothing of yours was saved.")
    assert page.banner.objectName() == "errorLabel"
    assert page.form.rows[0].entry.field.text() == "12.010"
    assert [r[:2] for r in stored(shop.factory, form_id)] == [(BORE, 12.01)]


def test_an_item_with_several_plans_lists_them_and_enter_opens_one(qtbot, page, shop, qtmodeltester):
    first_article = PlanDefinition(BODY, "C", PlanType.FIRST_ARTICLE, None, (
        CharacteristicDefinition(LENGTH, CharacteristicKind.VARIABLE, Classification.MAJOR, 68.0, 67.95, 68.05,
                                 "mm", 2),), sample_size=3)
    create_plan(shop.factory, shop.engineer, first_article)
    scan(qtbot, page, "VB-0001", "plans")
    qtmodeltester.check(page.plans)
    kinds = [page.plans.index(row, 2).data() for row in range(page.plans.rowCount())]
    assert sorted(kinds) == ["Final inspection", "First-article inspection"]
    row = kinds.index("First-article inspection")
    page.plan_table.selectRow(row)
    with qtbot.waitSignal(page.form_shown, timeout=WAIT) as shown:
        qtbot.keyClick(page.plan_table, Qt.Key.Key_Return)
    assert shown.args == ["form"]
    assert [(r.characteristic.name, r.slot.index) for r in page.form.rows] == [(LENGTH, 0), (LENGTH, 1),
                                                                                (LENGTH, 2)]
    assert page.plans_button.isVisible()


def test_a_keyboard_wedge_gauge_types_into_the_field_and_a_label_still_opens_its_item(qtbot, page, shop):
    scan(qtbot, page, "VB-0001")
    bore = page.form.rows[0]
    qtbot.waitUntil(bore.entry.field.hasFocus)
    with qtbot.waitSignal(page.entry_saved, timeout=WAIT) as saved:
        page.accept_scan("12,004")  # what the wedge filter hands on for a gauge that types like a keyboard
    assert saved.args[0].measurement.value == 12.004 and bore.entry.field.text() == "12.004"
    first = page.answer.form.id
    with qtbot.waitSignal(page.form_shown, timeout=WAIT) as shown:
        page.accept_scan("VB-0002")
    assert shown.args == ["form"] and page.answer.form.item_code == "VB-0002" and page.answer.form.id != first


def test_a_colleague_reviews_the_signed_record(qtbot, shop, runner, settings):
    form = open_record(shop.factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(shop.factory, shop.inspector, form, GOOD)
    sign_record(shop.factory, shop.inspector, form.id, password=PASSWORD, version=version)
    page = InspectionPage(PageContext(shop.factory, shop.colleague, runner, settings))
    qtbot.addWidget(page)
    page.resize(1500, 950)
    page.show()
    with qtbot.waitSignal(page.form_shown, timeout=WAIT):
        page.open_record(form.id)
    assert page.sign_button.isVisible() and page.sign_button.text() == "Review …"
    assert all(r.entry.field.isReadOnly() for r in page.form.rows[:2])
    qtbot.mouseClick(page.sign_button, LEFT)
    dialog = page.sign_dialog
    assert dialog.meaning is Meaning.REVIEWED
    assert not next(b for b in dialog.meanings.buttons() if b.property("meaning") == "inspected").isEnabled()
    with qtbot.waitSignal(page.inspection_signed, timeout=WAIT) as signed:
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    answer = signed.args[0]
    assert [(s.meaning, s.user_id) for s in answer.form.signatures] == [
        (Meaning.INSPECTED, shop.inspector.user_id), (Meaning.REVIEWED, shop.colleague.user_id)]
    assert page.signoff.signatures.text().count("\n") == 1 and "Reviewed by Test Inspector" in \
        page.signoff.signatures.text()
    assert not page.sign_button.isVisible() and page.banner.text().startswith("Review signed")


def test_the_inspection_workspace_is_for_people_who_inspect():
    allowed = inspection_page.WORKSPACE.allowed
    assert all(allowed(Actor("x", role)) for role in (Role.INSPECTOR, Role.QUALITY_ENGINEER, Role.SUPERVISOR))
    assert not any(allowed(Actor("x", role)) for role in (Role.OPERATOR, Role.ADMIN)) and not allowed(SYSTEM)


def test_an_unknown_label_is_said_and_opens_nothing(qtbot, page, shop):
    scan(qtbot, page, "XX-NOTHING", "not_found")
    assert "Nothing is known as 'XX-NOTHING'" in page.message.title.text()
    with shop.factory() as session:
        assert session.scalar(select(func.count()).select_from(InspectionRecord)) == 0
