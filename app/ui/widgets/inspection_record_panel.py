"""The record on the Inspection page: what its signature did, its form, every reading behind it and the item's
other records in tabs, and under them how far it is and what can be done (sign, review, correct, inspect
again). It shows; the page decides and does the work."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.services.inspection import Meaning, MeasurementView, NonconformanceView, RecordForm, RecordSummary
from app.ui.inspection_readings_model import ReadingsModel, reading_rows
from app.ui.inspection_records_model import RecordListModel
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.inspection_form import InspectionForm
from app.ui.widgets.inspection_signoff import SignoffPanel

FORM_TAB, READINGS_TAB, RECORDS_TAB = range(3)


class RecordPanel(QWidget):
    """Signals:
        record_chosen(object): a RecordSummary of the item's records list was opened (Enter, double-click).
    """

    record_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form_record: RecordForm | None = None
        self.measurements: Sequence[MeasurementView] = ()
        self.signoff = SignoffPanel()
        self.form = InspectionForm()
        self.readings = ReadingsModel(parent=self)
        self.readings_table = DataTable(self.readings, stretch_column=6)
        self.records = RecordListModel(parent=self)
        self.records_table = DataTable(self.records, stretch_column=7, select_first=True)
        self.records_table.setToolTip("Enter or double-click opens the record; a signed one read-only")
        self.records_table.record_activated.connect(lambda record: record and self.record_chosen.emit(record))
        self.tabs = QTabWidget(objectName="historyTabs")
        self.tabs.addTab(self.form, "Form")
        self.tabs.addTab(self.readings_table, "All readings")
        self.tabs.addTab(self.records_table, "Records of the item")
        self.tabs.currentChanged.connect(lambda _index: self._fill_readings())
        self.summary = QLabel(objectName="formSummary", wordWrap=True)
        self.new_button = self._button("New inspection", "secondaryButton")
        self.new_button.setToolTip("Inspect this item again on the current plan (after rework, for instance)")
        self.correct_button = self._button("Correct …", "secondaryButton")
        self.sign_button = self._button("Sign …", "primaryButton")

        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        bottom.addWidget(self.summary, 1)
        for button in (self.new_button, self.correct_button, self.sign_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.signoff)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    @staticmethod
    def _button(text: str, style: str) -> QPushButton:
        button = QPushButton(text, objectName=style)
        button.setAutoDefault(False)
        return button

    def show_record(self, form: RecordForm, nonconformances: tuple[NonconformanceView, ...],
                    records: tuple[RecordSummary, ...]) -> None:
        self.form_record = form
        self.signoff.show_record(form, nonconformances)
        self.form.show_form(form)
        self.show_records(records, form.id)
        self.tabs.setCurrentIndex(FORM_TAB)

    def show_records(self, records: tuple[RecordSummary, ...], current: uuid.UUID | None = None) -> None:
        self.records.set_records(records)
        self.tabs.setTabText(RECORDS_TAB, f"Records of the item ({len(records)})")
        row = next((n for n, r in enumerate(records) if r.id == current), None)
        if row is not None:
            self.records_table.selectRow(self.records_table.proxy.mapFromSource(self.records.index(row, 0)).row())

    def show_readings(self, measurements: Sequence[MeasurementView]) -> None:
        self.measurements = measurements
        self.tabs.setTabText(READINGS_TAB, f"All readings ({len(measurements)})")
        self._fill_readings()

    def _fill_readings(self) -> None:
        # Filled (and its columns fitted) when it is looked at, not on every value of a long form.
        if self.form_record is not None and self.tabs.currentIndex() == READINGS_TAB:
            self.readings.set_records(reading_rows(self.form_record.plan, self.measurements))

    def show_buttons(self, me: uuid.UUID | None) -> None:
        """Sign while open; once signed: review (by someone who has not signed it), correct, inspect again."""
        form = self.form_record
        if form is None:
            return
        newest = form.corrected_by is None
        reviewable = (not form.editable and newest and bool(form.signatures)
                      and all(s.user_id != me for s in form.signatures)
                      and all(s.meaning is not Meaning.REVIEWED for s in form.signatures))
        self.sign_button.setText("Sign …" if form.editable else "Review …")
        self.sign_button.setVisible(form.editable or reviewable)
        self.correct_button.setVisible(not form.editable and newest)
        self.new_button.setVisible(not form.editable and newest)
        self.show_counts()

    def show_counts(self) -> None:
        form = self.form_record
        if form is None:
            return
        if form.editable:
            self.summary.setText(self.form.summary(form.item_code))
        elif form.corrected_by is not None:
            self.summary.setText(f"Signed {form.result.value.upper()} · read-only, and corrected by a newer "
                                 "version (see Records of the item).")
        else:
            self.summary.setText(f"Signed {form.result.value.upper()} · read-only. To change a value, start a "
                                 "correction.")
