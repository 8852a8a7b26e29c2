"""The station's answer, across the whole page: green when a step is recorded, red when a scan or a step
is refused, amber when something is still missing, blue for the next instruction. Big enough to read from
the machine; the symbol and the title say it too, for anyone who cannot tell green from red."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

TONES = {"info": "›", "accepted": "✔", "rejected": "✖", "warning": "!"}


def enlarge(widget: QWidget, factor: float, *, bold: bool = True) -> None:
    """Bigger than the style sheet's largest size, still scaled from the base font the bench chose."""
    font = QFont(widget.font())
    font.setPointSizeF(QApplication.font().pointSizeF() * factor)
    font.setBold(bold)
    widget.setFont(font)


class StationBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.symbol = QLabel(objectName="bannerSymbol")
        self.symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(objectName="bannerTitle")
        self.body = QLabel(objectName="bannerBody")
        enlarge(self.symbol, 2.6)
        enlarge(self.title, 2.0)
        self.symbol.setMinimumWidth(self.symbol.fontMetrics().horizontalAdvance("✔") + 8)
        for label in (self.title, self.body):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.title)
        text.addWidget(self.body)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 12, 22, 12)
        layout.setSpacing(18)
        layout.addWidget(self.symbol, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        self.tone = ""
        self.show_message("info", "")

    def show_message(self, tone: str, title: str, body: str = "") -> None:
        assert tone in TONES, tone
        self.title.setText(title)
        self.body.setText(body)
        self.body.setVisible(bool(body))
        self._fit_height()
        self.symbol.setText(TONES[tone])
        self.setAccessibleName(f"{title} {body}".strip())
        if tone != self.tone:
            self.tone = tone
            # The style sheet colours the banner by this property; re-polish every label so it shows.
            for widget in (self, self.symbol, self.title, self.body):
                widget.setProperty("tone", tone)
                widget.style().unpolish(widget)
                widget.style().polish(widget)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as the wrapped answer needs at the present width: a layout squeezed by tables below would
        otherwise cut a two-line answer off, and the answer is what the operator came to read."""
        width = self.width()
        if width <= 0 or self.layout() is None:
            return
        needed = self.layout().totalHeightForWidth(width)
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)
