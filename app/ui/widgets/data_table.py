"""The table view every page uses: whole-row selection, tall rows for gloved hands, sorting through a
proxy, and one signal for "open this row" whether by double-click or Enter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.ui.record_table_model import RecordRole, SortRole


class DataTable(QTableView):
    """Signals:
        record_activated(object): the record of the row opened with double-click or Enter.
        text_typed(str): printable keys typed while the table had focus (a scanner, usually).
    """

    record_activated = Signal(object)
    text_typed = Signal(str)

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None, *, sortable: bool = False,
                 stretch_column: int = -1, select_first: bool = False, wrap: bool = False) -> None:
        super().__init__(parent)
        self.source_model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SortRole)
        self.setModel(self.proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        # Wrapping tables (long parameter lists, NCR texts) grow rows instead of hiding text.
        self._wrap = wrap
        self.setWordWrap(wrap)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() * 2)
        self.verticalHeader().setMinimumSectionSize(self.fontMetrics().height() * 2)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(stretch_column < 0)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._stretch_column = stretch_column
        self._select_first = select_first  # pick lists: Enter right away opens the first row
        if sortable:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the service's order until asked
            self.setSortingEnabled(True)
        self.doubleClicked.connect(self._open)
        if wrap:
            header.sectionResized.connect(self._rewrap)
        model.modelReset.connect(self.fit_columns)

    def fit_columns(self) -> None:
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("M")
        columns = getattr(self.source_model, "columns", ())
        for column in range(header.count()):
            # No column may crowd out the others; the full text is in the tooltip (or on a second line).
            width_em = columns[column].width_em if column < len(columns) else None
            limit = em * (width_em or 20)
            if header.sectionSize(column) > limit:
                header.resizeSection(column, limit)
        if self._stretch_column >= 0:
            header.setSectionResizeMode(self._stretch_column, QHeaderView.ResizeMode.Stretch)
        if self._wrap:
            self.resizeRowsToContents()
        if self._select_first and self.proxy.rowCount():
            self.selectRow(0)

    def _rewrap(self, *_: Any) -> None:
        self.resizeRowsToContents()

    def current_record(self) -> Any:
        index = self.currentIndex()
        return index.data(RecordRole) if index.isValid() else None

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.record_activated.emit(index.data(RecordRole))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open(self.currentIndex())
            event.accept()
            return
        text = event.text()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        if plain and text and text.isprintable() and not text.isspace():
            self.text_typed.emit(text)
            event.accept()
            return
        super().keyPressEvent(event)
