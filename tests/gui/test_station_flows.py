"""The Record steps mode's long steps and rework, driven as an operator drives them: a furnace load scanned
and started, then completed later from any of its items; an operation repeated as rework, refused for want
of a supervisor, a non-supervisor's credentials refused, a supervisor's accepted — the database read after
each, and every refusal shown to have written nothing."""

from __future__ import annotations

from datetime import UTC

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import AuditEvent, Item, StepParameter, StepRecord, StepResult
from app.services.demo import DEMO_PASSWORD
from app.services.station import ComponentScan, Reading, StepCompletion, StepStart, record_step, station_task
from tests.gui.station_bench import WAIT_MS, _inside, shoot
from tests.gui.station_bench import db_url, plant, shop, shop_template  # noqa: F401  (the shop, copied)
from tests.gui.test_station_page import bench, item_row, steps_of  # noqa: F401  (the bench fixtures)
from tests.station.conftest import snapshot


def done_at(factory, shop, body: str, station: str, equipment: str, components=()) -> None:  # noqa: F811
    """`body` through the operation due at `station`, recorded by the service with in-limit values."""
    task = station_task(factory, station, body)
    readings = tuple(Reading(spec.name, _inside(spec.lower_limit, spec.upper_limit), unit=spec.unit)
                     for spec in task.parameters)
    record_step(factory, shop.operator, StepStart(station=station, items=(body,), equipment=equipment),
                StepCompletion(components=tuple(ComponentScan(c) for c in components), parameters=readings))


def test_a_furnace_load_is_started_and_completed_later_from_any_of_its_items(
        bench, shop, factory):  # noqa: F811
    page, (first, second, _) = bench.page, shop.bodies
    for body in (first, second):
        done_at(factory, shop, body, "SAW-PC1", "SAW-01", [shop.bar])
        done_at(factory, shop, body, "TRN-PC1", "LTH-01")
    bench.at("HT-PC1")
    bench.scan(first, "task")
    assert page.start_button.isVisible()
    bench.scan(second, "batch")
    assert page.banner.title.text() == f"Serial {second} (VB-4711) added  ·  2 items in this load"
    bench.scan(second, "info")  # twice: still one load of two
    assert page.banner.title.text() == f"Serial {second} (VB-4711) is in this load already"
    assert [item.code for item in page.draft.items] == [first, second]
    bench.scan("START", "not_ready")  # the furnace first
    assert page.banner.tone == "warning" and "FRN-01" in page.banner.body.text()
    bench.scan("FRN-01", "equipment")
    bench.press(lambda: bench.qtbot.keyClick(page.scan_field, Qt.Key.Key_Return,
                                             Qt.KeyboardModifier.ControlModifier
                                             | Qt.KeyboardModifier.ShiftModifier), "started")
    assert page.banner.tone == "accepted" and page.banner.title.text().startswith("Started at ")
    assert "30 Heat treatment started for 2 items of VB-4711" in page.banner.body.text()
    assert page.item_card.moment.text() == "JUST STARTED" and page.item_card.route.phases()[2] == "here"
    shoot(page.window(), "station-started.png")
    started = [steps_of(factory, body)[-1][3] for body in (first, second)]
    assert {(s.result, s.completed_at, s.started_at) for s in started} == {
        (StepResult.IN_PROGRESS, None, started[0].started_at)}

    # Hours later, the load out of the furnace: the second body is scanned, the whole load is shown.
    bench.scan(second, "in_progress")
    since = started[0].started_at
    since = since if since.tzinfo else since.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    assert page.banner.title.text() == f"In progress since {since.astimezone():%H:%M}  ·  30 Heat treatment"
    assert page.banner.body.text().startswith(f"Serial {second} (VB-4711), started with 1 more item of its "
                                              "load on FRN-01.")
    assert not page.start_button.isVisible() and page.state == "parameters"
    bench.fill_parameters({"Furnace temperature": 1062, "Soak time": 30})
    shoot(page.window(), "station-in-progress.png")
    bench.scan("COMPLETE", "accepted")

    with factory() as session:
        steps = session.scalars(select(StepRecord).where(StepRecord.id.in_([s.id for s in started]))).all()
        assert {(s.result, s.completed_at is not None) for s in steps} == {(StepResult.PASS, True)}
        values = sorted((p.step_id, p.name, p.value) for p in session.scalars(
            select(StepParameter).where(StepParameter.step_id.in_([s.id for s in steps]))))
        assert [(name, value) for _, name, value in values if name == "Furnace temperature"] == [
            ("Furnace temperature", 1062.0)] * 2
        audit = session.scalars(select(AuditEvent).where(
            AuditEvent.table_name == "step_records", AuditEvent.row_id.in_([str(s.id) for s in steps]))).all()
        assert {a.user_id for a in audit} == {shop.operator.user_id} and len(audit) >= 4  # start, complete


