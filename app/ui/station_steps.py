"""The Record steps flow: what each scan means for the step in hand — the part, its machine, a component
lot, COMPLETE or CANCEL — and the answer it gets on the steps view: green when recorded, red with the
services' sentence when refused (everything scanned kept to fix it), blue for the next instruction.
Every service call runs on the background helper through the scan queue, so scans keep their order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QLineEdit

from app.services.errors import DomainError
from app.models import StepResult
from app.services.station import EquipmentView, Reading, RecordedStep, StationTask
from app.ui import station_work
from app.ui.station_draft_model import PARAMETERS, StepDraft, command, item_label
from app.ui.station_recent_model import RecentStep
from app.ui.station_rework import ReworkOffer
from app.ui.station_work import Identified, StationInfo
from app.ui.tasks import describe_error
from app.ui.widgets.station_queue import ScanQueue
from app.ui.widgets.station_steps_view import StepsView
from app.ui.workspaces import PageContext

WAITING_TITLE = "Scan the part to work on"
WAITING_BODY = ("Its serial, lot number or work order. Then the equipment and the component lots; "
                "COMPLETE or Ctrl+Enter records the step, CANCEL starts over.")


class StepsFlow(QObject):
    """Signals:
        result_shown(str): after each answer is on screen: "task" (an item to work on here), "not_due"
            (an item with nothing to do here), "in_progress" (an item whose operation here is under way),
            "batch" (an item added to the load in hand), "equipment", "component", "accepted" (a step
            recorded), "started" (a long step started), "rejected" (a scan or a step refused),
            "not_ready", "cleared", "info", "error".
        state_changed(str): the state line changed: waiting, equipment, components, parameters, ready.
        step_recorded(object): the RecordedStep, after it is shown.
    """

    result_shown = Signal(str)
    state_changed = Signal(str)
    step_recorded = Signal(object)

    def __init__(self, context: PageContext, view: StepsView, station: Callable[[], StationInfo],
                 parent: QObject) -> None:
        super().__init__(parent)
        self.context, self.view, self._station = context, view, station
        self.draft = StepDraft()
        self.queue = ScanQueue(context.runner, self._handle, parent)
        self.busy_text = ""
        self.state = ""
        self._sensor_values: dict[str, tuple[float, str | None, datetime | None]] = {}
        # The step just recorded and the draft it was recorded from: shown until the next part is scanned.
        self._last: tuple[RecordedStep, StepDraft] | None = None
        view.scan_field.scan_submitted.connect(self.submit)
        view.complete_button.clicked.connect(lambda: self.submit("COMPLETE"))
        view.clear_button.clicked.connect(lambda: self.submit("CANCEL"))
        view.parameter_form.text_edited.connect(self._typed)
        view.parameter_form.entry_finished.connect(self._entry_finished)
        view.start_button.clicked.connect(lambda: self.submit("START"))
        self.queue.busy_changed.connect(lambda busy: view.complete_button.setEnabled(not busy))
        self.queue.busy_changed.connect(lambda busy: view.start_button.setEnabled(not busy))
        self.rework = ReworkOffer(self)

    @property
    def station(self) -> StationInfo:
        return self._station()

    # -- the page's calls ------------------------------------------------------------------------------

    def reset(self) -> None:
        """Another station's bench now: nothing scanned, no recent steps."""
        self.draft.clear(keep_equipment=False)
        self._last = None
        self.rework.offer(None)
        self.rework.forget()
        self.view.recent.set_records([])
        self.show_waiting()
        self.refresh()

    def set_sensor_value(self, source_ref: str, value: float, unit: str | None = None,
                         read_at: datetime | None = None) -> bool:
        self._sensor_values[source_ref] = (value, unit, read_at)
        filled = self.draft.set_sensor(source_ref, value, unit, read_at)
        if filled:
            self.refresh(parameters_only=True)
        return bool(filled)

    def submit(self, text: str) -> None:
        """A scan or a command; while the services are busy it waits its turn, so nothing is lost or
        reordered (a part, then its lot, then COMPLETE, as fast as the scanner sends them)."""
        self.queue.submit(text)

    def show_waiting(self, title: str = WAITING_TITLE) -> None:
        self.view.banner.show_message("info", title, WAITING_BODY)

    # -- scans, in order -------------------------------------------------------------------------------

    def _handle(self, text: str, at: datetime) -> None:
        action = command(text)
        if action == "complete":
            self._complete()
        elif action == "start":
            self._start()
        elif action == "rework":
            self.rework.take()
        elif action == "cancel":
            self._start_over()
        elif text:
            self._identify(text, at)

    def run(self, busy_text: str, func, *args, on_done, on_failed, **kwargs) -> None:
        self.busy_text = busy_text
        self.queue.run(func, *args, on_done=on_done, on_failed=on_failed, **kwargs)

    def _identify(self, text: str, at: datetime) -> None:
        """An item scanned on top of a step in hand replaces it only while nothing but the equipment is
        scanned, and only with an item that has work here: a stray scan does not throw the part away."""
        draft = self.draft
        load = not draft.workable or not draft.has_input
        wanted = frozenset(n.part_number for n in draft.task.components) if draft.workable else frozenset()
        self.run("Looking up …", station_work.identify, self.context.factory, self.station.name, text,
                 components=wanted, load_task=load,
                 on_done=lambda answer: self._identified(answer, at),
                 on_failed=lambda error: self.refuse("Scan refused", error))

    def _identified(self, answer: Identified, at: datetime) -> None:
        draft = self.draft
        if answer.equipment is not None:
            self._equipment_scanned(answer)
        elif answer.item is not None and any(item.id == answer.item.id for item in draft.batch):
            self.view.banner.show_message("info", f"{item_label(answer.item)} is in this load already",
                                          self.next_instruction())
            self.finish("info")
        elif answer.task is not None and draft.joins(answer.task):
            self._joined(answer)
        elif answer.task is not None and not (draft.workable and answer.task.due is None):
            self._task_loaded(answer, at)
        elif answer.item is not None:
            self._component_scanned(answer)

    def _task_loaded(self, answer: Identified, at: datetime) -> None:
        task = answer.task
        assert task is not None
        self.load(task, at, open_load=answer.open_load)
        label = item_label(task.item)
        if task.due is None:
            self.rework.offer(answer.rework)
            self.view.banner.show_message("rejected", f"Nothing to do here for {label}",
                                          f"{task.hint}{self.rework.hint()}")
            self.finish("not_due")
            return
        load = answer.open_load
        if load is not None:
            others = len(load.items) - 1
            with_others = f" with {others} more item{'s' if others > 1 else ''} of its load" if others else ""
            since = load.started_at.astimezone().strftime("%H:%M")
            self.view.banner.show_message(
                "info", f"In progress since {since}  ·  {task.due.label}",
                f"{label}, started{with_others}{f' on {load.equipment}' if load.equipment else ''}. When it "
                f"is done: {self.next_instruction()}")
            self.finish("in_progress")
            return
        self.view.banner.show_message("info", f"{task.due.label}  ·  {label}", self.next_instruction())
        self.finish("task")

    def load(self, task: StationTask, at: datetime, **kwargs) -> None:
        """`task` becomes the step in hand, with the sensors' latest values."""
        self.draft.begin(task, at, **kwargs)
        self._last = None
        self.rework.offer(None)
        self.rework.forget()
        for source_ref, (value, unit, read_at) in self._sensor_values.items():
            self.draft.set_sensor(source_ref, value, unit, read_at)

    def _joined(self, answer: Identified) -> None:
        assert answer.item is not None
        self.draft.add_to_batch(answer.item)
        count = len(self.draft.items)
        self.view.banner.show_message(
            "info", f"{item_label(answer.item)} added  ·  {count} items in this load",
            "Scan the rest of the load, then START (Ctrl+Shift+Enter) to start it, or COMPLETE to record it "
            "done. To work on this item alone, scan CANCEL first.")
        self.finish("batch")

    def _equipment_scanned(self, answer: Identified) -> None:
        found = answer.equipment
        assert found is not None
        station = self.station.name
        if found.station != station:
            where = f"station {found.station}" if found.station else "no station"
            self.show_refusal("Scan refused", f"Equipment {found.code} ({found.name}) belongs to {where}, "
                              f"not to {station}. Scan the equipment you work on here.")
            return
        if found.problem:
            self.show_refusal("Scan refused", found.problem)
            return
        if self.draft.task is None:
            self._last = None  # a new start at the machine: the step before is not what is shown any more
        known = self.draft.station_equipment(found.code)
        self.draft.choose_equipment(known or EquipmentView(found.code, found.name, True, None))
        self.view.banner.show_message("info", f"Equipment {found.code} scanned  ·  {found.name}",
                                      self.next_instruction())
        self.finish("equipment")

    def _component_scanned(self, answer: Identified) -> None:
        item = answer.item
        assert item is not None
        draft = self.draft
        if draft.task is not None and item.id == draft.task.item.id:
            self.view.banner.show_message("info", f"{item_label(item)} is the part being worked on",
                                          self.next_instruction())
            self.finish("info")
            return
        wanted = draft.workable and any(n.part_number == item.part_number for n in draft.task.components)
        refusal = answer.problem if wanted and answer.problem else draft.add_component(item)
        if refusal:
            self.show_refusal("Scan refused", refusal)
            return
        allocation = next(a for s in draft.need_status() for a in s.lots if a.item.id == item.id)
        self.view.banner.show_message("info", f"{item_label(item)}  ·  uses {allocation.quantity:g} "
                                      f"{item.unit}", self.next_instruction())
        self.finish("component")

    # -- completing and starting over ------------------------------------------------------------------

    def _start(self) -> None:
        missing = self.draft.start_missing()
        if missing:
            title = "Not ready to start" if self.draft.workable else "Nothing to start"
            self.view.banner.show_message("warning", title, "  ".join(missing))
            self.finish("not_ready")
            return
        request = self.draft.start_request(self.station.name)
        self.run("Starting …", station_work.start, self.context.factory, self.context.actor, request,
                 approved_by=self.rework.approver,
                 on_done=lambda step: self._recorded(step, request.equipment, ()),
                 on_failed=lambda error: self.rework.refused("start", error)
                 or self.refuse("Not started — nothing was written", error))

    def _complete(self) -> None:
        refusals = self.draft.refusals()
        if refusals:
            self.show_refusal("Not recorded — nothing was written", "  ".join(refusals))
            return
        missing = self.draft.missing()
        if missing:
            title = "Not ready to complete" if self.draft.workable else "Nothing to complete"
            self.view.banner.show_message("warning", title, "  ".join(missing))
            self.finish("not_ready")
            return
        request = self.draft.request(self.station.name)
        equipment = self.draft.equipment.code if self.draft.equipment and request.start else None
        readings = request.completion.parameters
        max_age = timedelta(seconds=self.context.settings.get("sensors.max_age_s"))
        self.run("Recording …", station_work.record, self.context.factory, self.context.actor, request,
                 max_age=max_age, approved_by=self.rework.approver,
                 on_done=lambda step: self._recorded(step, equipment, readings),
                 on_failed=lambda error: self.rework.refused("complete", error)
                 or self.refuse("Not recorded — nothing was written", error))

    def _recorded(self, step: RecordedStep, equipment: str | None, readings: tuple[Reading, ...]) -> None:
        self.view.recent.add(RecentStep(station_work.now(), step, equipment, readings))
        self.view.recent_table.fit_columns()
        done, self.draft = self.draft, StepDraft(equipment=self.draft.equipment)
        self._last = (step, done) if done.task is not None else None
        self.rework.offer(None)
        self.rework.forget()
        kept = f" Equipment {equipment} stays scanned for the next part." if equipment else ""
        title = "Recorded — values flagged for quality" if step.flagged else "Recorded"
        if step.result is StepResult.IN_PROGRESS:
            title = f"Started at {station_work.now().astimezone():%H:%M}"
        self.view.banner.show_message("accepted", title, f"{step.message}{kept}")
        self.finish("started" if step.result is StepResult.IN_PROGRESS else "accepted")
        self.step_recorded.emit(step)

    def _start_over(self) -> None:
        self.draft.clear(keep_equipment=False)
        self._last = None
        self.rework.offer(None)
        self.rework.forget()
        self.show_waiting("Started over: nothing was recorded")
        self.finish("cleared")

    # -- answers ---------------------------------------------------------------------------------------

    def refuse(self, title: str, error: BaseException) -> None:
        self.show_refusal(title, describe_error(error), kind="rejected" if isinstance(error, DomainError)
                          else "error")

    def show_refusal(self, title: str, sentence: str, kind: str = "rejected") -> None:
        """Red, and nothing scanned so far is lost: the operator fixes the one wrong thing."""
        self.view.banner.show_message("rejected", title, sentence)
        self.finish(kind)

    def finish(self, kind: str) -> None:
        """After every answer the keyboard is where the next input goes: a parameter still to type, else
        the scan field; a parameter being typed keeps it while the step is still open."""
        self.refresh()
        form = self.view.parameter_form
        typing = self._typing() and self.draft.state() == PARAMETERS
        field = form.first_to_fill(self.draft.parameters)
        if self.draft.state() == PARAMETERS and field is not None and not typing:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not typing:
            self.view.scan_field.ready_for_next_scan()
        self.result_shown.emit(kind)

    def next_instruction(self) -> str:
        missing = self.draft.missing()
        return missing[0] if missing else "Ready: press Complete, Ctrl+Enter, or scan COMPLETE."

    def _typing(self) -> bool:
        """The keyboard is in one of the view's fields other than the scan field."""
        focus = QApplication.focusWidget()
        return (isinstance(focus, QLineEdit) and focus is not self.view.scan_field
                and self.view.isAncestorOf(focus))

    # -- parameters typed ------------------------------------------------------------------------------

    def _typed(self, name: str, text: str) -> None:
        self.draft.set_text(name, text)
        self.refresh(parameters_only=True)

    def _entry_finished(self, name: str) -> None:
        """Enter in a parameter field: on to the next one still to fill, else back to the scan field."""
        form = self.view.parameter_form
        field = form.first_to_fill(self.draft.parameters)
        if field is not None and field is not form.fields.get(name):
            field.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.view.scan_field.ready_for_next_scan()

    def refresh(self, *, parameters_only: bool = False) -> None:
        self.view.show_draft(self.draft, self.station.work_center, self._last,
                             parameters_only=parameters_only, busy=self.queue.busy)
        state = self.draft.state()
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def station_loaded(self, work_center: str) -> None:
        if self.draft.task is not None:
            self.view.item_card.show_task(self.draft.task, work_center)
