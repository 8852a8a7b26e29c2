"""Defects: which defect codes matter most (a Pareto chart with its table), and how the defect rate moves per
day or week for each operation, machine or operator; both since a chosen date, both saved as CSV or PNG."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.defect_analysis import ParetoRow, TrendRow, as_csv
from app.services.spc_data import operations_with_characteristics
from app.services.spc_views import OperationChoice
from app.ui import spc_export, spc_work
from app.ui.pareto_model import ParetoModel
from app.ui.spc_defect_rate_model import DefectRateModel
from app.ui.spc_work import DefectAnswer
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.spc_pareto_chart import ParetoChart
from app.ui.widgets.spc_trend_chart import TrendChart
from app.ui.workspaces import PageContext, Workspace, register

DEFAULT_DAYS = 365  # a year of weekly rates: long enough for a trend, short enough to read
TREND_KEYS = {"operation": "operation", "equipment": "machine", "operator": "operator"}
PERIODS = {"week": "week", "day": "day"}
PARETO_TABLE_EM = 32


def pareto_heading(rows: list[ParetoRow], since: QDate) -> str:
    total = sum(row.count for row in rows)
    when = since.toString("d MMM yyyy")
    if not rows:
        return f"No defects recorded since {when}."
    first = rows[0]
    return (f"{total:,} defect{'s' if total != 1 else ''} of {len(rows)} code{'s' if len(rows) != 1 else ''} "
            f"since {when} — the most frequent, {first.defect_code}, is {100 * first.count / total:.0f} %")


class DefectsPage(QWidget):
    """Signals:
        analysis_shown(str): after each answer: "shown" or "error" (the message is in `heading`).
    """

    analysis_shown = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("defectsPage")
        self.context = context
        self.answer: DefectAnswer | None = None
        self._request = 0  # answers to older requests than this one are dropped
        self._loaded_operations = False

        self.since_edit = QDateEdit(QDate.currentDate().addDays(-DEFAULT_DAYS))
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("d MMM yyyy")
        self.operation_box = QComboBox()
        self.operation_box.addItem("All operations", None)
        self.operation_box.setMinimumContentsLength(28)
        self.operation_box.setToolTip("Counts only the defects found by this operation's inspection plans")
        self.by_box = QComboBox()
        for key, label in TREND_KEYS.items():
            self.by_box.addItem(f"by {label}", key)
        self.period_box = QComboBox()
        for key, label in PERIODS.items():
            self.period_box.addItem(f"per {label}", key)
        for box in (self.operation_box, self.by_box, self.period_box):
            box.currentIndexChanged.connect(lambda _: self.load())
        self.since_edit.dateChanged.connect(lambda _: self.load())
        self.busy = QLabel(objectName="busyLabel")
        self.save_button = QPushButton("Save", objectName="secondaryButton")
        save_menu = QMenu(self.save_button)
        for label, what, suffix, save in (
                ("Pareto as CSV …", "Pareto", "csv", self.export_pareto_csv),
                ("Pareto chart as an image (PNG) …", "Pareto", "png", self.export_pareto_png),
                ("Defect rates as CSV …", "defect rates", "csv", self.export_trend_csv),
                ("Defect-rate chart as an image (PNG) …", "defect rates", "png", self.export_trend_png)):
            save_menu.addAction(label, lambda what=what, suffix=suffix, save=save:
                                self._ask(what, suffix, save))
        self.save_button.setMenu(save_menu)
        self.save_button.setAutoDefault(False)

        self.heading = QLabel(objectName="resultHeading")
        self.heading.setWordWrap(True)
        self.pareto_chart = ParetoChart()
        self.pareto = ParetoModel(parent=self)
        self.pareto_table = DataTable(self.pareto, sortable=True)
        self.pareto_table.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * PARETO_TABLE_EM)
        self.trend_chart = TrendChart()
        self.trend = DefectRateModel(parent=self)
        self.trend_table = DataTable(self.trend, sortable=True, stretch_column=1)
        self.trend_title = QLabel(objectName="sectionTitle")
        self.trend_tabs = QTabWidget(objectName="historyTabs")
        self.trend_tabs.addTab(self.trend_chart, "Chart")
        self.trend_tabs.addTab(self.trend_table, "Table")

        pareto_row = QSplitter(Qt.Orientation.Horizontal)
        pareto_row.setChildrenCollapsible(False)
        pareto_row.addWidget(self.pareto_chart)
        pareto_row.addWidget(self.pareto_table)
        pareto_row.setStretchFactor(0, 3)
        pareto_row.setStretchFactor(1, 2)
        trend = QWidget()
        trend_layout = QVBoxLayout(trend)
        trend_layout.setContentsMargins(0, 0, 0, 0)
        trend_layout.addWidget(self.trend_title)
        trend_layout.addWidget(self.trend_tabs, 1)
        body = QSplitter(Qt.Orientation.Vertical)
        body.setChildrenCollapsible(False)
        body.addWidget(pareto_row)
        body.addWidget(trend)

        filters = QHBoxLayout()
        filters.setSpacing(10)
        for caption, widget in (("Since", self.since_edit), ("Pareto of", self.operation_box),
                                ("Defect rate", self.by_box)):
            filters.addWidget(QLabel(caption, objectName="fieldCaption"))
            filters.addWidget(widget, 1 if widget is self.operation_box else 0)
            filters.addSpacing(8)
        filters.addWidget(self.period_box)
        filters.addWidget(self.busy)
        filters.addStretch(0)
        filters.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(filters)
        layout.addWidget(self.heading)
        layout.addWidget(body, 1)

    def activated(self) -> None:
        """Called by the main window whenever this page comes to the front: the operations once, then data."""
        if self._loaded_operations:
            return
        self._loaded_operations = True
        self.context.runner.run(operations_with_characteristics, self.context.factory,
                                name="defect_operations", owner=self, on_done=self._show_operations,
                                on_failed=self._show_error)

    def _show_operations(self, choices: list[OperationChoice]) -> None:
        self.operation_box.blockSignals(True)  # one load after the refill, not one per item
        for choice in choices:
            self.operation_box.addItem(choice.label, choice.operation_id)
        self.operation_box.blockSignals(False)
        self.load()

    # -- asking the services ---------------------------------------------------------------------------

    @property
    def since(self) -> datetime:
        """Local midnight at the start of the chosen day, time-zone aware."""
        return datetime.combine(self.since_edit.date().toPython(), time()).astimezone()

    @property
    def operation_id(self) -> uuid.UUID | None:
        return self.operation_box.currentData()

    def load(self) -> None:
        self._request += 1
        request = self._request
        self.busy.setText("Loading …")
        self.context.runner.run(
            spc_work.load_defects, self.context.factory, since=self.since, operation_id=self.operation_id,
            by=self.by_box.currentData(), period=self.period_box.currentData(), name="defects", owner=self,
            on_done=lambda answer: self._answered(request, answer),
            on_failed=lambda error: self._answered(request, error))

    def _answered(self, request: int, answer: DefectAnswer | BaseException) -> None:
        if request != self._request:
            return  # the filters changed since; the newer answer is coming
        self.busy.clear()
        if isinstance(answer, BaseException):
            self._show_error(answer)
            return
        self.answer = answer
        self.heading.setText(pareto_heading(answer.pareto, self.since_edit.date()))
        self.pareto_chart.show_rows(answer.pareto)
        self.pareto.set_records(answer.pareto)
        by = TREND_KEYS[self.by_box.currentData()]
        self.trend.key_header = by.capitalize()
        self.trend.set_records(answer.trend)
        self.trend_chart.show_rows(answer.trend)
        self.trend_title.setText(f"Defective inspections per {self.period_box.currentData()}, by {by} "
                                 "(all operations)")
        self.analysis_shown.emit("shown")

    def _show_error(self, error: BaseException) -> None:
        self.busy.clear()
        self.heading.setText(f"The defect analysis could not be loaded. {describe_error(error)}")
        self.analysis_shown.emit("error")

    # -- export ----------------------------------------------------------------------------------------

    def export_pareto_csv(self, path: str | Path) -> None:
        rows = self.answer.pareto if self.answer else []
        Path(path).write_text(as_csv(rows, ParetoRow), encoding="utf-8")

    def export_trend_csv(self, path: str | Path) -> None:
        rows = self.answer.trend if self.answer else []
        Path(path).write_text(as_csv(rows, TrendRow), encoding="utf-8")

    def export_pareto_png(self, path: str | Path) -> bool:
        return self._figure(self.pareto_chart, "Pareto of defect codes").save(str(path), "PNG")

    def export_trend_png(self, path: str | Path) -> bool:
        return self._figure(self.trend_chart, self.trend_title.text()).save(str(path), "PNG")

    def _figure(self, chart: QWidget, title: str) -> QPixmap:
        operation = self.operation_box.currentText()
        note = f"Since {self.since_edit.date().toString('d MMM yyyy')} · {operation} · Threadline"
        return spc_export.figure_with_header(chart, title, note, title_font=self.heading.font(),
                                             note_font=self.font())

    def _ask(self, what: str, suffix: str, save: Callable[[str], bool | None]) -> None:
        problem = spc_export.ask_and_save(self, what, suffix, save)
        if problem:
            self.heading.setText(problem)


register(Workspace(key="defects", title="Defects", build=DefectsPage, order=45, shortcut="F7",
                   tooltip="Pareto of defect codes and defect rates over time (F7)"))
