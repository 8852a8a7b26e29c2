"""Admin › Permissions: the role × action matrix the services enforce, read-only, so an administrator (or
an auditor looking over their shoulder) sees exactly who may do what — from the same table the checks use."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.models import Role
from app.services.permissions import MATRIX, Action
from app.ui.palette import TEXT_GOOD, TEXT_MUTED
from app.ui.workspaces import PageContext, Workspace, register

Index = QModelIndex | QPersistentModelIndex
ALLOWED_FILL = QColor("#e6f4ea")


class PermissionMatrixModel(QAbstractTableModel):
    """Rows are actions, columns roles; a cell says whether the role may do the action."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.actions = list(Action)
        self.roles = list(Role)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.actions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.roles)

    def allowed(self, row: int, column: int) -> bool:
        return self.roles[column] in MATRIX[self.actions[row]]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.roles[section].label
        return self.actions[section].label.capitalize()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        allowed = self.allowed(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return "✓ allowed" if allowed else "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            who, what = self.roles[index.column()].label, self.actions[index.row()].label
            return f"{who}: {'may' if allowed else 'may not'} {what}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return TEXT_GOOD if allowed else TEXT_MUTED
        if role == Qt.ItemDataRole.BackgroundRole:
            return ALLOWED_FILL if allowed else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None


class PermissionsPage(QWidget):
    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("permissionsPage")
        self.context = context
        self.model = PermissionMatrixModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel("Who may do what. The services check every write against this table, in the GUI and "
                      "from the command line alike; hiding a button is only a convenience. Read-only: the "
                      "matrix is part of the validated software, changed by a release, not here.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)


WORKSPACE = register(Workspace(key="permissions", title="Permissions", build=PermissionsPage, order=96,
                               tooltip="The role × action matrix the services enforce (read-only)",
                               allowed=lambda actor: actor.role is Role.ADMIN))
