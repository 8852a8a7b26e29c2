"""A large, calm message in place of content: what happened and what to do next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

TONES = ("info", "warning", "error")
TEXT_WIDTH_EM = 48  # a readable line length, whatever the window width


class MessagePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messagePanel")
        self.title = QLabel(objectName="messageTitle")
        self.body = QLabel(objectName="messageBody")
        column = QWidget()
        column.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * TEXT_WIDTH_EM)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        inner = QVBoxLayout(column)
        inner.setSpacing(14)
        for label in (self.title, self.body):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            inner.addWidget(label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 8)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.tone = "info"

    def show_message(self, title: str, body: str = "", tone: str = "info") -> None:
        assert tone in TONES
        self.tone = tone
        self.title.setText(title)
        self.body.setText(body)
        self.body.setVisible(bool(body))
        # The style sheet colours the title by this property; re-polish so the change shows.
        self.title.setProperty("tone", tone)
        self.title.style().unpolish(self.title)
        self.title.style().polish(self.title)
