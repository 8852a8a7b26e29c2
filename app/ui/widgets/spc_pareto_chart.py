"""The Pareto chart of defect codes: bars in descending order and the cumulative share as a line.

Drawn the classic way (Juran): the left axis runs from 0 to the total count and the right axis from 0 to
100 % over the same height, so the cumulative line ends in the top right corner and the "vital few" are the
bars left of where it crosses 80 %.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from app.services.defect_analysis import ParetoRow
from app.ui.widgets import spc_style as style

MOST_BARS = 12  # codes beyond these are summed into one "Other" bar, as a Pareto chart usually ends
LINE_CHARS = 12  # a bar label wraps at a hyphen or space to stay about as wide as its bar


def wrap_label(text: str) -> str:
    """A long code on two lines, broken after the hyphen or space nearest its middle."""
    if len(text) <= LINE_CHARS:
        return text
    breaks = [i + 1 for i, c in enumerate(text) if c in "- "]
    if not breaks:
        return text
    cut = min(breaks, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:cut].rstrip()}\n{text[cut:]}"


def pareto_bars(rows: Sequence[ParetoRow]) -> tuple[list[str], np.ndarray]:
    """Labels and counts of the bars: the most frequent codes, then "Other (n)" for the rest."""
    labels = [row.defect_code for row in rows[:MOST_BARS]]
    counts = [row.count for row in rows[:MOST_BARS]]
    rest = rows[MOST_BARS:]
    if rest:
        labels.append(f"Other ({len(rest)})")
        counts.append(sum(row.count for row in rest))
    return labels, np.array(counts, dtype=float)


class ParetoChart(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.style_plot(self, left="Occurrences")
        self.setMinimumHeight(200)
        self.setMouseEnabled(x=False, y=False)
        item = self.getPlotItem()
        item.showAxis("right")
        right = item.getAxis("right")
        right.setPen(pg.mkPen(style.AXIS))
        right.setTextPen(pg.mkPen(style.TEXT))
        right.setStyle(tickFont=style.plot_font(0.85))
        right.setLabel("Cumulative %", color=style.TEXT)
        bottom = item.getAxis("bottom")
        bottom.setHeight(QFontMetrics(style.plot_font(0.85)).lineSpacing() * 2 + 14)  # two-line labels
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=pg.mkBrush(style.BARS),
                                    pen=pg.mkPen(style.POINTS, width=1))
        self.cumulative = pg.PlotDataItem(pen=style.pen(style.LIMIT, 2.2), symbol="o", symbolSize=7,
                                          symbolBrush=pg.mkBrush(style.LIMIT), symbolPen=None)
        self.eighty = pg.InfiniteLine(angle=0, pen=style.pen(style.AXIS, 1.2, Qt.PenStyle.DotLine))
        for part in (self.bars, self.cumulative, self.eighty):
            item.addItem(part)
        self.labels: list[str] = []
        self.counts = np.empty(0)

    def show_rows(self, rows: Sequence[ParetoRow]) -> None:
        item = self.getPlotItem()
        self.labels, self.counts = pareto_bars(rows)
        total = float(self.counts.sum())
        x = np.arange(self.counts.size, dtype=float)
        self.bars.setOpts(x=x, height=self.counts)
        self.cumulative.setData(x, np.cumsum(self.counts))
        item.getAxis("bottom").setTicks([[(i, wrap_label(label)) for i, label in enumerate(self.labels)]])
        top = max(total, 1.0)
        self.eighty.setPos(0.8 * top)
        self.eighty.setVisible(bool(rows))
        item.getAxis("right").setTicks([[(top * share / 100, f"{share} %") for share in range(0, 101, 20)]])
        item.setYRange(0, top * 1.04, padding=0)
        item.setXRange(-0.6, max(self.counts.size, 1) - 0.4, padding=0)
