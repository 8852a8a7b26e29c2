"""A coloured pill that names an item's status; the word carries the meaning, the colour helps."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.models import ItemStatus
from app.ui import formatting as fmt
from app.ui.palette import status_colours


class StatusBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status: ItemStatus | None = None

    def set_status(self, status: ItemStatus | str) -> None:
        self.status = ItemStatus(status)
        background, text = status_colours(status)
        self.setText(fmt.status_label(status).upper())
        # Per-widget colours on top of the application style sheet's shape for #statusBadge.
        self.setStyleSheet(f"background-color: {background}; color: {text};")
        self.setAccessibleName(f"Status: {fmt.status_label(status)}")
