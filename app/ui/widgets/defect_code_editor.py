"""The defect codes of one pass/fail check in the plan editor: each code and what it means, in the order the
inspection form offers them. What is typed goes back to the plan being written; whether the codes are
well-formed, unique and described is the service's to say when the plan is saved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.inspection import DefectCode
from app.services.inspection.tolerance import normalise_code

Index = QModelIndex | QPersistentModelIndex
CODE, DESCRIPTION = 0, 1
HEADERS = ("Code", "What it means")


class DefectCodeTableModel(QAbstractTableModel):
    """Rows of (code, description) as typed; a code is shown the way it is stored (BURR for 'burr')."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []

    def set_codes(self, codes: tuple[DefectCode, ...]) -> None:
        self.beginResetModel()
        self._rows = [(c.code, c.description) for c in codes]
        self.endResetModel()

    def codes(self) -> tuple[DefectCode, ...]:
        """The list as the plan takes it; a row left empty is not a code."""
        return tuple(DefectCode(code, description) for code, description in self._rows if code or description)

    def add(self, at: int | None = None) -> int:
        row = len(self._rows) if at is None else max(0, min(at, len(self._rows)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, ("", ""))
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][index.column()]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return False
        code, description = self._rows[index.row()]
        text = str(value or "")
        if index.column() == CODE:
            code = normalise_code(text) or ""
        else:
            description = " ".join(text.split())
        if (code, description) != self._rows[index.row()]:
            self._rows[index.row()] = (code, description)
            self.dataChanged.emit(index, index)
        return True


class DefectCodeEditor(QWidget):
    """Signals:
        codes_changed(object): the tuple of DefectCode after each edit, for the check being edited.
    """

    codes_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("defectCodeEditor")
        self.model = DefectCodeTableModel(self)
        self.title = QLabel("Defect codes", objectName="fieldCaption")
        self.hint = QLabel(objectName="mutedLabel", wordWrap=True)
        self.table = QTableView(objectName="defectCodeTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() * 2)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(CODE, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.add_button = QPushButton("+  Code", objectName="secondaryButton")
        self.remove_button = QPushButton("Remove", objectName="secondaryButton")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_code)
        self.remove_button.clicked.connect(self.remove_code)
        self._loading = False
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._edited)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        self.edit_codes(None, ())

    def edit_codes(self, name: str | None, codes: tuple[DefectCode, ...]) -> None:
        """Show the codes of the pass/fail check `name`; None: no such check is selected."""
        self._loading = True
        self.model.set_codes(codes)
        self._loading = False
        editing = name is not None
        self.title.setText(f"Defect codes of {name}" if editing else "Defect codes")
        self.hint.setText("A failure is recorded with one of these codes (none listed: any code)."
                          if editing else "Select a pass/fail check to list the codes it may fail with. A measured "
                          "value outside its limits is recorded as DIM-HIGH or DIM-LOW.")
        for widget in (self.table, self.add_button, self.remove_button):
            widget.setEnabled(editing)

    def add_code(self) -> None:
        row = self.model.add()
        index = self.model.index(row, CODE)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def remove_code(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.model.remove(current.row())

    def _edited(self, *_: Any) -> None:
        if not self._loading:
            self.codes_changed.emit(self.model.codes())
