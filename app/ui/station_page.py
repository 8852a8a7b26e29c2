"""Station: the screen operators live in all shift. Its modes — record steps, goods in, ship, make serials,
split / merge — share the bench's header (station, work centre, busy bar) and its scans: a scan from the
scanner or the keyboard goes to the mode in front. The record-steps flow lives in `station_steps`, its
screen in `widgets/station_steps_view`; the other modes are forms of their own."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from app.services.permissions import Action, allowed
from app.ui import station_work
from app.ui.station_draft_model import StepDraft
from app.ui.station_sensors import StationSensors
from app.ui.station_steps import WAITING_TITLE, StepsFlow
from app.ui.station_work import StationInfo
from app.ui.tasks import describe_error
from app.ui.widgets.station_goods_in import GoodsInForm
from app.ui.widgets.station_lots import LotsForm
from app.ui.widgets.station_production import ProductionForm
from app.ui.widgets.station_shipping import ShippingForm
from app.ui.widgets.station_steps_view import StepsView
from app.ui.workspaces import PageContext, Workspace, register

MODES = ("Record steps", "Goods in", "Ship", "Make serials", "Split / merge")
BUSY_AFTER_MS = 150  # quick answers do not flash the busy bar


class StationPage(QWidget):
    """Signals (of the record-steps flow, see `StepsFlow`):
        result_shown(str), state_changed(str), step_recorded(object).
    """

    result_shown = Signal(str)
    state_changed = Signal(str)
    step_recorded = Signal(object)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationPage")
        self.context = context
        self.station = StationInfo(context.settings.station_name(), "")
        self._build()
        self.flow = StepsFlow(context, self.steps_view, lambda: self.station, self)
        self.queue = self.flow.queue
        self.flow.result_shown.connect(self.result_shown)
        self.flow.state_changed.connect(self.state_changed)
        self.flow.step_recorded.connect(self.step_recorded)
        for queue in (self.queue, *(form.queue for form in (self.goods_in, self.shipping, self.production,
                                                           self.lots))):
            queue.busy_changed.connect(self._busy)
        # The station's live sensors start when the page is first in front (`activated`), follow the
        # station's name, and stop when the window closes.
        self.sensors = StationSensors(context, self.set_sensor_value, self)
        self.sensors.state_changed.connect(self.parameter_form.set_sensor_state)
        self._watched_window: QWidget | None = None
        self.flow.show_waiting()
        self.flow.refresh()
        self._load_station()

    # The record-steps screen and its draft, under the names the tests and the bench tools read.
    @property
    def draft(self) -> StepDraft:
        return self.flow.draft

    @property
    def state(self) -> str:
        return self.flow.state

    def _build(self) -> None:
        self.station_label = QLabel(objectName="stationName")
        self.centre_label = QLabel(objectName="stationCentre")
        self.busy_label = QLabel(objectName="busyLabel")
        self.busy_bar = QProgressBar(objectName="stationBusy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * 8)
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self._hide_busy()

        view = self.steps_view = StepsView()
        self.scan_field, self.banner, self.item_card = view.scan_field, view.banner, view.item_card
        self.complete_button, self.clear_button = view.complete_button, view.clear_button
        self.start_button = view.start_button
        self.state_line, self.needs, self.parameter_form = view.state_line, view.needs, view.parameter_form
        self.equipment_list, self.component_list = view.equipment_list, view.component_list
        self.recent, self.recent_table = view.recent, view.recent_table

        # Goods in, shipping and making serials are modes of the same bench, each running its own scans.
        self.goods_in = GoodsInForm(self.context, lambda: self.station.name)
        self.shipping = ShippingForm(self.context, lambda: self.station.name)
        self.production = ProductionForm(self.context, lambda: self.station.name)
        self.lots = LotsForm(self.context, lambda: self.station.name)
        self.mode_bar = QTabBar(objectName="stationModes")
        self.mode_bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+1…; the keyboard stays with the scan
        for n, title in enumerate(MODES, start=1):
            self.mode_bar.addTab(title)
            self.mode_bar.setTabToolTip(n - 1, f"{title} (Ctrl+{n})")
            QShortcut(QKeySequence(f"Ctrl+{n}"), self, lambda i=n - 1: self.mode_bar.setCurrentIndex(i))
        self.mode_bar.currentChanged.connect(self._mode_changed)

        header = QHBoxLayout()
        header.setSpacing(14)
        header.addWidget(QLabel("STATION", objectName="stationCaption"), 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.station_label, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.centre_label, 1, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.busy_label)
        header.addWidget(self.busy_bar)
        header.addSpacing(12)
        header.addWidget(self.mode_bar, 0, Qt.AlignmentFlag.AlignBottom)
        self.mode_stack = QStackedWidget()
        for widget in (self.steps_view, self.goods_in, self.shipping, self.production, self.lots):
            self.mode_stack.addWidget(widget)
        page = QVBoxLayout(self)
        page.setContentsMargins(22, 12, 22, 12)
        page.setSpacing(10)
        page.addLayout(header)
        page.addWidget(self.mode_stack, 1)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, lambda: self.accept_command("COMPLETE"))
        for keys in ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"):  # START: only record steps has long steps
            QShortcut(QKeySequence(keys), self.steps_view, lambda: self.submit("START"),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._focus_mode)
        self.setFocusProxy(self.scan_field)

    # -- the main window's calls -----------------------------------------------------------------------

    def activated(self) -> None:
        """In front again: the bench may have been renamed in Settings; the keyboard goes to the scan."""
        name = self.context.settings.station_name()
        if name != self.station.name:
            self.station = StationInfo(name, "")
            self.flow.reset()  # another station's steps
            self._load_station()
        self.sensors.follow(self.station.name)
        self._watch_window()
        self._focus_mode()

    def _watch_window(self) -> None:
        top = self.window()
        if top is not self and top is not self._watched_window:
            self._watched_window = top
            top.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The window closing (log out, quit) ends the sensor links: their threads must not outlive it."""
        if watched is self._watched_window and event.type() == QEvent.Type.Close:
            self.sensors.close()
        return super().eventFilter(watched, event)

    def accept_scan(self, text: str) -> None:
        """A scan from a serial device or the keyboard wedge, for the mode in front. In steps it shows in the
        scan field and is handled like one typed there; a parameter being typed keeps the keyboard."""
        mode = self.mode_stack.currentWidget()
        if mode is not self.steps_view:
            mode.accept_scan(text)
            return
        self.scan_field.setText(text)
        if self.scan_field.hasFocus():
            self.scan_field.selectAll()
        self.submit(text)

    def set_sensor_value(self, source_ref: str, value: float, unit: str | None = None,
                         read_at: datetime | None = None) -> bool:
        """A sensor's latest reading (e.g. source_ref "mqtt:plant/lathe-07/rpm"); it fills every parameter
        of the operation fed by that source, now or when the next part is scanned. True if one is filled."""
        return self.flow.set_sensor_value(source_ref, value, unit, read_at)

    def accept_command(self, text: str) -> None:
        """COMPLETE or CANCEL from the keyboard, for the mode in front."""
        mode = self.mode_stack.currentWidget()
        if mode is self.steps_view:
            self.submit(text)
        else:
            mode.queue.submit(text)

    def submit(self, text: str) -> None:
        self.flow.submit(text)

    def show_waiting(self, title: str = WAITING_TITLE) -> None:
        self.flow.show_waiting(title)

    def _mode_changed(self, index: int) -> None:
        self.mode_stack.setCurrentIndex(index)
        self._focus_mode()

    def _focus_mode(self) -> None:
        mode = self.mode_stack.currentWidget()
        if mode is self.steps_view:
            self.scan_field.ready_for_next_scan()
        elif mode is self.shipping:
            self.shipping.scan_field.ready_for_next_scan()
        else:
            mode.start()

    # -- busy ------------------------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        if busy:
            self.busy_label.setText(self.flow.busy_text if self.sender() is self.queue else "Working …")
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self._hide_busy()

    def _show_busy(self) -> None:
        self.busy_bar.show()
        self.busy_label.show()

    def _hide_busy(self) -> None:
        self.busy_bar.hide()
        self.busy_label.hide()

    # -- the station ------------------------------------------------------------------------------------

    def _load_station(self) -> None:
        self.station_label.setText(self.station.name)
        self.centre_label.setText("")
        self.context.runner.run(station_work.station_info, self.context.factory, self.station.name,
                                owner=self, name="station_info", on_done=self._station_loaded,
                                on_failed=self._station_unknown)

    def _station_loaded(self, info: StationInfo) -> None:
        if info.name != self.station.name:
            return  # renamed again meanwhile
        self.station = info
        self.centre_label.setText(info.work_center)
        self.flow.station_loaded(info.work_center)

    def _station_unknown(self, error: BaseException) -> None:
        self.centre_label.setText("unknown station")
        self.banner.show_message("rejected", "This bench is not a station", describe_error(error))


WORKSPACE = register(Workspace(
    key="station", title="Station", build=StationPage, order=25, shortcut="F4",
    tooltip="Record steps: scan the part, the equipment and the lots, then Complete (F4)",
    allowed=lambda actor: allowed(actor, Action.RECORD_STEP)))
