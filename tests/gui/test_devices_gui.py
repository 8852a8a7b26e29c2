"""Devices in the GUI with real pty simulators feeding real reader threads: signals on the GUI thread, the
Devices page's live test and saved configuration, the status bar through unplug and re-plug, scans routed
to the Lookup page, and the keyboard-wedge filter telling a scanner's burst from a person's typing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from serial.tools.list_ports_common import ListPortInfo

from app.devices.events import DeviceState
from app.devices.profiles import BUILT_IN
from app.devices.reader import Backoff
from app.devices.wedge import WedgeTiming
from app.models import Role
from app.services.permissions import Actor
from app.ui import devices_page
from app.ui.application import start_station_devices
from app.ui.device_adapter import DeviceAdapter, StationDevices
from app.ui.device_settings import DeviceConfig, load_devices, save_devices
from app.ui.devices_page import DevicesPage
from app.ui.lookup_page import LookupPage
from app.ui.main_window import MainWindow
from app.ui.palette import FILL_BAD, GOOD
from app.ui.record_table_model import RecordRole
from app.ui.wedge_filter import WedgeFilter
from app.ui.workspaces import PageContext

FAST = Backoff(initial=0.01, cap=0.05)  # reconnect quickly: tests wait on signals, never on the clock
SCANNER = BUILT_IN["scanner-cr"]
WAIT_MS = 10_000


@pytest.fixture
def light_context(runner, settings) -> PageContext:
    """The Devices page needs no database: the user and the background helper are enough."""
    return PageContext(None, Actor("ada", Role.ADMIN, full_name="Ada Admin"), runner, settings)  # type: ignore[arg-type]


def column(model, header: str) -> list[str]:
    index = [c.header for c in model.columns].index(header)
    return [model.index(row, index).data() for row in range(model.rowCount())]


# -- the adapter ----------------------------------------------------------------------------------------------


def test_scans_arrive_as_signals_on_the_gui_thread_in_order(qtbot, simulator):
    sim = simulator()
    adapter = DeviceAdapter("bench-scanner", SCANNER.on_port(sim.path), backoff=FAST)
    got: list[tuple[str, bool]] = []
    states: list[str] = []
    adapter.scan_received.connect(lambda e: got.append((e.reading.data, threading.current_thread()
                                                        is threading.main_thread())))
    adapter.device_rejected.connect(lambda e: got.append((e.reading.reason, False)))
    adapter.state_changed.connect(lambda state, detail: states.append(state))
    try:
        with qtbot.waitSignal(adapter.state_changed, check_params_cb=lambda s, d: s == "connected",
                              timeout=WAIT_MS):
            adapter.start()
        assert adapter.state == DeviceState.CONNECTED and adapter.detail == sim.path
        for spec in ("]C0WO-10233", "]d201095011010209181726123110ABCD1234", "]C0WO-10234"):
            sim.send(spec)
        qtbot.waitUntil(lambda: len(got) == 3, timeout=WAIT_MS)
    finally:
        with qtbot.waitSignal(adapter.stopped, timeout=WAIT_MS):
            adapter.stop()
    assert got[0] == ("WO-10233", True) and got[2] == ("WO-10234", True)
    assert "check digit" in got[1][0]
    assert states[:2] == ["connecting", "connected"] and states[-1] == "disconnected"
    assert adapter.wait(0) and not adapter.running


def test_a_stopping_adapter_started_again_waits_for_its_port(qtbot, simulator):
    sim = simulator()
    adapter = DeviceAdapter("bench", SCANNER.on_port(sim.path), backoff=FAST)
    faults: list[str] = []
    adapter.device_failed.connect(lambda e: faults.append(e.reading.message))
    adapter.start()
    qtbot.waitUntil(lambda: adapter.state == DeviceState.CONNECTED, timeout=WAIT_MS)
    adapter.stop()
    adapter.start()  # a second reader must not find the port still held by the first
    with qtbot.waitSignal(adapter.state_changed, check_params_cb=lambda s, d: s == "connected",
                          timeout=WAIT_MS):
        pass
    adapter.close()
    assert faults == [] and adapter.wait(0)


# -- the Devices page -----------------------------------------------------------------------------------------


@pytest.fixture
def page(qtbot, light_context, monkeypatch) -> Iterator[DevicesPage]:
    acm = ListPortInfo("/dev/ttyACM0", skip_link_detection=True)
    acm.vid, acm.pid, acm.serial_number, acm.description = 0x0C2E, 0x0B61, "17011B2A33", "Honeywell 1950g"
    monkeypatch.setattr(devices_page, "available_ports", lambda: [acm])
    page = DevicesPage(light_context)
    page.test_backoff = FAST
    qtbot.addWidget(page)
    page.resize(1500, 950)
    page.show()
    page.activated()
    yield page
    page.close_test()


def add_device(qtbot, page: DevicesPage, name: str, port: str, profile: str) -> None:
    form = page.form
    form.name.clear()
    qtbot.keyClicks(form.name, name)
    form.port.setEditText(port)
    form.profile.setCurrentIndex(form.profile.findData(profile))
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)


def test_the_page_is_for_admins_and_supervisors():
    allowed = devices_page.WORKSPACE.allowed
    assert allowed(Actor("a", Role.ADMIN)) and allowed(Actor("s", Role.SUPERVISOR))
    assert not any(allowed(Actor("x", role)) for role in (Role.OPERATOR, Role.INSPECTOR,
                                                           Role.QUALITY_ENGINEER))


def test_serial_ports_are_listed_in_the_background_and_refreshed(qtbot, page, monkeypatch):
    qtbot.waitUntil(lambda: page.ports.rowCount() == 1, timeout=WAIT_MS)
    assert column(page.ports, "Port") == ["/dev/ttyACM0"]
    assert column(page.ports, "vid:pid") == ["0C2E:0B61"]
    assert column(page.ports, "Serial no.") == ["17011B2A33"]
    assert column(page.ports, "Description") == ["Honeywell 1950g"]
    # Picked from the list, a USB port is stored by its ids: it is found again in any socket.
    page.form.port.setCurrentIndex(0)
    assert page.form.follow_usb.isChecked()
    assert page.form.config().port == {"vid": "0C2E", "pid": "0B61", "serial_number": "17011B2A33"}

    monkeypatch.setattr(devices_page, "available_ports", list)
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.ports.rowCount() == 0, timeout=WAIT_MS)


def test_add_test_and_save_a_simulated_scanner(qtbot, page, simulator, settings):
    sim = simulator()
    add_device(qtbot, page, "bench scanner", sim.path, "scanner-cr")
    assert column(page.devices, "Device") == ["bench scanner"]
    assert column(page.devices, "State") == ["not running"]
    assert page.save_button.isEnabled() and page.dirty_label.isVisibleTo(page)

    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert page.test_button.text() == "■  Stop test"
    qtbot.waitUntil(lambda: column(page.devices, "State") == ["connected"], timeout=WAIT_MS)
    sim.send("]d201095011010209171726123110ABCD1234\\x1d2112345")
    sim.send("]C0WO-10233")
    sim.send("]C10109501101020918")  # a wrong check digit
    qtbot.waitUntil(lambda: column(page.events, "Kind")[:3] == ["Rejected", "Scan", "Scan"], timeout=WAIT_MS)
    decoded = column(page.events, "Decoded")
    assert decoded[1] == "]C0  WO-10233"
    assert decoded[2] == "]d2  (01) 09501101020917  (17) 2026-12-31  (10) ABCD1234  (21) 12345"
    assert "check digit" in decoded[0]
    assert column(page.events, "Device")[0] == "bench scanner"
    assert column(page.events, "Raw bytes (hex)")[1] == "5D 43 30 57 4F 2D 31 30 32 33 33 0D"
    rejected = page.events.index(0, 3)
    assert rejected.data(Qt.ItemDataRole.BackgroundRole) == FILL_BAD
    assert page.events.index(0, 0).data(RecordRole).is_problem

    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column(page.devices, "State") == ["not running"] or
                    page.devices.record(0).state == "disconnected", timeout=WAIT_MS)
    assert page.test_button.text() == "▶  Test devices"
    assert load_devices(settings) == []  # a test saves nothing
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert load_devices(settings) == [DeviceConfig("bench scanner", "scanner-cr", sim.path)]
    assert not page.save_button.isEnabled() and not page.dirty_label.isVisibleTo(page)
    assert "Saved: 1 device" in page.feedback.text()


def test_mistakes_are_sentences_and_nothing_is_added(qtbot, page):
    add_device(qtbot, page, "scanner", "", "scanner-cr")
    assert page.devices.rowCount() == 0 and "has no port" in page.feedback.text()
    add_device(qtbot, page, "scanner", "/dev/ttyUSB7", "scanner-cr")
    add_device(qtbot, page, "scanner", "/dev/ttyUSB8", "gauge-mitutoyo")
    assert page.devices.rowCount() == 1 and "Two devices are called 'scanner'" in page.feedback.text()
    page.device_table.selectRow(0)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert page.devices.rowCount() == 0


def test_a_test_pauses_the_station_and_gives_its_ports_back(qtbot, page, simulator, settings):
    sim = simulator()
    save_devices(settings, [DeviceConfig("scanner", "scanner-cr", sim.path)])
    station = StationDevices(backoff=FAST)
    try:
        from app.ui.device_settings import resolve_devices, station_profiles

        station.configure(*resolve_devices(load_devices(settings), station_profiles(settings)))
        station.start()
        page.devices.set_configs(load_devices(settings))
        page.attach_devices(station)
        qtbot.waitUntil(lambda: column(page.devices, "State") == ["connected"], timeout=WAIT_MS)
        sim.send("]C0FROM-STATION")
        qtbot.waitUntil(lambda: "]C0  FROM-STATION" in column(page.events, "Decoded"), timeout=WAIT_MS)

        page.start_test()  # the same port: the station lets go of it first, so the test can open it
        qtbot.waitUntil(lambda: not station.running and page.tester.running, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: column(page.devices, "State") == ["connected"], timeout=WAIT_MS)
        sim.send("]C0FROM-TEST")
        qtbot.waitUntil(lambda: "]C0  FROM-TEST" in column(page.events, "Decoded"), timeout=WAIT_MS)
        assert not any("cannot be opened" in text for text in column(page.events, "Decoded"))

        page.stop_test()
        qtbot.waitUntil(lambda: station.running and station.state_of("scanner")[0] == "connected",
                        timeout=WAIT_MS)
    finally:
        page.close_test()
        station.close()


# -- the main window: status bar and routing ----------------------------------------------------------------


@pytest.fixture
def station_window(qtbot, qapp) -> Iterator[Callable[[PageContext], MainWindow]]:
    """A main window as after log-in: the station's devices started, the wedge filter installed."""
    windows: list[MainWindow] = []

    def make(context: PageContext) -> MainWindow:
        window = MainWindow(context, database="the test database", station="Bench 7")
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        start_station_devices(qapp, context.settings, window, backoff=FAST)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.quit()  # stops the readers and takes the wedge filter out


