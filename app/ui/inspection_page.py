"""Inspection: scan a part, pick the inspection that applies, and fill in the form its plan generates — by
typing or from a connected gauge — then sign it. A rescanned item shows its signed record read-only, to review,
correct or inspect again, and lists its other records. Every write runs on the worker, one at a time, against
the version the form was loaded at: a colleague's change in between is said and the form reloads."""

from __future__ import annotations

import re
import uuid
from collections import deque
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from app.devices.events import DeviceEvent
from app.services.errors import Conflict, NotFound
from app.services.inspection import (
    Confirmed,
    GaugeReading,
    Meaning,
    MeasurementView,
    PlanView,
    RecordSigned,
    RecordSummary,
    Saved,
)
from app.services.inspection.views import Entry
from app.services.lookup_views import ItemSummary
from app.services.permissions import Action, allowed
from app.ui import formatting as fmt
from app.ui import inspection_work, report_export
from app.ui.correction_dialog import CorrectionDialog
from app.ui.inspection_plan_model import PlanListModel
from app.ui.inspection_work import FormAnswer, ItemAnswer
from app.ui.item_list_model import ItemListModel
from app.ui.report_export import PdfExporter
from app.ui.sign_dialog import SignDialog
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.inspection_entry import repolish
from app.ui.widgets.inspection_header import InspectionHeader
from app.ui.widgets.inspection_record_panel import RecordPanel
from app.ui.widgets.inspection_row import InspectionRow
from app.ui.widgets.message_panel import MessagePanel
from app.ui.widgets.scan_field import ScanField
from app.ui.workspaces import PageContext, Workspace, register

if TYPE_CHECKING:
    from app.ui.device_adapter import StationDevices
    from app.ui.wedge_filter import WedgeFilter

# What a keyboard-wedge gauge types: a signed number, a decimal point or comma, perhaps its unit.
_WEDGE_READING = re.compile(r"[+\-\u2212]?\d+(?:[.,]\d+)?\s*(?:mm|µm|um|in)?")
WELCOME_TITLE = "Scan the part to inspect"
WELCOME_BODY = ("The form of its inspection plan opens. Type each value and press Enter, or put the cursor in "
                "the field and press the gauge's data button.")


