"""The Station page driven as an operator drives it: barcodes from a scanner on a real pty (through the
device reader thread and the main window), parameters typed with the keyboard or read from a sensor,
Complete by scan, Ctrl+Enter or click — then the database is read to see what the step wrote. Every
refusal shows red and is shown, by counting rows, to have written nothing."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.devices.simulators import Simulator
from app.models import (
    AuditEvent,
    Equipment,
    GenealogyLink,
    Item,
    ItemStatus,
    Operation,
    ParameterSource,
    Station,
    StepParameter,
    StepRecord,
    StepResult,
)
from app.services.station import ComponentScan, StepCompletion, StepStart, record_step
from app.ui.application import start_station_devices
from app.ui.device_settings import DeviceConfig, save_devices
from app.ui.main_window import MainWindow
from app.ui.station_page import StationPage
from app.ui.workspaces import PageContext
from tests.gui.station_bench import (
    FAST,
    SCANNER,
    SPINDLE_TOPIC,
    WAIT_MS,
    Bench,
    Shop,
    put_on_hold,
    screenshots_wanted,
    set_calibration,
)
from tests.gui.station_bench import db_url, plant, shop, shop_template  # noqa: F401  (the shop, copied)
from tests.station.conftest import snapshot


@pytest.fixture
def bench(qtbot, qapp, factory, shop, runner, settings) -> Iterator[Bench]:
    """Jonas Schmidt's main window on a bench whose scanner is a simulator on a pty. The keyboard-wedge
    filter is off: qtbot types faster than any person, and these keys are a person's."""
    styled = screenshots_wanted(qapp)
    scanner = Simulator(SCANNER, []).start()
    save_devices(settings, [DeviceConfig("scanner", "scanner-cr", scanner.path)])
    settings.set("devices.wedge_enabled", False)
    settings.set("station.name", "SAW-PC1")
    # Sensor values come from the test (`set_sensor_value`), never from demo simulators someone runs on the
    # shared broker: its demo topics would overwrite the values a test typed. A port nobody listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.set("sensors.mqtt_url", f"mqtt://127.0.0.1:{probe.getsockname()[1]}")
    window = MainWindow(PageContext(factory, shop.operator, runner, settings), database="test",
                        station="SAW-PC1")
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    start_station_devices(qapp, settings, window, backoff=FAST)
    page = window.show_workspace("station")
    assert isinstance(page, StationPage)
    qtbot.waitUntil(lambda: window.devices.state_of("scanner")[0] == "connected", timeout=WAIT_MS)
    # On the offscreen platform the window loses activation while the devices start; the keyboard
    # (and so the focus these tests check) needs it back.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    bench = Bench(qtbot, window, page, scanner)
    bench.at("SAW-PC1")
    yield bench
    window.quit()
    scanner.stop()
    if styled:
        qapp.setStyleSheet("")


def steps_of(factory, code: str) -> list[tuple[int, str, str | None, StepRecord]]:
    """(operation, station, equipment, step) of every step of an item, in the order they were done."""
    with factory() as session:
        item = session.scalars(select(Item).where(Item.code == code)).one()
        rows = session.scalars(select(StepRecord).where(StepRecord.item_id == item.id)
                               .order_by(StepRecord.started_at)).all()
        return [(session.get_one(Operation, r.operation_id).seq, session.get_one(Station, r.station_id).name,
                 session.get_one(Equipment, r.equipment_id).code if r.equipment_id else None, r)
                for r in rows]


def item_row(factory, code: str) -> Item:
    with factory() as session:
        return session.scalars(select(Item).where(Item.code == code)).one()


# -- the whole route -----------------------------------------------------------------------------------------


