"""A small editable table with a caption and '+' / 'Remove' buttons above it, as the plan editor's side tables
(defect codes, lot sizes) use: a new row opens its first cell for typing right away."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.editable_rows_model import EditableRowsModel


class RowTablePanel(QWidget):
    """`title`, `add_button` and `remove_button` in a line over `table`, which shows `model`."""

    def __init__(self, model: EditableRowsModel, caption: str, add_text: str, *, table_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if model.parent() is None:
            model.setParent(self)  # lives as long as the table that shows it
        self.model = model
        self.title = QLabel(caption, objectName="fieldCaption")
        self.table = QTableView(objectName=table_name)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() * 2)
        self.add_button = QPushButton(add_text, objectName="secondaryButton")
        self.remove_button = QPushButton("Remove", objectName="secondaryButton")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)  # Return belongs to the cell being typed, not to the dialog
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(4)
        self.column.addLayout(top)
        self.column.addWidget(self.table, 1)

    def add_row(self) -> None:
        row = self.model.add_blank()
        index = self.model.index(row, self.model.entry_column(row))
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def remove_row(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.model.remove(current.row())
