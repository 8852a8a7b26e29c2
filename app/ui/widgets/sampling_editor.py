"""How a plan samples, in the plan editor: every n-th item, the first-off and/or last-off of each work order,
or every lot with a sample by its size from a table (lot sizes from – to → sample). Only input; whether the
table has gaps or overlaps is the service's to say when the plan is saved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from app.services.errors import ValidationError
from app.services.inspection import LotSizeRange, Sampling, SamplingRule
from app.services.inspection.sampling import MAX_EVERY
from app.ui.editable_rows_model import EditableRowsModel, Index
from app.ui.record_table_model import RIGHT
from app.ui.widgets.row_table import RowTablePanel

LOW, HIGH, SAMPLE = 0, 1, 2
RULES = {SamplingRule.EVERY_NTH: "Every n-th item", SamplingRule.FIRST_LAST: "First-off / last-off",
         SamplingRule.LOT_SIZE: "Each lot, by lot size"}
Row = list[int | None]


class LotSizeTableModel(EditableRowsModel[Row]):
    """Rows of (from, to, sample) as whole numbers; an empty 'to' on the last row means 'and more'.

    Signals:
        problem_found(str): a cell refused what was typed, and why.
    """

    problem_found = Signal(str)
    headers = ("Lot size from", "to", "Sample")

    def set_ranges(self, ranges: tuple[LotSizeRange, ...]) -> None:
        self._reset([r.low, r.high, r.sample] for r in ranges)

    def ranges(self) -> tuple[LotSizeRange, ...]:
        """The table as the plan takes it, or a ValidationError naming the row that is not filled in."""
        ranges = []
        for number, (low, high, sample) in enumerate(self._rows, start=1):
            if low is None or sample is None:
                raise ValidationError(f"Sampling table, row {number}: type the lot size it starts at and its "
                                      "sample (leave 'to' empty on the last row for 'and more').")
            ranges.append(LotSizeRange(low, high, sample))
        return tuple(ranges)

    def blank_row(self) -> Row:
        """A row to add after the last, starting where the last one ends."""
        previous = self._rows[-1] if self._rows else None
        low = 1 if previous is None else (previous[HIGH] + 1 if previous[HIGH] is not None else None)
        return [low, None, None]

    def entry_column(self, row: int) -> int:
        """Where a new row is typed: its end when the start follows from the row before."""
        return HIGH if self._rows[row][LOW] is not None else LOW

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.has_row(index):
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return "and more" if index.column() == HIGH and index.row() == len(self._rows) - 1 else ""
            return f"{value:,}"
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT.value)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.has_row(index):
            return False
        text = str(value or "").strip().replace(",", "").replace("\u202f", "").replace(" ", "")
        try:
            number = int(text) if text else None
        except ValueError:
            self.problem_found.emit(f"Sampling table, row {index.row() + 1}: '{value}' is not a whole number of "
                                    "units.")
            return False
        row = self._rows[index.row()]
        if row[index.column()] != number:
            row[index.column()] = number
            self.dataChanged.emit(index, index)
            # The next row starts where this one ends, unless it was already given.
            following = index.row() + 1
            if index.column() == HIGH and number is not None and following < len(self._rows) \
                    and self._rows[following][LOW] is None:
                self._rows[following][LOW] = number + 1
                self.dataChanged.emit(self.index(following, LOW), self.index(following, LOW))
        return True


class SamplingEditor(QWidget):
    """The rule's choice and its settings in one line; the lot-size table is `table_panel`, which the page
    places where there is room for it.

    Signals:
        changed(): the rule or one of its settings changed.
        problem_found(str): a table cell refused what was typed.
    """

    changed = Signal()
    problem_found = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rule = QComboBox(objectName="samplingRule")
        for rule, text in RULES.items():
            self.rule.addItem(text, rule.value)
        self.every = QSpinBox()
        self.every.setRange(1, MAX_EVERY)
        self.every.setPrefix("every ")
        self.every.setToolTip("Inspect the 1st, (n+1)-th, (2n+1)-th … item of each work order; 1: every item")
        self.first_off = QCheckBox("First-off")
        self.last_off = QCheckBox("Last-off")
        self.first_off.setToolTip("The first item of each work order")
        self.last_off.setToolTip("The item that completes the work order's quantity, or its newest item once "
                                 "the order is completed")
        self.table_hint = QLabel("sample from the table below", objectName="mutedLabel")
        self.details = QStackedWidget()
        for widgets in ((self.every,), (self.first_off, self.last_off), (self.table_hint,)):
            page = QWidget()
            row = QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
            self.details.addWidget(page)

        self.lot_sizes = LotSizeTableModel(self)
        self.lot_sizes.problem_found.connect(self.problem_found)
        self.table_panel = self._table_panel()
        self.table = self.table_panel.table
        self.add_row_button, self.remove_row_button = self.table_panel.add_button, self.table_panel.remove_button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.rule)
        layout.addWidget(self.details, 1)

        self._loading = False
        self.rule.currentIndexChanged.connect(self._rule_chosen)
        self.every.valueChanged.connect(self._changed)
        for box in (self.first_off, self.last_off):
            box.toggled.connect(self._changed)
        for signal in (self.lot_sizes.dataChanged, self.lot_sizes.rowsInserted, self.lot_sizes.rowsRemoved,
                       self.lot_sizes.modelReset):
            signal.connect(self._changed)
        self.set_sampling(Sampling())

    def _table_panel(self) -> RowTablePanel:
        # Parented here until the page lays it out, so it never flashes up as a window of its own.
        panel = RowTablePanel(self.lot_sizes, "Sample by lot size", "+  Row", table_name="lotSizeTable", parent=self)
        panel.setObjectName("lotSizePanel")
        panel.hide()
        panel.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        panel.table.setToolTip("Readings of each measured characteristic for a lot of that size; a lot smaller "
                               "than its sample is inspected whole. Leave 'to' empty on the last row for 'and more'.")
        return panel

    @property
    def current_rule(self) -> SamplingRule:
        return SamplingRule(self.rule.currentData())

    def set_sampling(self, sampling: Sampling) -> None:
        self._loading = True
        self.rule.setCurrentIndex(self.rule.findData(sampling.rule.value))
        self.every.setValue(sampling.every)
        self.first_off.setChecked(sampling.first_off)
        self.last_off.setChecked(sampling.last_off)
        self.lot_sizes.set_ranges(sampling.lot_sizes)
        self._loading = False
        self._show_rule()

    def sampling(self) -> Sampling:
        """The rule as the plan takes it; a ValidationError says what in the table is not filled in."""
        rule = self.current_rule
        if rule is SamplingRule.EVERY_NTH:
            return Sampling.every_nth(self.every.value())
        if rule is SamplingRule.FIRST_LAST:
            return Sampling.first_last(first=self.first_off.isChecked(), last=self.last_off.isChecked())
        return Sampling.by_lot_size(*self.lot_sizes.ranges())

    def _rule_chosen(self) -> None:
        if self.current_rule is SamplingRule.LOT_SIZE and not self.lot_sizes.rowCount() and not self._loading:
            self.lot_sizes.add_blank()  # somewhere to start typing
        self._show_rule()
        self._changed()

    def _show_rule(self) -> None:
        self.details.setCurrentIndex(list(RULES).index(self.current_rule))
        self.table_panel.setVisible(self.current_rule is SamplingRule.LOT_SIZE)

    def _changed(self, *_: Any) -> None:
        if not self._loading:
            self.changed.emit()