def test_a_body_goes_through_its_whole_route_scanned_at_each_station(qtbot, bench, shop, factory):
    page, body = bench.page, shop.bodies[0]
    assert page.state == "waiting" and page.state_line.text.text() == "Waiting for scan"

    # Saw: part, machine, bar — all from the scanner, COMPLETE too.
    bench.scan(body, "task")
    assert page.item_card.code.text() == body and page.item_card.badge.status is ItemStatus.IN_PROCESS
    assert page.item_card.route.phases() == ["here", "todo", "todo", "todo", "todo"]
    assert page.state == "equipment" and page.state_line.text.text() == "Scan the equipment"
    bench.scan("SAW-01", "equipment")
    assert page.state == "components" and page.state_line.text.text() == "Scan components"
    bench.scan(shop.bar, "component")
    assert page.component_list.texts() == ["RB-14404-040   0.12 m", f"Lot {shop.bar}"]
    assert page.component_list.rows[1].note.text() == "uses 0.12 m"
    bench.fill_parameters()
    assert page.state == "ready" and page.state_line.text.text() == "Ready to complete"
    bench.scan("COMPLETE", "accepted")
    assert page.banner.tone == "accepted" and page.banner.title.text() == "Recorded"
    assert "10 Saw bar stock recorded for Serial" in page.banner.body.text()
    assert page.state == "waiting" and page.recent.rowCount() == 1

    # Turning: the spindle speed comes from the lathe's sensor, the coolant concentration is typed;
    # Ctrl+Enter completes.
    bench.at("TRN-PC1")
    assert page.recent.rowCount() == 0, "another station's recent steps are not this one's"
    bench.scan(body, "task")
    assert page.item_card.route.phases() == ["passed", "here", "todo", "todo", "todo"]
    bench.scan("LTH-01", "equipment")
    assert page.state == "parameters" and page.state_line.text.text() == "Enter parameters"
    concentration = page.parameter_form.fields["Coolant concentration"]
    assert concentration.hasFocus(), QApplication.focusWidget()
    spindle = next(p.spec for p in page.draft.parameters if p.spec.name == "Spindle speed")
    assert spindle.sensor == f"mqtt:{SPINDLE_TOPIC}"
    assert page.set_sensor_value(spindle.sensor, 1602.0, "rpm", datetime.now(UTC))
    assert page.parameter_form.fields["Spindle speed"].text() == "1602"
    assert page.parameter_form.sources["Spindle speed"].text().startswith("sensor")
    bench.qtbot.keyClicks(concentration, "7,2")  # a decimal comma, as on a German keyboard
    bench.qtbot.keyClick(concentration, Qt.Key.Key_Return)
    assert page.parameter_form.sources["Coolant concentration"].text() == "typed"
    bench.fill_parameters()
    assert page.state == "ready"
    bench.ctrl_enter("accepted")

    # Heat treatment: a click on Complete.
    bench.at("HT-PC1")
    bench.scan(body, "task")
    bench.scan("FRN-01", "equipment")
    bench.fill_parameters({"Furnace temperature": 1061.5, "Soak time": 31})
    bench.press(lambda: qtbot.mouseClick(page.complete_button, Qt.MouseButton.LeftButton), "accepted")

    bench.at("GRD-PC1")
    bench.scan(body, "task")
    bench.scan("GRD-01", "equipment")
    bench.fill_parameters()
    bench.scan("COMPLETE", "accepted")

    # Final inspection: the overdue caliper first (red, nothing written), then the roughness tester.
    bench.at("QL-PC1")
    bench.scan(body, "task")
    before = snapshot(factory)
    bench.scan("CAL-03", "rejected")
    assert "was due for calibration on" in page.banner.body.text()
    assert snapshot(factory) == before
    bench.scan("RGH-01", "equipment")
    bench.fill_parameters()
    bench.scan("COMPLETE", "accepted")
    assert page.item_card.badge.status is ItemStatus.RELEASED, "the last operation releases it"
    assert page.item_card.route.phases() == ["passed"] * 5

    # What the database says now.
    steps = steps_of(factory, body)
    assert [(seq, station, equipment) for seq, station, equipment, _ in steps] == [
        (10, "SAW-PC1", "SAW-01"), (20, "TRN-PC1", "LTH-01"), (30, "HT-PC1", "FRN-01"),
        (40, "GRD-PC1", "GRD-01"), (50, "QL-PC1", "RGH-01")]
    assert all(s.result is StepResult.PASS and s.operator_id == shop.operator.user_id and s.completed_at
               for *_, s in steps)
    assert item_row(factory, body).status is ItemStatus.RELEASED
    bar = item_row(factory, shop.bar)
    assert bar.quantity == pytest.approx(6.0 - 0.12)
    saw_step, turning_step, furnace_step = steps[0][3], steps[1][3], steps[2][3]
    with factory() as session:
        links = session.scalars(select(GenealogyLink).where(GenealogyLink.parent_item_id == bar.id)).all()
        assert [(link.child_item_id, link.step_id, link.quantity) for link in links] == [
            (item_row(factory, body).id, saw_step.id, pytest.approx(0.12))]
        readings = {p.name: p for p in session.scalars(select(StepParameter).where(
            StepParameter.step_id.in_([turning_step.id, furnace_step.id])))}
        assert readings["Spindle speed"].value == 1602.0 and readings["Spindle speed"].source is \
            ParameterSource.SENSOR and readings["Spindle speed"].unit == "rpm"
        assert readings["Coolant concentration"].value == 7.2
        assert readings["Coolant concentration"].source is ParameterSource.MANUAL
        assert readings["Furnace temperature"].value == 1061.5 and readings["Soak time"].value == 31
        audited = session.scalars(select(AuditEvent).where(
            AuditEvent.table_name == "step_records",
            AuditEvent.row_id.in_([str(s.id) for *_, s in steps]))).all()
        assert {a.row_id for a in audited} == {str(s.id) for *_, s in steps}
        assert {a.user_id for a in audited} == {shop.operator.user_id}


