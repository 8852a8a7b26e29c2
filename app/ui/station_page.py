"""Station: the screen operators live in all shift. Scan the part, the equipment and the component lots,
type or read the parameters, Complete (button, Ctrl+Enter, or the COMPLETE barcode) — and read a green
confirmation or a red sentence that says what is wrong, with everything scanned kept to fix it. Every
service call runs on the background helper; scans that arrive meanwhile wait their turn, in order."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import DomainError
from app.services.permissions import Action, allowed
from app.services.station import EquipmentView, Reading, RecordedStep
from app.ui import station_work
from app.ui.station_draft_model import (
    COMPONENTS,
    EQUIPMENT,
    PARAMETERS,
    READY,
    StepDraft,
    command,
    item_label,
)
from app.ui.station_recent_model import RecentStep, RecentStepsModel
from app.ui.station_sensors import StationSensors
from app.ui.station_work import Identified, StationInfo
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.scan_field import ScanField
from app.ui.widgets.station_banner import StationBanner, enlarge
from app.ui.widgets.station_goods_in import GoodsInForm
from app.ui.widgets.station_item import StationItemCard
from app.ui.widgets.station_needs import NeedsPanel
from app.ui.widgets.station_production import ProductionForm
from app.ui.widgets.station_queue import ScanQueue
from app.ui.widgets.station_shipping import ShippingForm
from app.ui.widgets.station_state import StationStateLine
from app.ui.workspaces import PageContext, Workspace, register

MODES = ("Record steps", "Goods in", "Ship", "Make serials")
BUSY_AFTER_MS = 150  # quick answers do not flash the busy bar
COMPLETE_TEXT = "✔  Complete"
WAITING_TITLE = "Scan the part to work on"
WAITING_BODY = ("Its serial, lot number or work order. Then the equipment and the component lots; "
                "COMPLETE or Ctrl+Enter records the step, CANCEL starts over.")


class StationPage(QWidget):
    """Signals:
        result_shown(str): after each answer is on screen: "task" (an item to work on here), "not_due"
            (an item with nothing to do here), "equipment", "component", "accepted" (a step recorded),
            "rejected" (a scan or a step refused), "not_ready", "cleared", "info", "error".
        state_changed(str): the state line changed: waiting, equipment, components, parameters, ready.
        step_recorded(object): the RecordedStep, after it is shown.
    """

    result_shown = Signal(str)
    state_changed = Signal(str)
    step_recorded = Signal(object)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationPage")
        self.context = context
        self.draft = StepDraft()
        self.station = StationInfo(context.settings.station_name(), "")
        self.queue = ScanQueue(context.runner, self._handle, self)
        self._sensor_values: dict[str, tuple[float, str | None, datetime | None]] = {}
        self.state = ""
        # The step just recorded and the draft it was recorded from: shown until the next part is scanned.
        self._last: tuple[RecordedStep, StepDraft] | None = None
        self._build()
        # The station's live sensors start when the page is first in front (`activated`), follow the
        # station's name, and stop when the window closes.
        self.sensors = StationSensors(context, self.set_sensor_value, self)
        self.sensors.state_changed.connect(self.parameter_form.set_sensor_state)
        self._watched_window: QWidget | None = None
        self.queue.busy_changed.connect(self._busy)
        self.show_waiting()
        self._refresh()
        self._load_station()

    # -- layout ----------------------------------------------------------------------------------------

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

        self.scan_field = ScanField("Scan part, equipment, lot — or COMPLETE / CANCEL")
        self.scan_field.scan_submitted.connect(self.submit)
        self.complete_button = QPushButton(COMPLETE_TEXT, objectName="completeButton")
        self.complete_button.setToolTip("Record the step (Ctrl+Enter, or scan COMPLETE)")
        enlarge(self.complete_button, 1.8)
        self.complete_button.clicked.connect(lambda: self.submit("COMPLETE"))
        self.clear_button = QPushButton("Start over", objectName="clearButton")
        self.clear_button.setToolTip("Forget what was scanned for this part (or scan CANCEL)")
        self.clear_button.clicked.connect(lambda: self.submit("CANCEL"))
        for button in (self.complete_button, self.clear_button):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keyboard in the scan field

        self.state_line = StationStateLine()
        self.banner = StationBanner()
        self.item_card = StationItemCard()
        self.needs = NeedsPanel()
        self.equipment_list = self.needs.equipment
        self.component_list = self.needs.components
        self.parameter_form = self.needs.parameters
        self.parameter_form.text_edited.connect(self._typed)
        self.parameter_form.entry_finished.connect(self._entry_finished)
        self.recent = RecentStepsModel(parent=self)
        self.recent_table = DataTable(self.recent, stretch_column=6)
        self.recent_table.text_typed.connect(self.scan_field.take_typed_text)
        self.recent_table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        # Goods in, shipping and making serials are modes of the same bench, each running its own scans.
        self.goods_in = GoodsInForm(self.context, lambda: self.station.name)
        self.shipping = ShippingForm(self.context, lambda: self.station.name)
        self.production = ProductionForm(self.context, lambda: self.station.name)
        for form in (self.goods_in, self.shipping, self.production):
            form.queue.busy_changed.connect(self._busy)
        self.mode_bar = QTabBar(objectName="stationModes")
        self.mode_bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+1…4; the keyboard stays with the scan
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
        scan_row = QHBoxLayout()
        scan_row.setSpacing(12)
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.complete_button)
        scan_row.addWidget(self.clear_button)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(_scrolling(self.item_card), 1)
        body.addWidget(_scrolling(self.needs), 1)

        self.recent_caption = QLabel("RECENT STEPS AT THIS STATION", objectName="stationCaption")
        # The last three steps and a glimpse of more: the page's height belongs to the part in hand.
        self.recent_table.setFixedHeight(self.recent_table.verticalHeader().defaultSectionSize() * 4
                                         + self.fontMetrics().height())
        self.steps_view = QWidget()
        layout = QVBoxLayout(self.steps_view)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(scan_row)
        layout.addWidget(self.state_line)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        layout.addWidget(self.recent_caption)
        layout.addWidget(self.recent_table)
        self.mode_stack = QStackedWidget()
        for widget in (self.steps_view, self.goods_in, self.shipping, self.production):
            self.mode_stack.addWidget(widget)
        page = QVBoxLayout(self)
        page.setContentsMargins(22, 12, 22, 12)
        page.setSpacing(10)
        page.addLayout(header)
        page.addWidget(self.mode_stack, 1)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, lambda: self.accept_command("COMPLETE"))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._focus_mode)
        self.setFocusProxy(self.scan_field)

    # -- the main window's calls -----------------------------------------------------------------------

    def activated(self) -> None:
        """In front again: the bench may have been renamed in Settings; the keyboard goes to the scan."""
        name = self.context.settings.station_name()
        if name != self.station.name:
            self.station = StationInfo(name, "")
            self.draft.clear(keep_equipment=False)
            self._last = None
            self.recent.set_records([])  # another station's steps
            self.show_waiting()
            self._refresh()
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
        """A scan from a serial device or the keyboard wedge, for the mode in front (steps, goods in, ship).
        In steps it shows in the scan field and is handled like one typed there; a parameter being typed
        keeps the keyboard."""
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
        self._sensor_values[source_ref] = (value, unit, read_at)
        filled = self.draft.set_sensor(source_ref, value, unit, read_at)
        if filled:
            self._refresh(parameters_only=True)
        return bool(filled)

    def accept_command(self, text: str) -> None:
        """COMPLETE or CANCEL from the keyboard, for the mode in front."""
        mode = self.mode_stack.currentWidget()
        if mode is self.steps_view:
            self.submit(text)
        else:
            mode.queue.submit(text)

    def _mode_changed(self, index: int) -> None:
        self.mode_stack.setCurrentIndex(index)
        self._focus_mode()

    def _focus_mode(self) -> None:
        mode = self.mode_stack.currentWidget()
        if mode in (self.goods_in, self.production):
            mode.start()
        elif mode is self.shipping:
            self.shipping.scan_field.ready_for_next_scan()
        else:
            self.scan_field.ready_for_next_scan()

    # -- scans, in order -------------------------------------------------------------------------------

    def submit(self, text: str) -> None:
        """A scan or a command; while the services are busy it waits its turn, so nothing is lost or
        reordered (a part, then its lot, then COMPLETE, as fast as the scanner sends them)."""
        self.queue.submit(text)

    def _handle(self, text: str, at: datetime) -> None:
        action = command(text)
        if action == "complete":
            self._complete()
        elif action == "cancel":
            self._start_over()
        elif text:
            self._identify(text, at)

    def _run(self, busy_text: str, func, *args, on_done, on_failed, **kwargs) -> None:
        self.busy_label.setText(busy_text)
        self.queue.run(func, *args, on_done=on_done, on_failed=on_failed, **kwargs)

    def _busy(self, busy: bool) -> None:
        if busy:
            if self.sender() is not self.queue:
                self.busy_label.setText("Working …")
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self._hide_busy()
        self.complete_button.setEnabled(not self.queue.busy)

    def _identify(self, text: str, at: datetime) -> None:
        """An item scanned on top of a step in hand replaces it only while nothing but the equipment is
        scanned, and only with an item that has work here: a stray scan does not throw the part away."""
        draft = self.draft
        load = not draft.workable or not draft.has_input
        wanted = frozenset(n.part_number for n in draft.task.components) if draft.workable else frozenset()
        self._run("Looking up …", station_work.identify, self.context.factory, self.station.name, text,
                  components=wanted, load_task=load,
                  on_done=lambda answer: self._identified(answer, at),
                  on_failed=lambda error: self._refuse("Scan refused", error))

    def _identified(self, answer: Identified, at: datetime) -> None:
        draft = self.draft
        if answer.equipment is not None:
            self._equipment_scanned(answer)
        elif answer.task is not None and not (draft.workable and answer.task.due is None):
            self._task_loaded(answer, at)
        elif answer.item is not None:
            self._component_scanned(answer)

    def _task_loaded(self, answer: Identified, at: datetime) -> None:
        task = answer.task
        assert task is not None
        self.draft.begin(task, at)
        self._last = None
        for source_ref, (value, unit, read_at) in self._sensor_values.items():
            self.draft.set_sensor(source_ref, value, unit, read_at)
        label = item_label(task.item)
        if task.due is None:
            self.banner.show_message("rejected", f"Nothing to do here for {label}", task.hint)
            self._finish("not_due")
            return
        self.banner.show_message("info", f"{task.due.label}  ·  {label}", self._next_instruction())
        self._finish("task")

    def _equipment_scanned(self, answer: Identified) -> None:
        found = answer.equipment
        assert found is not None
        if found.station != self.station.name:
            where = f"station {found.station}" if found.station else "no station"
            self._show_refusal("Scan refused", f"Equipment {found.code} ({found.name}) belongs to {where}, "
                               f"not to {self.station.name}. Scan the equipment you work on here.")
            return
        if found.problem:
            self._show_refusal("Scan refused", found.problem)
            return
        if self.draft.task is None:
            self._last = None  # a new start at the machine: the step before is not what is shown any more
        known = self.draft.station_equipment(found.code)
        self.draft.choose_equipment(known or EquipmentView(found.code, found.name, True, None))
        self.banner.show_message("info", f"Equipment {found.code} scanned  ·  {found.name}",
                                 self._next_instruction())
        self._finish("equipment")

    def _component_scanned(self, answer: Identified) -> None:
        item = answer.item
        assert item is not None
        draft = self.draft
        if draft.task is not None and item.id == draft.task.item.id:
            self.banner.show_message("info", f"{item_label(item)} is the part being worked on",
                                     self._next_instruction())
            self._finish("info")
            return
        wanted = draft.workable and any(n.part_number == item.part_number for n in draft.task.components)
        refusal = answer.problem if wanted and answer.problem else draft.add_component(item)
        if refusal:
            self._show_refusal("Scan refused", refusal)
            return
        allocation = next(a for s in draft.need_status() for a in s.lots if a.item.id == item.id)
        self.banner.show_message("info", f"{item_label(item)}  ·  uses {allocation.quantity:g} {item.unit}",
                                 self._next_instruction())
        self._finish("component")

    # -- completing and starting over ------------------------------------------------------------------

    def _complete(self) -> None:
        refusals = self.draft.refusals()
        if refusals:
            self._show_refusal("Not recorded — nothing was written", "  ".join(refusals))
            return
        missing = self.draft.missing()
        if missing:
            title = "Not ready to complete" if self.draft.workable else "Nothing to complete"
            self.banner.show_message("warning", title, "  ".join(missing))
            self._finish("not_ready")
            return
        request = self.draft.request(self.station.name)
        equipment = self.draft.equipment.code if self.draft.equipment and request.start else None
        readings = request.completion.parameters
        max_age = timedelta(seconds=self.context.settings.get("sensors.max_age_s"))
        self._run("Recording …", station_work.record, self.context.factory, self.context.actor, request,
                  max_age=max_age,
                  on_done=lambda step: self._recorded(step, equipment, readings),
                  on_failed=lambda error: self._refuse("Not recorded — nothing was written", error))

    def _recorded(self, step: RecordedStep, equipment: str | None, readings: tuple[Reading, ...]) -> None:
        self.recent.add(RecentStep(station_work.now(), step, equipment, readings))
        self.recent_table.fit_columns()
        done, self.draft = self.draft, StepDraft(equipment=self.draft.equipment)
        self._last = (step, done) if done.task is not None else None
        kept = f" Equipment {equipment} stays scanned for the next part." if equipment else ""
        title = "Recorded — values flagged for quality" if step.flagged else "Recorded"
        self.banner.show_message("accepted", title, f"{step.message}{kept}")
        self._finish("accepted")
        self.step_recorded.emit(step)

    def _start_over(self) -> None:
        self.draft.clear(keep_equipment=False)
        self._last = None
        self.show_waiting("Started over: nothing was recorded")
        self._finish("cleared")

    def show_waiting(self, title: str = WAITING_TITLE) -> None:
        self.banner.show_message("info", title, WAITING_BODY)

    # -- answers ---------------------------------------------------------------------------------------

    def _refuse(self, title: str, error: BaseException) -> None:
        self._show_refusal(title, describe_error(error), kind="rejected" if isinstance(error, DomainError)
                           else "error")

    def _show_refusal(self, title: str, sentence: str, kind: str = "rejected") -> None:
        """Red, and nothing scanned so far is lost: the operator fixes the one wrong thing."""
        self.banner.show_message("rejected", title, sentence)
        self._finish(kind)

    def _finish(self, kind: str) -> None:
        """After every answer the keyboard is where the next input goes: a parameter still to type, else
        the scan field; a parameter being typed keeps it while the step is still open."""
        self._refresh()
        typing = self._typing() and self.draft.state() == PARAMETERS
        field = self.parameter_form.first_to_fill(self.draft.parameters)
        if self.draft.state() == PARAMETERS and field is not None and not typing:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not typing:
            self.scan_field.ready_for_next_scan()
        self.result_shown.emit(kind)

    def _next_instruction(self) -> str:
        missing = self.draft.missing()
        return missing[0] if missing else "Ready: press Complete, Ctrl+Enter, or scan COMPLETE."

    def _typing(self) -> bool:
        """The keyboard is in one of the page's fields other than the scan field."""
        focus = QApplication.focusWidget()
        return isinstance(focus, QLineEdit) and focus is not self.scan_field and self.isAncestorOf(focus)

    # -- parameters typed ------------------------------------------------------------------------------

    def _typed(self, name: str, text: str) -> None:
        self.draft.set_text(name, text)
        self._refresh(parameters_only=True)

    def _entry_finished(self, name: str) -> None:
        """Enter in a parameter field: on to the next one still to fill, else back to the scan field."""
        field = self.parameter_form.first_to_fill(self.draft.parameters)
        if field is not None and field is not self.parameter_form.fields.get(name):
            field.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.scan_field.ready_for_next_scan()

    # -- showing the draft -----------------------------------------------------------------------------

    def _refresh(self, *, parameters_only: bool = False) -> None:
        draft = self.draft
        if parameters_only:
            self.parameter_form.update_entries(draft.parameters)
        elif draft.task is None and self._last is not None:
            step, done = self._last
            assert done.task is not None
            self.item_card.show_task(done.task, self.station.work_center, step)
            self.needs.show_draft(done, recorded=True)
        else:
            if draft.task is None:
                self.item_card.clear()
            else:
                self.item_card.show_task(draft.task, self.station.work_center)
            self.needs.show_draft(draft)
        state = draft.state()
        needed = ((EQUIPMENT, draft.needs_equipment), (PARAMETERS, bool(draft.parameters)),
                  (COMPONENTS, bool(draft.task and draft.task.components)))
        skipped = frozenset(key for key, wanted in needed if not wanted) if draft.workable else frozenset()
        self.state_line.set_state(state, skipped=skipped)
        self.complete_button.setEnabled(not self.queue.busy)
        self.complete_button.setProperty("ready", state == READY)
        self.complete_button.style().unpolish(self.complete_button)
        self.complete_button.style().polish(self.complete_button)
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

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
        if self.draft.task is not None:
            self.item_card.show_task(self.draft.task, info.work_center)

    def _station_unknown(self, error: BaseException) -> None:
        self.centre_label.setText("unknown station")
        self.banner.show_message("rejected", "This bench is not a station", describe_error(error))


def _scrolling(widget: QWidget) -> QScrollArea:
    """A column that scrolls on a small screen instead of squeezing its rows."""
    scroll = QScrollArea(objectName="stationScroll")
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # rows wrap instead
    return scroll


WORKSPACE = register(Workspace(
    key="station", title="Station", build=StationPage, order=25, shortcut="F4",
    tooltip="Record steps: scan the part, the equipment and the lots, then Complete (F4)",
    allowed=lambda actor: allowed(actor, Action.RECORD_STEP)))
