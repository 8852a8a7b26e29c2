"""Defect rates over time: one line per operation, machine or operator, the rate in percent per day or week,
with the legend beside the plot so that it never covers a line."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.services.defect_analysis import TrendRow
from app.ui.widgets import spc_style as style

LEGEND_WIDTH_EM = 20


def lines_by_key(rows: Sequence[TrendRow]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per key: every period's local midnight (epoch seconds) and the rate in %, NaN where the key had no
    inspections, so that its line breaks there instead of drawing a slope nobody measured."""
    periods = sorted({row.period_start for row in rows})
    column = {period: i for i, period in enumerate(periods)}
    x = np.array([datetime.combine(period, time()).astimezone().timestamp() for period in periods])
    rates: dict[str, np.ndarray] = defaultdict(lambda: np.full(len(periods), np.nan))
    for row in rows:
        rates[row.key][column[row.period_start]] = 100.0 * row.rate
    return {key: (x, rates[key]) for key in sorted(rates)}


class TrendChart(QWidget):
    """The plot and, to its right, the legend: one coloured line and name per key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        style.style_plot(self.plot, left="Defective (%)")
        self.plot.setMinimumHeight(180)
        self.plot.getPlotItem().showGrid(x=True, y=True, alpha=0.12)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.legend.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * LEGEND_WIDTH_EM)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        self.lines: dict[str, pg.PlotDataItem] = {}

    def show_rows(self, rows: Sequence[TrendRow]) -> None:
        item = self.plot.getPlotItem()
        for line in self.lines.values():
            item.removeItem(line)
        self.lines = {}
        entries = []
        top = 0.0
        for number, (key, (x, y)) in enumerate(lines_by_key(rows).items()):
            colour = style.CATEGORY[number % len(style.CATEGORY)]
            line = pg.PlotDataItem(x, y, pen=style.pen(colour, 2.0), symbol="o", symbolSize=6,
                                   symbolBrush=pg.mkBrush(colour), symbolPen=None, connect="finite")
            item.addItem(line)
            self.lines[key] = line
            top = max(top, float(np.nanmax(y)))
            swatch = f"<span style='color:{colour}; font-weight:bold'>━━</span>"
            entries.append(f"{swatch}&nbsp;{html.escape(key)}")
        self.legend.setText("<br>".join(entries))
        item.enableAutoRange(axis="x")
        item.setYRange(0, max(top, 1.0) * 1.1, padding=0)