# -- refusals: red, what to do, nothing written --------------------------------------------------------------


def test_an_unknown_scan_is_red_and_writes_nothing(bench, factory):
    before = snapshot(factory)
    bench.scan("XX-NOT-A-PART", "rejected")
    assert bench.page.banner.tone == "rejected" and bench.page.banner.title.text() == "Scan refused"
    assert "Nothing is known as 'XX-NOT-A-PART'" in bench.page.banner.body.text()
    assert bench.page.state == "waiting"
    assert snapshot(factory) == before


def test_the_wrong_part_is_refused_and_the_rest_of_the_scan_is_kept(bench, shop, factory):
    page = bench.page
    bench.scan(shop.bodies[0], "task")
    bench.scan("SAW-01", "equipment")
    before = snapshot(factory)
    bench.scan(shop.seals, "rejected")
    body = page.banner.body.text()
    assert f"Lot {shop.seals} (ORK-4711) is not a component of 10 Saw bar stock of VB-4711: it takes " \
           "RB-14404-040" in body and "scan CANCEL first" in body
    assert page.state == "components" and page.draft.equipment.code == "SAW-01"
    assert snapshot(factory) == before
    # The operator fixes the one wrong thing: the right lot, and the step goes in.
    bench.scan(shop.bar, "component")
    bench.scan("COMPLETE", "accepted")
    assert [seq for seq, *_ in steps_of(factory, shop.bodies[0])] == [10]


def test_a_lot_on_hold_is_refused_as_a_component_and_as_the_part_worked_on(bench, shop, factory):
    page = bench.page
    bench.scan(shop.bodies[0], "task")
    bench.scan("SAW-01", "equipment")
    before = snapshot(factory)
    bench.scan(shop.held_bar, "rejected")
    assert f"Lot {shop.held_bar} (RB-14404-040) is on hold (NCR-T-0001): it cannot be consumed" in \
        page.banner.body.text()
    assert page.draft.components == [] and page.state == "components"
    assert snapshot(factory) == before

    bench.scan("CANCEL", "cleared")
    put_on_hold(factory, shop.bodies[2], shop.inspector, "NCR-T-0002")
    before = snapshot(factory)
    bench.scan(shop.bodies[2], "not_due")
    assert page.banner.tone == "rejected"
    assert f"Serial {shop.bodies[2]} (VB-4711) is on hold (NCR-T-0002): it cannot be worked on" in \
        page.banner.body.text()
    assert page.item_card.badge.status is ItemStatus.ON_HOLD
    assert page.item_card.route.phases() == ["blocked", "todo", "todo", "todo", "todo"]
    bench.scan("COMPLETE", "not_ready")
    assert snapshot(factory) == before


