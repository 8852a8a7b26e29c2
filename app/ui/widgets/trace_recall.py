"""The recall list: what is affected, where it is now and which customers must be told, with CSV and JSON
export; plus the form that starts a recall from a piece of equipment over a time window."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.recall import RecallReport
from app.ui import formatting as fmt
from app.ui.recall_model import RecallModel
from app.ui.widgets.data_table import DataTable

# Dates, check box and filter as easy to hit with a glove as the buttons next to them; the counts read
# like a heading, since they are what the list is for.
_STYLE = """
QDateEdit, QComboBox { min-height: 34px; padding: 4px 10px; }
QCheckBox::indicator { width: 24px; height: 24px; }
QLabel#recallSummary { font-size: %.1fpt; color: #2f3d4c; }
"""
ALL_LOCATIONS = "Everywhere"


def summary(report: RecallReport) -> tuple[str, str]:
    """Two lines for the top of the list: where the affected items are, and whom to notify."""
    where = " · ".join(f"{fmt.number(count)} {location}" for location, count in report.by_location().items())
    first = f"{fmt.number(len(report.lines))} lines" + (f": {where}" if where else "")
    customers = report.customers
    if not customers:
        return first, "No customer received any of these items."
    notify = ", ".join(f"{name} ({fmt.number(count)})" for name, count in customers.items())
    return first, f"Customers to notify: {notify}"


class EquipmentRecallForm(QWidget):
    """Signals:
        recall_requested(str, object, object): equipment code, first day (None: since its last
            calibration) and last day, both included.
    """

    recall_requested = Signal(str, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = QLineEdit(objectName="bigField")
        self.code.setPlaceholderText("e.g. GRD-02")
        self.code.returnPressed.connect(self.submit)
        today = QDate.currentDate()
        self.start = QDateEdit(today.addMonths(-1), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.end = QDateEdit(today, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.since_calibration = QCheckBox("since its last calibration")
        self.since_calibration.setToolTip("The last moment the equipment was known to be good")
        self.since_calibration.toggled.connect(lambda on: self.start.setEnabled(not on))
        self.since_calibration.setChecked(True)
        self.button = QPushButton("Recall from equipment", objectName="secondaryButton")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.submit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(QLabel("Equipment", objectName="fieldCaption"))
        layout.addWidget(self.code)
        for widget in (QLabel("from", objectName="fieldCaption"), self.since_calibration, self.start,
                       QLabel("to", objectName="fieldCaption"), self.end, self.button):
            layout.addWidget(widget)
        layout.addStretch(1)

    def submit(self) -> None:
        code = self.code.text().strip()
        if not code:
            self.code.setFocus()
            return
        start: date | None = None if self.since_calibration.isChecked() else self.start.date().toPython()
        self.recall_requested.emit(code, start, self.end.date().toPython())


class RecallView(QWidget):
    """Signals:
        back_requested(): the person wants the genealogy tree again.
        exported(str): a file was written, with its path.
    """

    back_requested = Signal()
    exported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(_STYLE % (self.font().pointSizeF() * 1.2))
        self.report: RecallReport | None = None
        self.equipment_form = EquipmentRecallForm()
        self.problem = QLabel(objectName="errorLabel")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.subject = QLabel(objectName="resultHeading")
        self.where = QLabel(objectName="recallSummary")
        self.notify = QLabel(objectName="sectionTitle")
        for label in (self.subject, self.where, self.notify):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines = RecallModel(parent=self)
        self.table = DataTable(self.lines, sortable=True)
        self.table.proxy.setFilterKeyColumn([c.header for c in RecallModel.columns].index("Location"))
        self.location = QComboBox()
        self.location.setToolTip("Show only the items in one place, e.g. those shipped to customers")
        self.location.currentIndexChanged.connect(self._filter)
        self.back_button = QPushButton("◀  Back to tree", objectName="secondaryButton")
        self.back_button.clicked.connect(self.back_requested)
        self.saved = QLabel(objectName="mutedLabel")
        self.csv_button = QPushButton("Export CSV …")
        self.json_button = QPushButton("Export JSON …")
        self.csv_button.clicked.connect(lambda: self._choose_file("csv"))
        self.json_button.clicked.connect(lambda: self._choose_file("json"))
        for button in (self.back_button, self.csv_button, self.json_button):
            button.setAutoDefault(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.saved)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.json_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.equipment_form)
        layout.addWidget(self.problem)
        layout.addSpacing(6)
        layout.addWidget(self.subject)
        where = QHBoxLayout()
        where.addWidget(self.where, 1)
        where.addWidget(QLabel("Show", objectName="fieldCaption"))
        where.addWidget(self.location)
        layout.addLayout(where)
        layout.addWidget(self.notify)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.show_report(None)

    def start_equipment_recall(self) -> None:
        """Show the equipment form, ready for a code; the list below stays until a new one comes."""
        self.equipment_form.show()
        self.equipment_form.code.setFocus()
        self.equipment_form.code.selectAll()

    def show_trace_recall(self, report: RecallReport) -> None:
        """A recall list made from a trace: the equipment form has nothing to do with it."""
        self.equipment_form.hide()
        self.show_report(report)

    def show_problem(self, text: str) -> None:
        """Why a recall could not be made (unknown equipment, a window that ends before it starts)."""
        self.show_report(None)  # the list below belongs to the previous question, not this one
        self.problem.setText(text)
        self.problem.show()

    def show_report(self, report: RecallReport | None) -> None:
        self.problem.hide()
        self.report = report
        self.lines.set_records(report.lines if report else ())
        self.saved.clear()
        self.location.blockSignals(True)  # refilled below; filter once, at the end
        self.location.clear()
        self.location.addItem(ALL_LOCATIONS)
        for place, count in (report.by_location() if report else {}).items():
            self.location.addItem(f"{fmt.word(place)} ({fmt.number(count)})", fmt.word(place))
        self.location.blockSignals(False)
        self._filter()
        for button in (self.csv_button, self.json_button):
            button.setEnabled(bool(report and report.lines))
        if report is None:
            self.subject.setText("Recall list")
            self.where.setText("Trace a suspect heat, lot or serial forward and press Recall list, "
                               "or recall everything a piece of equipment touched.")
            self.notify.clear()
            return
        self.subject.setText(report.subject)
        if not report.lines:
            self.where.setText("Nothing was processed or measured there in that time: no item is affected.")
            self.notify.clear()
            return
        where, notify = summary(report)
        self.where.setText(where)
        self.notify.setText(notify)

    def _filter(self) -> None:
        place = self.location.currentData()
        pattern = f"^{re.escape(place)}$" if place else ""
        self.table.proxy.setFilterRegularExpression(QRegularExpression(pattern))
        self.table.fit_columns()  # to the lines now shown: shipped ones have customers, consumed ones not

    # -- export ----------------------------------------------------------------------------------------

    def _choose_file(self, kind: str) -> None:
        stem = f"recall-{self.report.suspects[0]}" if self.report and self.report.suspects else "recall"
        path, _ = QFileDialog.getSaveFileName(self, f"Export the recall list as {kind.upper()}",
                                              str(Path.home() / f"{stem}.{kind}"),
                                              f"{kind.upper()} (*.{kind})")
        if path:
            (self.export_csv if kind == "csv" else self.export_json)(path)

    def export_csv(self, path: str | Path) -> bool:
        assert self.report is not None
        return self._write(Path(path), self.report.as_csv())

    def export_json(self, path: str | Path) -> bool:
        assert self.report is not None
        text = json.dumps(self.report.as_json(), indent=2, ensure_ascii=False)
        return self._write(Path(path), text + "\n")

    def _write(self, path: Path, text: str) -> bool:
        try:
            # newline="" keeps the CSV's own line ends, as the csv module wants.
            path.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            self._say(f"Could not save {path.name}: {exc.strerror}. Choose another folder.", "errorLabel")
            return False
        self._say(f"Saved {path}", "mutedLabel")
        self.exported.emit(str(path))
        return True

    def _say(self, text: str, style: str) -> None:
        self.saved.setText(text)
        self.saved.setObjectName(style)
        # The style sheet picks the look by object name; re-polish so the change shows.
        self.saved.style().unpolish(self.saved)
        self.saved.style().polish(self.saved)
