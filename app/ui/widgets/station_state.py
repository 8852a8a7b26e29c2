"""The station's state line: one sentence for what the operator does next, and the steps of a record
(part, equipment, components, parameters, complete) as chips: done, now, still to do, or not needed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from app.ui.station_draft_model import COMPONENTS, EQUIPMENT, PARAMETERS, READY, STATE_TEXT, WAITING

CHIPS = (("part", "Part"), (EQUIPMENT, "Equipment"), (COMPONENTS, "Components"), (PARAMETERS, "Parameters"),
         ("complete", "Complete"))
_ORDER = {WAITING: 0, EQUIPMENT: 1, COMPONENTS: 2, PARAMETERS: 3, READY: 4}


class StationStateLine(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationStateLine")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text = QLabel(objectName="stateText")
        self.chips: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 8, 12, 8)
        layout.setSpacing(10)
        layout.addWidget(self.text, 1)
        for key, caption in CHIPS:
            chip = QLabel(caption, objectName="stateChip")
            chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.chips[key] = chip
            layout.addWidget(chip)
        self.state = ""
        self.set_state(WAITING)

    def set_state(self, state: str, *, skipped: frozenset[str] = frozenset()) -> None:
        """`skipped`: steps this operation does not have (no equipment, components or parameters)."""
        self.state = state
        self.text.setText(STATE_TEXT[state])
        self.text.setProperty("state", state)
        self._repolish(self.text)
        now = _ORDER[state]
        for n, (key, caption) in enumerate(CHIPS):
            chip = self.chips[key]
            if key in skipped:
                phase, mark = "skipped", "–"
            elif n < now:
                phase, mark = "done", "✔"
            elif n == now:
                phase, mark = "current", "▶"
            else:
                phase, mark = "todo", "○"
            chip.setText(f"{mark} {caption}")
            chip.setProperty("phase", phase)
            chip.setAccessibleName(f"{caption}: {phase}")
            self._repolish(chip)

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