def test_equipment_overdue_for_calibration_is_refused_at_the_scan_and_at_complete(bench, shop, factory):
    page = bench.page
    set_calibration(factory, "SAW-01", date.today() - timedelta(days=2))
    bench.scan(shop.bodies[0], "task")
    overdue = next(row for row in page.equipment_list.rows if row.main.text() == "SAW-01")
    assert overdue.mark == "bad" and "calibration overdue since" in overdue.note.text()
    before = snapshot(factory)
    bench.scan("SAW-01", "rejected")
    assert "Equipment SAW-01 (Kasto bandsaw KASTOtec A 4) was due for calibration on" in \
        page.banner.body.text()
    assert snapshot(factory) == before

    # Back from the lab; scanned; then it lapses again before Complete: the service refuses, all is kept.
    set_calibration(factory, "SAW-01", date.today() + timedelta(days=30))
    bench.scan("SAW-01", "equipment")
    bench.scan(shop.bar, "component")
    set_calibration(factory, "SAW-01", date.today() - timedelta(days=1))
    before = snapshot(factory)
    bench.scan("COMPLETE", "rejected")
    assert page.banner.title.text() == "Not recorded — nothing was written"
    assert "was due for calibration on" in page.banner.body.text()
    assert snapshot(factory) == before
    assert page.draft.equipment.code == "SAW-01" and [c.code for c in page.draft.components] == [shop.bar]
    set_calibration(factory, "SAW-01", date.today() + timedelta(days=30))
    bench.scan("COMPLETE", "accepted")


def test_an_operation_out_of_route_order_is_refused(bench, shop, factory):
    page = bench.page
    bench.at("TRN-PC1")
    before = snapshot(factory)
    bench.scan(shop.bodies[0], "not_due")
    assert page.banner.tone == "rejected"
    assert "Next on its route is 10 Saw bar stock at Saw: take it there." in page.banner.body.text()
    assert page.item_card.route.phases() == ["elsewhere", "todo", "todo", "todo", "todo"]
    assert page.state == "waiting" and not page.equipment_list.isVisible()
    bench.scan("LTH-01", "equipment")  # the machine may be scanned; the step still cannot be recorded
    bench.scan("COMPLETE", "not_ready")
    assert snapshot(factory) == before


def test_a_step_another_bench_recorded_meanwhile_is_refused_at_complete(bench, shop, factory):
    """Two benches, one body: ours has it scanned when the other saws it. Ours would repeat the
    operation, which is rework for a supervisor: refused, nothing written, the scans kept."""
    page, body = bench.page, shop.bodies[0]
    bench.scan(body, "task")
    bench.scan("SAW-01", "equipment")
    bench.scan(shop.bar, "component")
    record_step(factory, shop.operator, StepStart(station="SAW-PC1", items=(body,), equipment="SAW-01"),
                StepCompletion(components=(ComponentScan(shop.bar),)))
    before = snapshot(factory)
    bench.scan("COMPLETE", "rejected")
    assert f"Serial {body} (VB-4711) has already passed 10 Saw bar stock" in page.banner.body.text()
    assert "ask a supervisor" in page.banner.body.text()
    assert snapshot(factory) == before and page.state == "ready"


def turning(bench: Bench, shop: Shop) -> None:
    """The first body sawn, and on the lathe with the machine scanned."""
    body = shop.bodies[0]
    bench.scan(body, "task")
    bench.scan("SAW-01", "equipment")
    bench.scan(shop.bar, "component")
    bench.scan("COMPLETE", "accepted")
    bench.at("TRN-PC1")
    bench.scan(body, "task")
    bench.scan("LTH-01", "equipment")


def test_a_blocking_parameter_out_of_limits_is_marked_and_refused(bench, shop, factory):
    page = bench.page
    turning(bench, shop)
    bench.fill_parameters({"Coolant concentration": 7})
    field = page.parameter_form.fields["Coolant concentration"]
    field.selectAll()
    bench.qtbot.keyClicks(field, "11.5")
    assert field.property("state") == "bad"
    assert page.parameter_form.sources["Coolant concentration"].text() == "outside 5 – 9 %"
    before = snapshot(factory)
    bench.ctrl_enter("rejected")
    assert page.banner.title.text() == "Not recorded — nothing was written"
    assert "Coolant concentration 11.5 % is outside its limits (5 – 9 %)" in page.banner.body.text()
    assert snapshot(factory) == before
    # Corrected: recorded.
    field.selectAll()
    bench.qtbot.keyClicks(field, "8")
    bench.ctrl_enter("accepted")


