"""Devices: the station's serial scanners, RFID readers and gauges — which port, which profile, their live
state — the serial ports this PC has, and a live test that shows what each device sends, decoded, before
the configuration is saved for the station. For admins and supervisors."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.devices.errors import DeviceError
from app.devices.events import DeviceEvent
from app.devices.ports import available_ports
from app.devices.reader import Backoff
from app.models import Role
from app.ui.device_adapter import StationDevices
from app.ui.device_event_model import DeviceEventModel, EventRow
from app.ui.device_list_model import DeviceListModel, PortListModel, PortRow
from app.ui.device_settings import (
    DeviceConfig,
    check_devices,
    load_devices,
    resolve_devices,
    save_devices,
    station_profiles,
)
from app.ui.palette import TEXT_WARN
from app.ui.tasks import describe_error
from app.ui.wedge_filter import WedgeFilter
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.device_form import DeviceForm
from app.ui.workspaces import PageContext, Workspace, register

WEDGE_DEVICE = "keyboard wedge"
# Big controls for gloved hands, scoped to this page (the application style sheet sets the rest).
PAGE_STYLE = """
#devicesPage QComboBox, #devicesPage QLineEdit { min-height: 34px; padding: 4px 10px; }
#devicesPage QCheckBox { spacing: 10px; }
#devicesPage QCheckBox::indicator { width: 22px; height: 22px; }
"""


def list_ports() -> list[PortRow]:
    """On the worker: enumerating ports can take a moment on Windows with many virtual COM ports."""
    return [PortRow.from_info(info) for info in available_ports()]


def _section(title: str) -> QLabel:
    return QLabel(title, objectName="sectionTitle")


class DevicesPage(QWidget):
    """Signals: none; the station learns about a saved configuration through `StationDevices`."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("devicesPage")
        self.setStyleSheet(PAGE_STYLE)
        self.context = context
        self.station: StationDevices | None = None
        self.test_backoff = Backoff()
        self.tester: StationDevices | None = None  # the edited devices, while a test runs
        self.profiles = station_profiles(context.settings)
        self.ports_refreshing = False

        self.devices = DeviceListModel(parent=self)
        self.devices.set_configs(load_devices(context.settings))
        self.device_table = DataTable(self.devices, stretch_column=3)
        self.form = DeviceForm()
        self.form.set_profiles(self.profiles)
        self.form.device_requested.connect(self.add_device)
        self.remove_button = self._button("Remove", "secondaryButton", self.remove_selected)
        self.save_button = self._button("Save for this station", "primaryButton", self.save)
        self.dirty_label = QLabel("●  Not saved yet", objectName="dirtyLabel")
        self.dirty_label.setStyleSheet(f"color: {TEXT_WARN.name()}; font-weight: bold; padding-left: 12px;")
        self.feedback = QLabel(objectName="hintLabel", wordWrap=True)
        self.feedback.hide()

        self.ports = PortListModel(parent=self)
        self.port_table = DataTable(self.ports, stretch_column=3)
        self.port_table.setToolTip("Double-click a port to use it for a new device")
        self.port_table.record_activated.connect(self._use_port)
        self.refresh_button = self._button("⟳  Refresh", "secondaryButton", self.refresh_ports)
        self.ports_note = QLabel("Simulators and other pseudo-terminals are not listed: type their path.",
                                 objectName="mutedLabel", wordWrap=True)

        self.events = DeviceEventModel(parent=self)
        self.event_table = DataTable(self.events, stretch_column=3)
        self.test_button = self._button("▶  Test devices", "primaryButton", self.toggle_test)
        self.clear_button = self._button("Clear", "secondaryButton", self.events.clear)
        self.test_status = QLabel(objectName="mutedLabel", wordWrap=True)

        # Inserted rows do not refit a table (only a reset does); the device list is short: refit it.
        for signal in (self.devices.rowsInserted, self.devices.rowsRemoved):
            signal.connect(self.device_table.fit_columns)
        self._size_event_columns()
        self._lay_out()
        self._set_dirty(False)
        self._show_test_status()

    def _button(self, text: str, style: str, slot) -> QPushButton:
        button = QPushButton(text, objectName=style)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _size_event_columns(self) -> None:
        """Fixed widths that fit what each column can hold: a live log must not jump as rows arrive."""
        metrics = self.event_table.fontMetrics()
        bold = QFont(self.event_table.font())
        bold.setBold(True)
        pad = metrics.horizontalAdvance("M") * 2
        header = self.event_table.horizontalHeader()
        for column, width in ((0, metrics.horizontalAdvance("00:00:00.000") + pad),
                              (1, metrics.horizontalAdvance("M") * 11),
                              (2, QFontMetrics(bold).horizontalAdvance("Device error") + pad),
                              (4, metrics.horizontalAdvance("M") * 15)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)

    def _lay_out(self) -> None:
        title = QLabel("Devices", objectName="dialogTitle")
        intro = QLabel("Serial scanners, RFID readers and gauges of this station: add, test live, save. "
                       "They start after each log-in.",
                       objectName="mutedLabel", wordWrap=True)
        self.heading = (title, intro)  # the setup assistant has its own
        station = QWidget()
        left = QVBoxLayout(station)
        left.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(_section("Station devices"))
        header.addWidget(self.dirty_label)
        header.addStretch(1)
        header.addWidget(self.remove_button)
        header.addWidget(self.save_button)
        left.addLayout(header)
        left.addWidget(self.device_table, 1)
        left.addWidget(self.form)
        left.addWidget(self.feedback)

        ports = QWidget()
        right = QVBoxLayout(ports)
        right.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(_section("Serial ports on this PC"), 1)
        header.addWidget(self.refresh_button)
        right.addLayout(header)
        right.addWidget(self.port_table, 1)
        right.addWidget(self.ports_note)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(station)
        top.addWidget(ports)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([520, 480])
        top.setChildrenCollapsible(False)

        live = QWidget()
        bottom = QVBoxLayout(live)
        bottom.setContentsMargins(0, 0, 0, 0)
        controls = QHBoxLayout()
        controls.addWidget(_section("Live events"))
        controls.addWidget(self.test_status, 1)
        controls.addWidget(self.clear_button)
        controls.addWidget(self.test_button)
        bottom.addLayout(controls)
        bottom.addWidget(self.event_table, 1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(live)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([500, 500])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        heading = QHBoxLayout()
        heading.setSpacing(18)
        heading.addWidget(title, 0, Qt.AlignmentFlag.AlignBaseline)
        heading.addWidget(intro, 1, Qt.AlignmentFlag.AlignBaseline)
        layout.addLayout(heading)
        layout.addWidget(split, 1)

    # -- the main window's hooks -------------------------------------------------------------------------

    def activated(self) -> None:
        self.device_table.fit_columns()  # a table fitted before it was first shown has no real font yet
        self.refresh_ports()

    def attach_devices(self, station: StationDevices, wedge: WedgeFilter | None = None) -> None:
        """The station's running devices: their states in the list, their events in the log."""
        self.station = station
        station.event_received.connect(self._station_event)
        station.state_changed.connect(self._station_state)
        station.devices_changed.connect(self._show_station_states)
        if wedge is not None:
            wedge.scan_received.connect(lambda text: self._wedge_row("scan", text))
            wedge.scan_rejected.connect(lambda reason, text: self._wedge_row("rejected", f"{reason}  ({text})"))
        self._show_station_states()
        self._show_test_status()

    def accept_scan(self, text: str) -> None:
        """Scans routed to this page are already in the log, with their device and raw bytes."""

    # -- ports ---------------------------------------------------------------------------------------------

    def refresh_ports(self) -> None:
        if self.ports_refreshing:
            return
        self.ports_refreshing = True
        self.refresh_button.setEnabled(False)
        self.context.runner.run(list_ports, name="list_ports", owner=self, on_done=self._ports_listed,
                                on_failed=self._ports_failed)

    def _ports_listed(self, rows: list[PortRow]) -> None:
        self.ports_refreshing = False
        self.refresh_button.setEnabled(True)
        self.ports.set_ports(rows)
        self.form.set_ports(rows)

    def _ports_failed(self, error: BaseException) -> None:
        self.ports_refreshing = False
        self.refresh_button.setEnabled(True)
        self._feedback(f"The serial ports could not be listed: {describe_error(error)}", error=True)

    def _use_port(self, row: PortRow | None) -> None:
        if row is not None:
            self.form.port.setCurrentIndex(self.form.port.findData(row))
            self.form.name.setFocus()

    # -- editing and saving -----------------------------------------------------------------------------

    def add_device(self, config: DeviceConfig) -> None:
        try:
            check_devices([*self.devices.configs(), config])
            config.profile_for(self.profiles)
        except DeviceError as exc:
            self._feedback(str(exc), error=True)
            return
        self.devices.add_config(config)
        self.form.clear()
        self._set_dirty(True)

    def remove_selected(self) -> None:
        index = self.device_table.currentIndex()
        if not index.isValid():
            self._feedback("Pick the device to remove in the list first.", error=True)
            return
        self.devices.remove_row(self.device_table.proxy.mapToSource(index).row())
        self._set_dirty(True)

    def save(self) -> None:
        configs = self.devices.configs()
        try:
            save_devices(self.context.settings, configs)
        except (DeviceError, OSError) as exc:
            self._feedback(f"Not saved: {exc}", error=True)
            return
        self._set_dirty(False)
        self._feedback(f"Saved: {len(configs)} device{'s' * (len(configs) != 1)} for this station.")
        if self.station is not None:
            self.station.configure(*resolve_devices(configs, self.profiles))
            if self.tester is None:  # during a test the station waits for its ports until the test ends
                self.station.start()

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setEnabled(dirty)
        self.dirty_label.setVisible(dirty)
        if dirty:
            self.feedback.hide()

    def _feedback(self, text: str, *, error: bool = False) -> None:
        self.feedback.setObjectName("errorLabel" if error else "hintLabel")
        self.feedback.style().unpolish(self.feedback)
        self.feedback.style().polish(self.feedback)
        self.feedback.setText(text)
        self.feedback.show()

    # -- live test ----------------------------------------------------------------------------------------

    @property
    def testing(self) -> bool:
        return self.tester is not None

    def toggle_test(self) -> None:
        if self.testing:
            self.stop_test()
        else:
            self.start_test()

    def start_test(self) -> None:
        configs = self.devices.configs()
        if not configs or self.testing:
            if not configs:
                self._feedback("Add a device first, then test it.", error=True)
            return
        ready, problems = resolve_devices(configs, self.profiles)
        self.tester = StationDevices(backoff=self.test_backoff, parent=self)
        self.tester.event_received.connect(lambda event: self.events.add_events([event]))
        self.tester.state_changed.connect(self.devices.set_state)
        self.tester.configure(ready, problems)
        for name in self.tester.names:  # what the station said last is not what the test will find
            self.devices.set_state(name, *self.tester.state_of(name), live=name in ready)
        self._show_test_status()
        if self.station is not None and self.station.running:
            self.station.stop(then=self._start_tester)  # the test needs the station's ports
        else:
            self._start_tester()

    def _start_tester(self) -> None:
        if self.tester is not None:
            self.tester.start()

    def stop_test(self) -> None:
        tester, self.tester = self.tester, None
        if tester is None:
            return
        tester.stop(then=lambda: self._test_stopped(tester))
        self._show_test_status()

    def _test_stopped(self, tester: StationDevices) -> None:
        tester.deleteLater()
        self._show_station_states()
        if self.station is not None and not self.testing:
            self.station.start()

    def close_test(self) -> None:
        """Stop a running test and wait for its readers (the page is closing)."""
        tester = self.tester
        self.stop_test()
        if tester is not None:
            tester.wait()

    def _show_test_status(self) -> None:
        self.test_button.setText("■  Stop test" if self.testing else "▶  Test devices")
        if self.testing:
            paused = " The station's devices are paused until the test stops." if self.station else ""
            self.test_status.setText(f"Testing the devices listed above, as edited.{paused}")
        elif self.station is not None:
            self.test_status.setText("Showing what the station's devices send.")
        else:
            self.test_status.setText("Test runs the devices listed above and shows what they send.")

    def hideEvent(self, event: QHideEvent) -> None:
        # Another page is in front: its scans need the ports back.
        super().hideEvent(event)
        self.stop_test()

    # -- the station's events --------------------------------------------------------------------------------

    def _station_event(self, event: DeviceEvent) -> None:
        if not self.testing:
            self.events.add_events([event])

    def _station_state(self, name: str, state: str, detail: str) -> None:
        if not self.testing:
            self.devices.set_state(name, state, detail)

    def _show_station_states(self) -> None:
        if self.station is None or self.testing:
            return
        for name in self.station.names:
            self.devices.set_state(name, *self.station.state_of(name), live=name in self.station.adapters)

    def _wedge_row(self, kind: str, text: str) -> None:
        self.events.add_rows([EventRow(datetime.now(UTC), WEDGE_DEVICE, kind, text, "")])


WORKSPACE = register(Workspace(key="devices", title="Devices", build=DevicesPage, order=90,
                               tooltip="Scanners, RFID readers and gauges of this station: ports, "
                                       "profiles, live test",
                               allowed=lambda actor: actor.role in {Role.ADMIN, Role.SUPERVISOR}))
