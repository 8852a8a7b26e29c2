"""Capability figures under the histogram: Cp, Cpk, Pp, Ppk and Cpm of the newest points (what the dashboard
judges) next to those of everything shown, each coloured against the capability target."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.spc import Capability
from app.ui.spc_dashboard_model import cpk_colour
from app.ui.spc_work import CAPABILITY_TARGET

_STYLE = """
#capabilityPanel { background: #ffffff; border: 1px solid #d5dbe1; border-radius: 6px; }
#capabilityPanel QLabel { background: transparent; padding: 1px 6px; }
QLabel#capabilityHeader { font-weight: bold; color: #5c636a; }
QLabel#capabilityName { font-weight: bold; color: #2f3d4c; }
QLabel#capabilityNote { color: #5c636a; }
"""

INDICES = ("cp", "cpk", "pp", "ppk", "cpm")


class CapabilityPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capabilityPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLE)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        self.headers = (QLabel(objectName="capabilityHeader"), QLabel(objectName="capabilityHeader"))
        for column, header in enumerate(self.headers, start=1):
            header.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(header, 0, column)
        names = [index.capitalize() for index in INDICES] + ["Mean", "σ within", "σ overall", "Normality p"]
        self.cells: dict[str, tuple[QLabel, QLabel]] = {}
        for row, name in enumerate(names, start=1):
            grid.addWidget(QLabel(name, objectName="capabilityName"), row, 0)
            pair = (QLabel(), QLabel())
            for column, cell in enumerate(pair, start=1):
                cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                grid.addWidget(cell, row, column)
            self.cells[name.lower()] = pair
        self.note = QLabel(objectName="capabilityNote")
        self.note.setWordWrap(True)
        self.note.hide()
        grid.addWidget(self.note, len(names) + 1, 0, 1, 3)
        self.setToolTip(f"Target {CAPABILITY_TARGET:.2f}: amber below it, red below 1.00. A normality p "
                        "below 0.05 means the process is not normal, and Cp and Cpk should not be trusted.")
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

    def show_capability(self, recent: Capability | None, overall: Capability | None, *, recent_label: str,
                        overall_label: str, decimals: int, has_spec: bool) -> None:
        self.headers[0].setText(recent_label)
        self.headers[1].setText(overall_label)
        places = decimals + 1

        def ratio(value: float | None) -> str:
            return "–" if value is None else f"{value:.2f}"

        def probability(value: float | None) -> str:
            return "–" if value is None else "< 0.001" if value < 0.001 else f"{value:.3f}"

        def measure(value: float | None) -> str:
            return "–" if value is None else f"{value:.{places}f}"

        rows: list[tuple[str, Callable[[Capability], float | None], Callable[[float | None], str]]] = [
            *((index, lambda c, i=index: getattr(c, i), ratio) for index in INDICES),
            ("mean", lambda c: c.mean, measure),
            ("σ within", lambda c: c.sigma_within, measure),
            ("σ overall", lambda c: c.sigma_overall, measure),
            ("normality p", lambda c: None if c.normality is None else c.normality.p_value, probability),
        ]
        for name, read, show in rows:
            for cell, found in zip(self.cells[name], (recent, overall), strict=True):
                value = None if found is None else read(found)
                cell.setText(show(value))
                colour = cpk_colour(value) if name in INDICES else None
                cell.setStyleSheet(f"color: {colour.name()}; font-weight: bold;" if colour else "")
        # Only a missing figure needs a word; the colours are explained in the tooltip.
        if overall is not None:
            self.note.clear()
        else:
            self.note.setText("Too few values, or no spread, for capability." if has_spec else
                              "No specification limits: no capability.")
        self.note.setVisible(bool(self.note.text()))