def test_a_flag_parameter_out_of_limits_is_recorded_and_flagged(bench, shop, factory):
    page = bench.page
    turning(bench, shop)
    bench.fill_parameters({"Feed": 0.17})
    assert page.state == "ready"
    assert "will be flagged" in page.parameter_form.sources["Feed"].text()
    bench.scan("COMPLETE", "accepted")
    assert page.banner.title.text() == "Recorded — values flagged for quality"
    assert "Feed" in page.banner.body.text()
    turning_step = steps_of(factory, shop.bodies[0])[1][3]
    with factory() as session:
        feed = session.scalars(select(StepParameter).where(StepParameter.step_id == turning_step.id,
                                                           StepParameter.name == "Feed")).one()
    assert feed.value == 0.17 and feed.out_of_limits


# -- the flow ------------------------------------------------------------------------------------------------


def test_complete_before_everything_is_scanned_says_what_is_missing(bench, shop, factory):
    page = bench.page
    bench.scan("COMPLETE", "not_ready")
    assert page.banner.tone == "warning" and page.banner.title.text() == "Nothing to complete"
    bench.scan(shop.bodies[0], "task")
    bench.scan("COMPLETE", "not_ready")
    assert page.banner.title.text() == "Not ready to complete"
    assert "Scan the equipment (SAW-01)." in page.banner.body.text()
    assert "Scan 0.12 m of RB-14404-040" in page.banner.body.text()
    chips = {key: chip.property("phase") for key, chip in page.state_line.chips.items()}
    assert chips == {"part": "done", "equipment": "current", "components": "todo", "parameters": "skipped",
                     "complete": "todo"}


def test_cancel_and_start_over_forget_the_scans(bench, shop):
    page = bench.page
    bench.scan(shop.bodies[0], "task")
    bench.scan("SAW-01", "equipment")
    bench.scan("cancel", "cleared")  # command barcodes in any case
    assert page.draft.task is None and page.draft.equipment is None and page.state == "waiting"
    assert page.item_card.code.text() == "No part scanned"
    bench.scan(shop.bodies[0], "task")
    bench.press(lambda: bench.qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton), "cleared")
    assert page.draft.task is None
    bench.scan("RESET", "cleared")


def test_scans_sent_in_one_burst_are_handled_in_order(bench, shop, factory):
    """A quick operator: the part, the machine, the bar and COMPLETE before the first answer is back."""
    page = bench.page
    with bench.qtbot.waitSignal(page.step_recorded, timeout=WAIT_MS) as recorded:
        for text in (shop.bodies[1], "SAW-01", shop.bar, "COMPLETE"):
            bench.scanner.send(f"]C0{text}")
    assert recorded.args[0].items[0].code == shop.bodies[1]
    done = [(seq, equipment) for seq, _, equipment, _ in steps_of(factory, shop.bodies[1])]
    assert done == [(10, "SAW-01")]


def test_the_machine_stays_scanned_for_the_next_part(bench, shop, factory):
    page = bench.page
    for n, body in enumerate(shop.bodies[:2]):
        bench.scan(body, "task")
        if n == 0:
            bench.scan("SAW-01", "equipment")
        assert page.state == "components", "the saw scanned for the first body counts for the second"
        bench.scan(shop.bar, "component")
        bench.scan("COMPLETE", "accepted")
    assert page.recent.rowCount() == 2
    assert [page.recent.index(row, 1).data() for row in range(2)] == [shop.bodies[1], shop.bodies[0]]
    assert item_row(factory, shop.bar).quantity == pytest.approx(6.0 - 0.24)


def test_a_sensor_reading_before_the_part_fills_its_parameter(bench, shop, factory):
    page, body = bench.page, shop.bodies[0]
    bench.scan(body, "task")
    bench.scan("SAW-01", "equipment")
    bench.scan(shop.bar, "component")
    bench.scan("COMPLETE", "accepted")
    bench.at("TRN-PC1")
    spindle_ref = f"mqtt:{SPINDLE_TOPIC}"
    assert not page.set_sensor_value(spindle_ref, 1598.0, "rpm", datetime.now(UTC))  # nothing to fill yet
    bench.scan(body, "task")
    entry = next(p for p in page.draft.parameters if p.spec.name == "Spindle speed")
    assert entry.spec.sensor == spindle_ref, "the source reference the sensor adapter sends"
    assert entry.value == 1598.0 and entry.source is ParameterSource.SENSOR
    assert page.parameter_form.sources["Spindle speed"].text().startswith("sensor")


