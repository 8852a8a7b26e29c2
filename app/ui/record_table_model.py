"""A read-only table model over a sequence of plain records, described by a tuple of columns.

The services return frozen dataclasses; each concrete model only declares how its columns read
(text, colour, alignment), so every table in the GUI behaves the same for sorting, tooltips and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

# The record behind a row, for views that open it (double-click, Enter).
RecordRole = Qt.ItemDataRole.UserRole + 1
# A sortable value for the column (a datetime, a float) where the display text would sort wrongly.
SortRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    align: Qt.AlignmentFlag = LEFT
    colour: Callable[[R], QColor | None] | None = None
    fill: Callable[[R], QColor | None] | None = None
    bold: Callable[[R], bool] | None = None
    sort_key: Callable[[R], Any] | None = None
    tooltip: str = ""
    width_em: int | None = None  # the most this column takes before eliding or wrapping, in 'M' widths


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Rows are records, columns come from the subclass's `columns`."""

    columns: ClassVar[tuple[Column, ...]] = ()

    def __init__(self, records: Sequence[R] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[R] = list(records)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_records(self, records: Sequence[R]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def records(self) -> list[R]:
        return list(self._records)

    def record(self, row: int) -> R:
        return self._records[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._records)):
            return None
        record = self._records[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(record)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            return column.colour(record)
        if role == Qt.ItemDataRole.BackgroundRole and column.fill is not None:
            return column.fill(record)
        if role == Qt.ItemDataRole.FontRole and column.bold is not None and column.bold(record):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == RecordRole:
            return record
        if role == SortRole:
            return column.sort_key(record) if column.sort_key else column.text(record)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].tooltip:
                return self.columns[section].tooltip
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self.columns[section].align.value)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