class InspectionPage(QWidget):
    """Signals:
        form_shown(str): after each answer is on screen: "form", "plans", "items", "no_plan", "not_found"
            or "error".
        entry_saved(object): the Saved of each value written to the record.
        entry_refused(str): the sentence, when a value or a gauge reading was not taken.
        entry_confirmed(object): the Confirmed of each failed value confirmed as right.
        inspection_signed(object): the FormAnswer after a signature.
    """

    form_shown = Signal(str)
    entry_saved = Signal(object)
    entry_refused = Signal(str)
    entry_confirmed = Signal(object)
    inspection_signed = Signal(object)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectionPage")
        self.context = context
        self._request = 0  # answers to older requests than this one are dropped
        self.item: ItemSummary | None = None
        self.item_answer: ItemAnswer | None = None
        self.answer: FormAnswer | None = None  # the record on screen
        self.version: Any = None  # the record's version after our last write (RecordVersion)
        self.measurements: list[MeasurementView] = []
        self.writing = False
        self._waiting_readings: deque[DeviceEvent] = deque()  # gauge readings that came during a write
        self.sign_dialog: SignDialog | None = None
        self.correction_dialog: CorrectionDialog | None = None

        self.scan_field = ScanField("Scan or type the serial or lot to inspect …")
        self.scan_field.scan_submitted.connect(self.find)
        self.open_button = self._button("Open", "primaryButton", self.scan_field.submit)
        self.busy = QLabel(objectName="busyLabel")
        self.header = InspectionHeader()
        self.header.hide()
        self.plans_button = self._button("◀  Inspections", "secondaryButton", self.back_to_plans)
        self.plans_button.hide()
        self.banner = QLabel(objectName="hintLabel", wordWrap=True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()

        self.message = MessagePanel()
        self.items = ItemListModel(parent=self)
        self.item_table = DataTable(self.items, stretch_column=4, select_first=True)
        self.item_table.record_activated.connect(lambda item: item and self.pick_item(item.id))
        self.item_table.text_typed.connect(self.scan_field.take_typed_text)
        self.plans = PlanListModel(parent=self)
        self.plan_table = DataTable(self.plans, stretch_column=3, select_first=True)
        self.plan_table.record_activated.connect(lambda plan: plan and self.open_plan(plan))
        self.plan_table.text_typed.connect(self.scan_field.take_typed_text)

        self.form_page = RecordPanel()
        self.form_page.record_chosen.connect(lambda record: self.open_record(record.id))
        # The panel's parts by name, as the page and its tests use them.
        panel = self.form_page
        self.form, self.signoff, self.tabs, self.summary = panel.form, panel.signoff, panel.tabs, panel.summary
        self.readings, self.readings_table = panel.readings, panel.readings_table
        self.records, self.records_table = panel.records, panel.records_table
        self.sign_button, self.correct_button, self.new_button = (panel.sign_button, panel.correct_button,
                                                                  panel.new_button)
        self.sign_button.clicked.connect(self.request_signature)
        self.correct_button.clicked.connect(self.request_correction)
        self.new_button.clicked.connect(self.inspect_again)
        self.form.entry_committed.connect(self._commit)
        self.form.entry_refused.connect(lambda _row, text: self.entry_refused.emit(text))
        self.form.confirm_requested.connect(self._confirm)
        self.form.counts_changed.connect(panel.show_counts)
        self.form.passed_last.connect(lambda: self.sign_button.setFocus())

        self.stack = QStackedWidget()
        for widget in (self.message, self.item_table, self.plan_table, self.form_page):
            self.stack.addWidget(widget)
        # "Export PDF …": the inspection record report of the record on screen (reportlab, on the worker).
        self.export_button = self._button("Export PDF …", "secondaryButton", self.export_record)
        self.export_button.setToolTip("The inspection record report as a PDF: readings against limits, signatures")
        self.export_status = QLabel(objectName="mutedLabel")
        self.exporter = PdfExporter(context, self)
        self.exporter.exported.connect(lambda path: self.export_status.setText(f"Report saved: {path}"))
        self.exporter.export_failed.connect(self.export_status.setText)
        self.stack.currentChanged.connect(
            lambda _index: self.export_button.setVisible(self.stack.currentWidget() is self.form_page))
        self.export_button.hide()
        self._lay_out()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.scan_field.ready_for_next_scan)
        self.message.show_message(WELCOME_TITLE, WELCOME_BODY)
        self.setFocusProxy(self.scan_field)

    def _button(self, text: str, style: str, slot) -> QPushButton:
        button = QPushButton(text, objectName=style)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _lay_out(self) -> None:
        title = QLabel("Inspection", objectName="dialogTitle")
        intro = QLabel("Scan a part, fill in its inspection form, sign it.", objectName="mutedLabel")
        heading = QHBoxLayout()
        heading.setSpacing(16)
        heading.addWidget(title)
        heading.addWidget(intro, 1, Qt.AlignmentFlag.AlignBaseline)
        heading.addWidget(self.busy)
        heading.addWidget(self.export_status)
        heading.addWidget(self.export_button)
        scan_row = QHBoxLayout()
        scan_row.setSpacing(12)
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.open_button)
        header_row = QHBoxLayout()
        header_row.setSpacing(12)
        header_row.addWidget(self.header, 1)
        header_row.addWidget(self.plans_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(heading)
        layout.addLayout(scan_row)
        layout.addLayout(header_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)

    def export_record(self) -> None:
        form = self.form_page.form_record
        if form is not None:
            self.exporter.ask(f"inspection record {form.item_code}", report_export.inspection_report_pdf, form.id)

    # -- the main window's calls ------------------------------------------------------------------------

    def activated(self) -> None:
        """Back on this page: into the form where it was left, else ready for a scan."""
        if self.stack.currentWidget() is self.form_page and self.form.editable and self.form.rows:
            self.form.focus_row(self.form.current or self.form.first_open_row() or self.form.rows[0])
        else:
            self.scan_field.ready_for_next_scan()

    def accept_scan(self, text: str) -> None:
        """A scan from a serial scanner or the keyboard-wedge filter opens that item, as if typed. A burst that
        is a number while a field of the form has the cursor comes from a gauge that types like a keyboard
        (the wedge filter cannot tell it from a scanner): it goes into that field."""
        row = self.form.current
        if (row is not None and row.variable and _WEDGE_READING.fullmatch(text.strip()) and self.answer
                and self.answer.form.editable and self.stack.currentWidget() is self.form_page):
            row.take_text(text.strip())
            return
        self.scan_field.setText(text)
        self.scan_field.submit()

    def attach_devices(self, station: StationDevices, wedge: WedgeFilter | None = None) -> None:
        """Gauge readings go into the focused field of the form on this page, when it is in front."""
        station.measurement_received.connect(self.take_gauge_reading)

    # -- finding the item and its plan ------------------------------------------------------------------

    def find(self, text: str) -> None:
        self._run(inspection_work.find_item, self.context.factory, text, on_done=self._item_found,
                  busy="Looking up …")

    def pick_item(self, item_id: uuid.UUID) -> None:
        self._run(inspection_work.item_plans, self.context.factory, item_id, on_done=self._item_found,
                  busy="Looking up …")

    def open_plan(self, plan: PlanView) -> None:
        if self.item is None:
            return
        self._run(inspection_work.open_form, self.context.factory, self.context.actor, self.item.id, plan,
                  on_done=self._show_answer, busy="Opening the form …")

    def open_record(self, record_id: uuid.UUID) -> None:
        """Show one record (a signed one too) by its id."""
        self._run(inspection_work.load, self.context.factory, record_id, on_done=self._show_answer,
                  busy="Opening the record …")

    def inspect_again(self) -> None:
        """A new record for the item on the current plan of the signed record's inspection."""
        if self.answer is None or self.answer.form.editable:
            return
        form = self.answer.form
        self._run(inspection_work.inspect_again, self.context.factory, self.context.actor, form.item_id,
                  form.plan, on_done=self._show_answer, busy="Opening a new form …")

    def back_to_plans(self) -> None:
        if self.item_answer is not None and len(self.item_answer.plans) > 1:
            self._show_plans(self.item_answer)

    def _run(self, func, *args: Any, on_done, busy: str, **kwargs: Any) -> None:
        self._request += 1
        request = self._request
        self.busy.setText(busy)
        self.busy.show()
        self.context.runner.run(
            func, *args, name=func.__name__, owner=self,
            on_done=lambda payload: self._answered(request, on_done, payload),
            on_failed=lambda error: self._answered(request, self._show_error, error), **kwargs)

    def _answered(self, request: int, show, payload: Any) -> None:
        if request != self._request:
            return  # a newer scan went out; its answer is the one to show
        self.busy.hide()
        show(payload)

    def _item_found(self, answer: ItemAnswer) -> None:
        self._say("")
        self.item_answer = answer
        self.item = answer.item
        self.answer = None
        result = answer.result
        if self.item is None:
            self.header.hide()
            self.plans_button.hide()
            if result.items:
                self.items.set_records(result.items)
                self.stack.setCurrentWidget(self.item_table)
                self._say(f"{result.heading} — pick the one to inspect, or scan the serial or lot on the item's "
                          "own label.")
                self.scan_field.ready_for_next_scan()
                self.form_shown.emit("items")
            else:
                self._show_message(result.heading or "Nothing to inspect", result.hint, "warning", "not_found")
            return
        self.header.show_item(self.item)
        self.header.show()
        if not answer.plans:
            self._show_message(f"{self.item.part_number} rev {self.item.revision} has no inspection plan",
                               "Ask a quality engineer to write one in the Inspection plans workspace.",
                               "warning", "no_plan")
        elif len(answer.plans) == 1:
            self.open_plan(answer.plans[0])
        else:
            self._show_plans(answer)

    def _show_plans(self, answer: ItemAnswer) -> None:
        self.plans.set_records(answer.plans)
        self.plans_button.hide()
        self.stack.setCurrentWidget(self.plan_table)
        self._say(f"{len(answer.plans)} inspections apply to this part: pick one and press Enter.")
        self.plan_table.setFocus()
        self.form_shown.emit("plans")

    def _show_message(self, title: str, body: str, tone: str, kind: str) -> None:
        self.message.show_message(title, body, tone)
        self.stack.setCurrentWidget(self.message)
        self.scan_field.ready_for_next_scan()
        self.form_shown.emit(kind)

    def _show_error(self, error: BaseException) -> None:
        self._show_message("That did not work", describe_error(error), "error", "error")

    # -- the form -------------------------------------------------------------------------------------

    def _show_answer(self, answer: FormAnswer) -> None:
        form = answer.form
        self.answer, self.version = answer, form.version
        self.measurements = list(form.measurements)
        self._waiting_readings.clear()
        self.writing = False
        self.header.show_form(form, answer.sampling)
        self.header.show()
        self.plans_button.setVisible(self.item_answer is not None and len(self.item_answer.plans) > 1)
        self.form_page.show_record(form, answer.nonconformances, answer.records)
        self.form_page.show_readings(self.measurements)
        self.stack.setCurrentWidget(self.form_page)
        self.form_page.show_buttons(self.context.actor.user_id)
        if form.editable:
            self.form.focus_row(self.form.first_open_row() or self.form.rows[0])
        else:
            self.scan_field.ready_for_next_scan()
        if answer.rescanned:
            self._say(_rescanned(form.item_code, next(r for r in answer.records if r.id == form.id)))
        self.form_shown.emit("form")

    # -- writing values -------------------------------------------------------------------------------

    def _commit(self, row: InspectionRow, entry: Entry, confirmed: bool) -> None:
        if self.answer is None or self.writing:
            return
        self.writing = True
        row.show_saving()
        self.context.runner.run(
            inspection_work.save_entry, self.context.factory, self.context.actor, self.answer.form.id,
            row.characteristic.id, entry, version=self.version,
            replaces=row.current.id if row.current is not None else None, confirmed=confirmed,
            name="record_value", owner=self,
            on_done=lambda saved: self._saved(row, saved),
            on_failed=lambda error: self._save_failed(row, entry, error))

    def _saved(self, row: InspectionRow, saved: Saved) -> None:
        self.writing = False
        if row not in self.form.rows:
            return  # another form came up meanwhile; the value is in its record all the same
        self.version = saved.version
        if row.current is not None:
            self.measurements = [replace(m, superseded_by_id=saved.measurement.id) if m.id == row.current.id
                                 else m for m in self.measurements]
        self.measurements.append(saved.measurement)
        self._say("")
        row.show_saved(saved)
        self.form_page.show_readings(self.measurements)
        if saved.measurement.passed:
            self.form.move_on_from(row)
        self.entry_saved.emit(saved)
        self._next_waiting_reading()

    def _confirm(self, row: InspectionRow) -> None:
        if self.answer is None or row.current is None:
            return
        if self.writing:
            row.show_refused("The value before is still being saved; confirm again in a moment.")
            return
        self.writing = True
        self.context.runner.run(
            inspection_work.confirm, self.context.factory, self.context.actor, self.answer.form.id, row.current.id,
            version=self.version, name="confirm_value", owner=self,
            on_done=lambda confirmed: self._confirmed(row, confirmed),
            on_failed=lambda error: self._save_failed(row, None, error))

    def _confirmed(self, row: InspectionRow, confirmed: Confirmed) -> None:
        self.writing = False
        if row not in self.form.rows:
            return
        self.version = confirmed.version
        self.measurements = [confirmed.measurement if m.id == confirmed.measurement.id else m
                             for m in self.measurements]
        self._say("")
        row.show_confirmed(confirmed.measurement)
        self.form_page.show_readings(self.measurements)
        self.entry_confirmed.emit(confirmed)
        self._next_waiting_reading()

    def _save_failed(self, row: InspectionRow, entry: Entry | None, error: BaseException) -> None:
        self.writing = False
        if row not in self.form.rows or self.answer is None:
            return
        if isinstance(error, (Conflict, RecordSigned)):
            # Never overwrite a colleague's entry: say what happened and show the record as it is now.
            row.show_refused(str(error))
            self._say(str(error), error=True)
            self.open_record(self.answer.form.id)
            return
        text = describe_error(error)
        if isinstance(entry, GaugeReading) and isinstance(error, NotFound):
            text = (f"The gauge '{entry.gauge}' sent {entry.value:g} {entry.unit}, but no gauge has the code "
                    f"{entry.gauge}: nothing was filled in. On the Devices page, name the gauge after the code on "
                    "its calibration label (e.g. CAL-04).")
        row.show_refused(text)
        self._waiting_readings.clear()  # they were meant for the fields after this one

    # -- gauges ---------------------------------------------------------------------------------------

    def take_gauge_reading(self, event: DeviceEvent) -> None:
        """A gauge's data button: the value goes into the focused field, and the cursor moves on."""
        if not self.isVisible():
            return  # another page is in front; the reading is not for an inspection form
        if self.answer is None or self.stack.currentWidget() is not self.form_page:
            self._say(f"Reading from {event.device} not used: scan the part first, then send the value.",
                      error=True)
            self.entry_refused.emit(self.banner.text())
            return
        if not self.answer.form.editable:
            self._say(f"Reading from {event.device} not used: this record is signed and read-only. To change a "
                      "value, start a correction.", error=True)
            self.entry_refused.emit(self.banner.text())
            return
        if any(d is not None and d.isVisible() for d in (self.sign_dialog, self.correction_dialog)):
            # A value saved under an open signature window would change what is being signed.
            self._say(f"Reading from {event.device} not used: close the signature window first.", error=True)
            self.entry_refused.emit(self.banner.text())
            return
        self._waiting_readings.append(event)
        if not self.writing:
            self._next_waiting_reading()

    def _next_waiting_reading(self) -> None:
        if not self._waiting_readings or self.writing:
            return
        event = self._waiting_readings.popleft()
        row = self.form.current or self.form.first_open_row()
        if row is None:
            self._say(f"Reading from {event.device} not used: every field is filled. Put the cursor in a field "
                      "to re-measure it.", error=True)
            return
        reading = event.reading
        row.submit(GaugeReading(reading.value, reading.unit, event.device))

    # -- signing and correcting -----------------------------------------------------------------------

    def request_signature(self) -> None:
        if self.answer is None:
            return
        form = self.answer.form
        if form.editable:
            problem, row = self.form.sign_blocker()
            if problem:
                self._say(problem, error=True)
                self.form.focus_row(row)
                return
        me = self.context.actor
        allowed_meanings = {
            Meaning.INSPECTED: "" if form.editable else "This record is already signed as inspected.",
            Meaning.REVIEWED: "A record is reviewed after its inspector has signed it." if form.editable else "",
        }
        sign = partial(_sign, self.context.factory, me, form.id, self.version)
        self.sign_dialog = SignDialog(self.context.runner, sign, record=form.title,
                                      signer=me.full_name or me.username, allowed=allowed_meanings, parent=self)
        self.sign_dialog.signed.connect(self._signed)
        self.sign_dialog.open()

    def _signed(self, answer: FormAnswer) -> None:
        self._show_answer(answer)
        outcome, code = answer.outcome, answer.form.item_code
        if outcome is None:
            pass
        elif outcome.signature.meaning is Meaning.REVIEWED:
            self._say(f"Review signed: the record of {code} is reviewed.")
        elif outcome.nonconformances:
            self._say(f"Signed: {code} failed inspection. {', '.join(outcome.nonconformances)} opened; {code} is "
                      f"{fmt.status_label(outcome.item_status).lower()}.", error=True)
        else:
            self._say(f"Signed: {code} passed inspection ({fmt.status_label(outcome.item_status).lower()}).")
        self.inspection_signed.emit(answer)

    def request_correction(self) -> None:
        if self.answer is None or self.answer.form.editable:
            return
        self.correction_dialog = CorrectionDialog(self.answer.form.title, parent=self)
        self.correction_dialog.reason_given.connect(self._correct)
        self.correction_dialog.open()

    def _correct(self, reason: str) -> None:
        if self.answer is None:
            return
        self._run(inspection_work.correct, self.context.factory, self.context.actor, self.answer.form.id,
                  on_done=self._show_answer, busy="Starting the correction …", reason=reason)

    # -- the banner -----------------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        """One line above the form: red for what went wrong, blue for what to do next; '' hides it."""
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.banner.setObjectName("errorLabel" if error else "hintLabel")  # the style sheet's two boxes
        repolish(self.banner)


def _rescanned(code: str, record: RecordSummary) -> str:
    signed = fmt.local_time(record.signed_at) if record.signed_at else ""
    return (f"{code} was inspected: signed {record.result.value.upper()} by {record.inspector} on {signed}. It is "
            "shown read-only — review it, correct it, or press New inspection to inspect it again.")


def _sign(factory, actor, record_id: uuid.UUID, version: Any, password: str, meaning: Meaning) -> FormAnswer:
    """The dialog's call on the worker: password and meaning from the dialog, the rest from the page."""
    return inspection_work.sign(factory, actor, record_id, password=password, meaning=meaning, version=version)


WORKSPACE = register(Workspace(
    key="inspection", title="Inspection", build=InspectionPage, order=30, shortcut="F5",
    tooltip="Scan a part, fill in its inspection form from gauges or by hand, sign it (F5)",
    allowed=lambda actor: allowed(actor, Action.INSPECT) and not actor.is_system))
