"""The bookkeeping every editable table of the plan editor shares: a list of rows as typed, inserted and
removed one at a time, with fixed column headers. What a cell shows and takes stays each model's own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


class EditableRowsModel(QAbstractTableModel, Generic[T]):
    """Rows of type T under `headers`; every cell editable unless a subclass says otherwise."""

    headers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def _reset(self, rows: Iterable[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def has_row(self, index: Index) -> bool:
        return index.isValid() and 0 <= index.row() < len(self._rows)

    def insert_row(self, value: T, at: int | None = None) -> int:
        """`value` at `at` (clamped to the table), or after the last row; returns where it went."""
        row = len(self._rows) if at is None else max(0, min(at, len(self._rows)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, value)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    # -- what a '+' button adds (RowTablePanel) --------------------------------------------------------------

    def blank_row(self) -> T:
        """The row a '+' button adds; models edited in a RowTablePanel say what it holds."""
        raise NotImplementedError

    def entry_column(self, row: int) -> int:
        """The column typed into first on a new row."""
        return 0

    def add_blank(self, at: int | None = None) -> int:
        return self.insert_row(self.blank_row(), at)

    # -- Qt ------------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
                | Qt.ItemFlag.ItemNeverHasChildren)
