"""The small window people see while Threadline opens its database: what it is doing right now."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

import app


class StartupWindow(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.SplashScreen | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("startupWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle("Threadline")
        name = QLabel("Threadline", objectName="startupTitle")
        tagline = QLabel(f"Quality traceability · version {app.__version__}", objectName="mutedLabel")
        self.status = QLabel("Starting …", objectName="startupStatus")
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: the steps here have no measurable length
        self.bar.setTextVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 30, 36, 30)
        layout.setSpacing(10)
        layout.addWidget(name)
        layout.addWidget(tagline)
        layout.addSpacing(14)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        self.setFixedWidth(520)

    def set_status(self, text: str) -> None:
        self.status.setText(text)
