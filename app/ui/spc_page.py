"""SPC: pick an operation and see the control state of all its characteristics at a glance (green in control,
red with the rule that fired, amber below the capability target); open one for its chart. The dashboard
follows new measurements live, like the chart."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.spc_data import operations_with_characteristics
from app.services.spc_views import CharacteristicState, OperationChoice, State
from app.ui import report_export, spc_work
from app.ui.palette import TEXT_BAD, TEXT_GOOD, TEXT_WARN
from app.ui.spc_chart import ChartView
from app.ui.spc_dashboard_model import DashboardModel
from app.ui.report_export import PdfExporter
from app.ui.spc_live import ChangeWatch
from app.ui.spc_work import DashboardAnswer
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.message_panel import MessagePanel
from app.ui.workspaces import PageContext, Workspace, register

NO_OPERATIONS_TITLE = "No measurements to chart yet"
NO_OPERATIONS_BODY = ("Control charts appear here once inspectors have signed measurements of variable "
                      "characteristics (diameters, lengths, torques …).")
LEGEND = " &nbsp; ".join(f"<span style='color:{colour.name()}'>■</span> {meaning}" for colour, meaning in (
    (TEXT_GOOD, "In control"), (TEXT_BAD, "Rule violated"),
    (TEXT_WARN, f"Cpk below {spc_work.CAPABILITY_TARGET:.2f}")))
DASHBOARD_HINT = (f"{LEGEND} &nbsp;·&nbsp; Limits from the first {spc_work.BASELINE} samples; state and "
                  f"Cpk judged on the newest {spc_work.RECENT}. Double-click a line or press Enter for its "
                  "chart.")


def summary_text(states: list[CharacteristicState]) -> str:
    """The dashboard's headline: how many characteristics need someone's attention."""
    total = len(states)
    violated = sum(s.state is State.RULE_VIOLATED for s in states)
    low = sum(s.state is State.LOW_CAPABILITY for s in states)
    if not total:
        return "No variable characteristics are measured at this operation."
    named = f"{total} characteristic{'s' if total != 1 else ''}"
    if not violated and not low:
        return f"{named}: all in control" if total > 1 else f"{named}: in control"
    parts = [f"{violated} out of control"] if violated else []
    parts += [f"{low} below the capability target"] if low else []
    return f"{named}: {' and '.join(parts)}"


class SpcPage(QWidget):
    """Signals:
        operations_loaded(int): the operation picker is filled (how many operations).
        dashboard_shown(str): after each dashboard answer: "rows", "empty" or "error".
        chart_shown(str): after each chart load: "chart" or "error".
        trace_requested(str): trace this item code (a chart point was clicked).
    """

    operations_loaded = Signal(int)
    dashboard_shown = Signal(str)
    chart_shown = Signal(str)
    trace_requested = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spcPage")
        self.context = context
        self._request = 0  # dashboard answers to older requests than this one are dropped
        self._loaded_operations = False

        self.operation_box = QComboBox()
        self.operation_box.setMinimumContentsLength(40)
        self.operation_box.currentIndexChanged.connect(lambda _: self.load_dashboard())
        self.rules_box = QComboBox()
        for rules, label in spc_work.RULE_SETS.items():
            self.rules_box.addItem(label, rules)
        self.rules_box.setToolTip("The rules that judge the X̄ and I charts; R and MR charts by their limits")
        self.rules_box.currentIndexChanged.connect(lambda _: self._rules_changed())
        self.refresh_button = QPushButton("Refresh", objectName="secondaryButton")
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.load_operations)
        # "Export PDF …": the SPC/capability report of the characteristic whose chart is open.
        self.export_button = QPushButton("Export PDF …", objectName="secondaryButton")
        self.export_button.setAutoDefault(False)
        self.export_button.setToolTip("Control chart, signals and Cp/Cpk/Pp/Ppk of the open chart as a PDF report")
        self.export_button.clicked.connect(self.export_report)
        self.export_button.hide()
        self.exporter = PdfExporter(context, self)
        self.exporter.exported.connect(lambda path: self.busy.setText(f"Report saved: {path}"))
        self.exporter.export_failed.connect(lambda text: self.busy.setText(text))
        self.busy = QLabel(objectName="busyLabel")

        self.message = MessagePanel()
        self.model = DashboardModel(parent=self)
        # No row selected at first: the selection colour would hide the first line's state colour.
        self.table = DataTable(self.model, sortable=True, stretch_column=7, wrap=True)
        self.table.record_activated.connect(self._open_state)
        self.hint = QLabel(DASHBOARD_HINT, objectName="mutedLabel")
        self.hint.setWordWrap(True)
        dashboard = QWidget()
        dashboard_layout = QVBoxLayout(dashboard)
        dashboard_layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(objectName="resultHeading")
        dashboard_layout.addWidget(self.summary)
        dashboard_layout.addWidget(self.table, 1)
        dashboard_layout.addWidget(self.hint)
        self.dashboard = dashboard
        self.chart = ChartView(context.runner, context.factory)
        self.chart.back_requested.connect(self.show_dashboard)
        self.chart.trace_requested.connect(self.trace_requested)
        self.chart.chart_shown.connect(self.chart_shown)

        self.stack = QStackedWidget()
        for widget in (self.message, self.dashboard, self.chart):
            self.stack.addWidget(widget)
        self.stack.currentChanged.connect(lambda _: self._watch_dashboard())
        self.stack.currentChanged.connect(
            lambda _: self.export_button.setVisible(self.stack.currentWidget() is self.chart))
        self.watch = ChangeWatch(context.runner, context.factory, parent=self)
        self.watch.changed.connect(self.load_dashboard)

        picker = QHBoxLayout()
        picker.setSpacing(10)
        picker.addWidget(QLabel("Operation", objectName="fieldCaption"))
        picker.addWidget(self.operation_box, 1)
        picker.addSpacing(12)
        picker.addWidget(QLabel("Rules", objectName="fieldCaption"))
        picker.addWidget(self.rules_box)
        picker.addWidget(self.busy)
        picker.addWidget(self.export_button)
        picker.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(14)
        layout.addLayout(picker)
        layout.addWidget(self.stack, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.show_dashboard)
        self.message.show_message("Loading the operations …")

    def activated(self) -> None:
        """Called by the main window whenever this page comes to the front."""
        if not self._loaded_operations:
            self.load_operations()
        self.table.setFocus()

    @property
    def rules(self) -> str:
        return self.rules_box.currentData()

    @property
    def operation(self) -> OperationChoice | None:
        return self.operation_box.currentData()

    # -- operations and dashboard ----------------------------------------------------------------------

    def load_operations(self) -> None:
        self.busy.setText("Loading …")
        self.context.runner.run(operations_with_characteristics, self.context.factory, name="spc_operations",
                                owner=self, on_done=self._show_operations, on_failed=self._show_error)

    def _show_operations(self, choices: list[OperationChoice]) -> None:
        self._loaded_operations = True
        self.busy.clear()
        current = self.operation
        self.operation_box.blockSignals(True)  # one dashboard load for the refill, not one per item
        self.operation_box.clear()
        for choice in choices:
            self.operation_box.addItem(f"{choice.label} — {choice.characteristics} characteristic"
                                       f"{'s' if choice.characteristics != 1 else ''}", choice)
        ids = [choice.operation_id for choice in choices]
        if current is not None and current.operation_id in ids:
            self.operation_box.setCurrentIndex(ids.index(current.operation_id))
        self.operation_box.blockSignals(False)
        self.operations_loaded.emit(len(choices))
        if not choices:
            self.message.show_message(NO_OPERATIONS_TITLE, NO_OPERATIONS_BODY)
            self.stack.setCurrentWidget(self.message)
            self.dashboard_shown.emit("empty")
            return
        self.load_dashboard()

    def select_operation(self, operation_id: uuid.UUID) -> None:
        for index in range(self.operation_box.count()):
            if self.operation_box.itemData(index).operation_id == operation_id:
                self.operation_box.setCurrentIndex(index)  # loads its dashboard
                return
        raise KeyError(operation_id)

    def load_dashboard(self) -> None:
        operation = self.operation
        if operation is None:
            return
        self._request += 1
        request = self._request
        self.busy.setText("Loading …")
        self.context.runner.run(
            spc_work.load_dashboard, self.context.factory, operation.operation_id, self.rules,
            name="spc_dashboard", owner=self,
            on_done=lambda answer: self._answered(request, answer),
            on_failed=lambda error: self._answered(request, error))

    def _answered(self, request: int, answer: DashboardAnswer | BaseException) -> None:
        if request != self._request:
            return  # another operation or rule set was chosen since
        self.busy.clear()
        if isinstance(answer, BaseException):
            self._show_error(answer)
            return
        self.model.set_records(answer.states)
        self.summary.setText(summary_text(answer.states))
        self.watch.watch(None, answer.marker)
        if self.stack.currentWidget() is not self.chart:
            self.stack.setCurrentWidget(self.dashboard)
        self.dashboard_shown.emit("rows" if answer.states else "empty")

    def _show_error(self, error: BaseException) -> None:
        self.busy.clear()
        self.message.show_message("The SPC data could not be loaded", describe_error(error), "error")
        self.stack.setCurrentWidget(self.message)
        self.dashboard_shown.emit("error")

    def _rules_changed(self) -> None:
        self.load_dashboard()
        self.chart.set_rules(self.rules)

    # -- chart -----------------------------------------------------------------------------------------

    def _open_state(self, state: CharacteristicState | None) -> None:
        if state is not None:
            self.open_chart(state.characteristic.id)

    def open_chart(self, characteristic_id: uuid.UUID) -> None:
        self.stack.setCurrentWidget(self.chart)
        self.chart.open(characteristic_id, rules=self.rules)

    def export_report(self) -> None:
        characteristic = self.chart.characteristic_id
        if characteristic is not None:
            self.exporter.ask("SPC report", report_export.spc_report_pdf, characteristic, self.rules)

    def show_dashboard(self) -> None:
        if self.stack.currentWidget() is self.chart:
            self.stack.setCurrentWidget(self.dashboard)
            self.table.setFocus()

    # -- live dashboard --------------------------------------------------------------------------------

    def _watch_dashboard(self) -> None:
        if self.isVisible() and self.stack.currentWidget() is self.dashboard:
            self.watch.start()
        else:
            self.watch.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._watch_dashboard()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.watch.stop()


register(Workspace(key="spc", title="SPC", build=SpcPage, order=40, shortcut="F6",
                   tooltip="Control charts and capability of every characteristic at an operation (F6)"))