def test_the_busy_bar_shows_while_the_database_is_slow(bench, shop):
    page = bench.page
    page.context.runner.run(time.sleep, 0.6)  # the one database worker is busy elsewhere
    with bench.qtbot.waitSignal(page.result_shown, timeout=WAIT_MS):
        bench.scanner.send(f"]C0{shop.bodies[0]}")
        bench.qtbot.waitUntil(page.busy_bar.isVisible, timeout=WAIT_MS)
        assert page.busy_label.text() == "Looking up …" and not page.complete_button.isEnabled()
    assert not page.busy_bar.isVisible() and page.complete_button.isEnabled()


def test_the_recent_steps_model_passes_the_model_tester(qtmodeltester, bench, shop):
    bench.scan(shop.bodies[0], "task")
    bench.scan("SAW-01", "equipment")
    bench.scan(shop.bar, "component")
    bench.scan("COMPLETE", "accepted")
    qtmodeltester.check(bench.page.recent)


# -- goods in and shipping ---------------------------------------------------------------------------------


def test_goods_in_receives_a_delivery_into_quarantine(bench, shop, factory):
    page, qtbot = bench.page, bench.qtbot
    qtbot.keyClick(page.scan_field, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    form = page.goods_in
    assert page.mode_stack.currentWidget() is form and form.fields["part_number"].hasFocus()

    def typed(text: str) -> None:
        qtbot.keyClicks(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    typed("RB-14404-040")
    typed("NOPE")
    bench.scanner.send("]C0EMS-T-99812")  # the supplier's label, into the field being filled
    qtbot.waitUntil(lambda: form.fields["supplier_lot"].text() == "EMS-T-99812", timeout=WAIT_MS)
    assert form.fields["heat_number"].hasFocus()
    typed("H-GI-4471")
    typed("3.1-EMS-GI-4471")
    typed("12,5")
    before = snapshot(factory)
    bench.scanner.send("]C0COMPLETE")
    qtbot.waitUntil(lambda: form.banner.tone == "rejected", timeout=WAIT_MS)
    assert "There is no supplier with the code 'NOPE'" in form.banner.body.text()
    assert snapshot(factory) == before and form.fields["heat_number"].text() == "H-GI-4471"

    form.fields["supplier"].setFocus()
    form.fields["supplier"].selectAll()
    typed("EMS")
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.banner.tone == "accepted", timeout=WAIT_MS)
    lot = form.received.record(0)
    assert form.banner.title.text() == f"Received: lot {lot.code}"
    with factory() as session:
        row = session.scalars(select(Item).where(Item.code == lot.code)).one()
        assert (row.supplier_lot, row.heat_number, row.material_cert_ref, row.quantity, row.status) == (
            "EMS-T-99812", "H-GI-4471", "3.1-EMS-GI-4471", 12.5, ItemStatus.QUARANTINED)
        audit = session.scalars(select(AuditEvent).where(AuditEvent.table_name == "items",
                                                         AuditEvent.row_id == str(row.id))).all()
        assert [a.user_id for a in audit] == [shop.operator.user_id]
    assert form.fields["supplier_lot"].text() == "" and form.fields["supplier"].text() == "EMS"


def test_shipping_packs_the_scanned_lots_against_the_customer_order(bench, shop, plant, factory):
    page, qtbot = bench.page, bench.qtbot
    qtbot.keyClick(page.scan_field, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    form = page.shipping
    order = plant.examples["customer_order"]

    def scanned(text: str, tone: str) -> None:
        with qtbot.waitSignal(form.queue.busy_changed, check_params_cb=lambda busy: not busy,
                              timeout=WAIT_MS):
            bench.scanner.send(f"]C0{text}")
        assert form.banner.tone == tone, form.banner.body.text()

    scanned("SO-NOT-THERE", "rejected")
    assert "There is no customer order SO-NOT-THERE" in form.banner.body.text() and form.order is None
    scanned(order, "info")
    assert form.order == order and form.customer
    before = snapshot(factory)
    scanned(shop.held_bar, "rejected")
    assert "is on hold (NCR-T-0001): it cannot be shipped" in form.banner.body.text()
    assert snapshot(factory) == before
    scanned(shop.seals, "info")
    assert form.codes == [shop.seals]
    scanned("COMPLETE", "accepted")
    assert form.banner.title.text().startswith("Shipped: DN-")
    assert item_row(factory, shop.seals).status is ItemStatus.SHIPPED
    assert form.order is None and form.codes == []
