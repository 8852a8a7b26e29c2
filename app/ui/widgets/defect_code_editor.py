"""The defect codes of one pass/fail check in the plan editor: each code and what it means, in the order the
inspection form offers them. What is typed goes back to the plan being written; whether the codes are
well-formed, unique and described is the service's to say when the plan is saved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QWidget

from app.services.inspection import DefectCode
from app.services.inspection.tolerance import normalise_code
from app.ui.editable_rows_model import EditableRowsModel, Index
from app.ui.widgets.row_table import RowTablePanel

CODE, DESCRIPTION = 0, 1


class DefectCodeTableModel(EditableRowsModel[tuple[str, str]]):
    """Rows of (code, description) as typed; a code is shown the way it is stored (BURR for 'burr')."""

    headers = ("Code", "What it means")

    def set_codes(self, codes: tuple[DefectCode, ...]) -> None:
        self._reset((c.code, c.description) for c in codes)

    def codes(self) -> tuple[DefectCode, ...]:
        """The list as the plan takes it; a row left empty is not a code."""
        return tuple(DefectCode(code, description) for code, description in self._rows if code or description)

    def blank_row(self) -> tuple[str, str]:
        return ("", "")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.has_row(index) and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][index.column()]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.has_row(index):
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


class DefectCodeEditor(RowTablePanel):
    """Signals:
        codes_changed(object): the tuple of DefectCode after each edit, for the check being edited.
    """

    codes_changed = Signal(object)
    model: DefectCodeTableModel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(DefectCodeTableModel(), "Defect codes", "+  Code", table_name="defectCodeTable",
                         parent=parent)
        self.setObjectName("defectCodeEditor")
        self.hint = QLabel(objectName="mutedLabel", wordWrap=True)
        self.column.insertWidget(1, self.hint)  # between the buttons and the table
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(CODE, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self._loading = False
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._edited)
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

    def _edited(self, *_: Any) -> None:
        if not self._loading:
            self.codes_changed.emit(self.model.codes())
