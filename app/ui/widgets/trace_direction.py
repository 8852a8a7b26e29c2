"""The Forward / Reverse choice of a trace: two large buttons, one always pressed, each saying in words
which way it goes (towards customers, towards raw material)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget

from app.trace import Direction

# The application style sheet gives every button its shape; this adds the pressed look of a segmented
# switch, which only these two buttons have: a light fill with a heavy border, so the solid blue Trace
# button next to them stays the one action.
_STYLE = """
QPushButton#directionButton { padding: 8px 18px; min-height: 38px; border: 3px solid #c3ccd5; color: #3d4a57;
                              font-size: %.1fpt; }
QPushButton#directionButton:checked { background: #d0e4f7; border-color: #0b5cad; color: #083f77; }
QPushButton#directionButton:focus { border-color: #083f77; }
"""

CAPTIONS = {
    Direction.FORWARD: ("Forward  ▼", "Where did it go? Everything made from it, down to the customers"),
    Direction.REVERSE: ("Reverse  ▲", "What is it made of? Every component and raw-material lot above it"),
}


class DirectionToggle(QWidget):
    """Signals:
        direction_changed(object): the Direction now chosen (by click, key or `set_direction`).
    """

    direction_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The application font is the base size setting; the buttons read like the Trace button next to them.
        self.setStyleSheet(_STYLE % (self.font().pointSizeF() * 1.2))
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[Direction, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for direction in (Direction.FORWARD, Direction.REVERSE):
            caption, tip = CAPTIONS[direction]
            button = QPushButton(caption, objectName="directionButton", checkable=True)
            button.setAutoDefault(False)
            # A click must not take the keyboard from the scan field (the next scan goes there); Tab still
            # reaches the buttons, and Space switches them.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setToolTip(tip)
            button.setAccessibleName(f"{direction.value.capitalize()} trace")
            self.group.addButton(button)
            self.buttons[direction] = button
            layout.addWidget(button)
            button.toggled.connect(lambda on, d=direction: on and self.direction_changed.emit(d))
        self.buttons[Direction.REVERSE].setChecked(True)

    @property
    def direction(self) -> Direction:
        return next(d for d, b in self.buttons.items() if b.isChecked())

    def set_direction(self, direction: Direction) -> None:
        self.buttons[direction].setChecked(True)