def test_the_status_bar_follows_unplug_and_replug_and_scans_reach_lookup(qtbot, station_window, simulator,
                                                                        context, plant, tmp_path):
    link = tmp_path / "ttyScanner"  # the stable name a udev rule gives the scanner
    first = simulator()
    link.symlink_to(first.path)
    save_devices(context.settings, [DeviceConfig("scanner", "scanner-cr", str(link))])
    window = station_window(context)
    label = window.device_strip.labels["scanner"]
    seen: list[tuple[str, str, str]] = []
    window.devices.state_changed.connect(  # after the strip's own slot: the label shows the state already
        lambda name, state, detail: seen.append((state, label.toolTip(), label.styleSheet())))
    qtbot.waitUntil(lambda: label.state == "connected", timeout=WAIT_MS)
    assert label.text() == "✔ scanner" and GOOD[0] in label.styleSheet()
    assert label.toolTip() == f"scanner: connected on {link}"

    page = window.pages.currentWidget()
    assert isinstance(page, LookupPage)
    with qtbot.waitSignal(page.result_shown, timeout=WAIT_MS) as shown:
        first.send(f"]C0{plant.examples['finished_serial']}")
    assert shown.args == ["history"] and page.scan_field.text() == plant.examples["finished_serial"]

    first.unplug()
    link.unlink()
    qtbot.waitUntil(lambda: label.state == "disconnected", timeout=WAIT_MS)
    error = next(s for s in seen if s[0] == "error")
    assert "stopped answering" in error[1] and "#c92a2a" in error[2]
    assert "waiting for" in label.toolTip()

    second = simulator()
    link.symlink_to(second.path)
    qtbot.waitUntil(lambda: label.state == "connected", timeout=WAIT_MS)
    with qtbot.waitSignal(page.result_shown, timeout=WAIT_MS) as shown:
        second.send("]C0NO-SUCH-THING")
    assert shown.args == ["not_found"]