def rework_refused(bench, shop, factory) -> dict:  # noqa: F811
    """The first body sawn; at the saw again, REWORK, the step scanned and refused: the snapshot after."""
    page, body = bench.page, shop.bodies[0]
    done_at(factory, shop, body, "SAW-PC1", "SAW-01", [shop.bar])
    bench.scan(body, "not_due")
    assert "scan REWORK or press Ctrl+R" in page.banner.body.text()
    assert page.steps_view.rework_button.isVisible()
    ctrl_r = Qt.KeyboardModifier.ControlModifier
    bench.press(lambda: bench.qtbot.keyClick(page.scan_field, Qt.Key.Key_R, ctrl_r), "task")
    assert page.banner.title.text() == f"Rework: 10 Saw bar stock again  ·  Serial {body} (VB-4711)"
    bench.scan("SAW-01", "equipment")
    bench.scan(shop.bar, "component")
    bench.fill_parameters()
    before = snapshot(factory)
    bench.scan("COMPLETE", "rejected")
    assert page.banner.title.text() == "Rework needs a supervisor"
    assert page.banner.body.text().startswith("Nothing was written.")
    assert page.steps_view.approval_button.isVisible() and snapshot(factory) == before
    shoot(page.window(), "station-rework-refused.png")
    return before


def approval_dialog(bench):  # noqa: F811
    page = bench.page
    bench.qtbot.keyClick(page.scan_field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    dialog = page.flow.rework.dialog
    assert dialog is not None and dialog.isVisible()
    bench.qtbot.waitUntil(dialog.username.hasFocus, timeout=WAIT_MS)  # once the window manager activates it
    return dialog


def sign_in(bench, dialog, username: str, password: str) -> None:  # noqa: F811
    dialog.username.clear()
    bench.qtbot.keyClicks(dialog.username, username)
    bench.qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    assert dialog.password.hasFocus()
    bench.qtbot.keyClicks(dialog.password, password)


def test_a_rework_loop_with_a_non_supervisors_credentials_is_refused_and_writes_nothing(
        bench, shop, factory):  # noqa: F811
    before = rework_refused(bench, shop, factory)
    dialog = approval_dialog(bench)
    sign_in(bench, dialog, "insp.novak", DEMO_PASSWORD)
    with bench.qtbot.waitSignal(dialog.approval_refused, timeout=WAIT_MS) as refused:
        bench.qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "may not approve rework: only a supervisor can" in refused.args[0]
    shoot(dialog, "station-rework-dialog.png")
    assert dialog.error.isVisible() and dialog.isVisible() and dialog.password.text() == ""
    after = snapshot(factory)
    # The sign-in itself is audited (on the users table); nothing of the step is written.
    assert {**after, "audit_events": 0} == {**before, "audit_events": 0}
    with factory() as session:
        newest = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())
                                 .limit(after["audit_events"] - before["audit_events"])).all()
        assert {event.table_name for event in newest} <= {"users"}
    assert bench.page.flow.rework.approver is None
    dialog.reject()
    assert len(steps_of(factory, shop.bodies[0])) == 1


def test_a_rework_loop_approved_by_a_supervisor_is_recorded_with_their_name(
        bench, shop, factory):  # noqa: F811
    page, body = bench.page, shop.bodies[0]
    rework_refused(bench, shop, factory)
    dialog = approval_dialog(bench)
    sign_in(bench, dialog, "sup.wagner", DEMO_PASSWORD)
    with bench.qtbot.waitSignal(page.result_shown, timeout=WAIT_MS) as shown:
        bench.qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert shown.args == ["accepted"], bench.said()
    assert page.flow.rework.dialog is None and not page.steps_view.approval_button.isVisible()

    steps = steps_of(factory, body)
    assert [(seq, station, result.result) for seq, station, _, result in steps] == [
        (10, "SAW-PC1", StepResult.PASS), (10, "SAW-PC1", StepResult.PASS)]
    again = steps[1][3]
    assert again.operator_id == shop.operator.user_id and again.notes == "Rework approved by Petra Wagner"
    assert item_row(factory, shop.bar).quantity == pytest.approx(6.0 - 0.24)
    with factory() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.table_name == "step_records",
                                                         AuditEvent.row_id == str(again.id))).all()
        assert audit and {a.user_id for a in audit} == {shop.operator.user_id}
        assert session.scalars(select(Item).where(Item.code == body)).one() is not None