def test_a_device_that_cannot_start_is_red_in_the_status_bar(qtbot, station_window, light_context):
    light_context.settings.set("devices.station", [{"name": "old gauge", "profile": "gauge-gone",
                                                    "port": "COM9"}])
    window = station_window(light_context)
    label = window.device_strip.labels["old gauge"]
    assert label.state == "error" and "does not have" in label.toolTip()


# -- the keyboard-wedge filter -------------------------------------------------------------------------------


@pytest.fixture
def wedge(qapp) -> Iterator[WedgeFilter]:
    wedge = WedgeFilter(WedgeTiming(), gs_substitute="~")
    qapp.installEventFilter(wedge)
    yield wedge
    qapp.removeEventFilter(wedge)
    wedge.deleteLater()


@pytest.fixture
def field(qtbot) -> Iterator[QLineEdit]:
    window = QWidget()  # kept by this frame until the test ends: qtbot holds only a weak reference
    qtbot.addWidget(window)
    field = QLineEdit()
    QVBoxLayout(window).addWidget(field)
    window.show()
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    yield field


def post_keys(widget: QWidget, text: str, start_ms: int, gap_ms: int, *, enter: bool = True) -> int:
    """Key presses and releases as a keyboard sends them, stamped `gap_ms` apart; returns the end time."""
    at = start_ms
    for char in text + ("\r" if enter else ""):
        key = Qt.Key.Key_Return if char == "\r" else Qt.Key(ord(char.upper()))
        shift = Qt.KeyboardModifier.ShiftModifier if char.isupper() else Qt.KeyboardModifier.NoModifier
        for kind, stamp in ((QEvent.Type.KeyPress, at), (QEvent.Type.KeyRelease, at + 3)):
            event = QKeyEvent(kind, key, shift, char)
            event.setTimestamp(stamp)
            QApplication.postEvent(widget, event)
        at += gap_ms
    return at


def test_a_scanner_burst_is_a_scan_and_never_lands_in_the_focused_field(qtbot, wedge, field):
    with qtbot.waitSignal(wedge.scan_received, timeout=WAIT_MS) as scanned:
        post_keys(field, "]C0WO-10233", 1_000_000, 9)
    assert scanned.args == ["WO-10233"]
    assert field.text() == ""


def test_a_person_typing_types_into_the_field(qtbot, wedge, field):
    scans: list[str] = []
    wedge.scan_received.connect(scans.append)
    with qtbot.waitSignal(field.returnPressed, timeout=WAIT_MS):
        post_keys(field, "WO-10233", 2_000_000, 120)
    assert field.text() == "WO-10233" and scans == []


def test_typing_a_scan_and_typing_again_keep_every_key_in_its_place(qtbot, wedge, field):
    scans: list[str] = []
    wedge.scan_received.connect(scans.append)
    at = post_keys(field, "ab", 3_000_000, 150, enter=False)
    at = post_keys(field, "]C0LOT-7", at + 200, 8)
    post_keys(field, "cd", at + 300, 150, enter=False)
    qtbot.waitUntil(lambda: field.text() == "abcd", timeout=WAIT_MS)
    assert scans == ["LOT-7"]


def test_gs1_wedge_scans_are_decoded_and_bad_ones_refused(qtbot, wedge, field):
    with qtbot.waitSignal(wedge.scan_received, timeout=WAIT_MS) as scanned:
        post_keys(field, "]C10109501101020917~10ABC", 4_000_000, 10)
    # The symbology identifier stays: it is what marks the text as a GS1 message for the lookup.
    assert scanned.args == ["]C10109501101020917\x1d10ABC"]
    with qtbot.waitSignal(wedge.scan_rejected, timeout=WAIT_MS) as refused:
        post_keys(field, "]C10109501101020918", 5_000_000, 10)
    assert "check digit" in refused.args[0] and refused.args[1] == "]C10109501101020918"
    assert field.text() == ""


def test_a_wedge_scan_in_the_main_window_is_looked_up(qtbot, station_window, context, plant):
    window = station_window(context)
    page = window.pages.currentWidget()
    qtbot.waitUntil(page.scan_field.hasFocus)
    serial = plant.examples["finished_serial"]
    with qtbot.waitSignal(page.result_shown, timeout=WAIT_MS) as shown:
        post_keys(page.scan_field, serial, 6_000_000, 10)
    assert shown.args == ["history"] and page.scan_field.text() == serial


def test_on_the_devices_page_a_wedge_scan_is_logged_not_typed(qtbot, station_window, light_context):
    window = station_window(light_context)
    page = window.show_workspace("devices")
    assert isinstance(page, DevicesPage) and page.station is window.devices
    page.form.name.setFocus()
    qtbot.waitUntil(page.form.name.hasFocus)
    post_keys(page.form.name, "]C0WO-10233", 7_000_000, 10)
    qtbot.waitUntil(lambda: column(page.events, "Device")[:1] == ["keyboard wedge"], timeout=WAIT_MS)
    assert column(page.events, "Decoded")[0] == "WO-10233" and page.form.name.text() == ""


def test_wedge_thresholds_come_from_the_settings(qtbot, station_window, light_context):
    settings = light_context.settings
    settings.set("devices.wedge_max_gap_ms", 50)
    settings.set("devices.wedge_min_length", 6)
    window = station_window(light_context)
    assert window.wedge is not None and window.wedge.timing == WedgeTiming(max_gap_ms=50, min_length=6)
    window.quit()
    settings.set("devices.wedge_enabled", False)
    assert station_window(light_context).wedge is None
