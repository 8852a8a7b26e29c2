"""The histogram beside a control chart: the charted values against the specification limits, with the
normal curve of the within sigma that Cp and Cpk assume, so a skewed or two-humped process shows itself."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.services.spc_views import Spec
from app.spc import Capability
from app.ui.widgets import spc_style as style

MIN_BINS, MAX_BINS = 8, 60


def bin_edges(values: np.ndarray, decimals: int) -> np.ndarray:
    """Freedman-Diaconis bins rounded to whole gauge steps: a gauge reading to 0.001 gives values on a
    0.001 grid, and bins that do not line up with it alternate full and empty."""
    resolution = 10.0 ** -decimals
    low, high = float(values.min()), float(values.max())
    spread = max(high - low, resolution)
    q75, q25 = np.percentile(values, [75, 25])
    width = 2 * (q75 - q25) / values.size ** (1 / 3) if q75 > q25 else spread / MIN_BINS
    width = min(max(width, spread / MAX_BINS), spread / MIN_BINS)
    width = max(resolution, math.ceil(width / resolution - 1e-9) * resolution)
    start = (math.floor(low / resolution + 1e-9) - 0.5) * resolution
    count = math.ceil((high - start) / width + 1e-9)
    return start + width * np.arange(count + 1)


class HistogramPlot(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style.style_plot(self, left="Count")
        self.setMinimumSize(220, 160)
        self.setMouseEnabled(x=False, y=False)
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[], brush=pg.mkBrush(style.BARS),
                                    pen=pg.mkPen("w", width=1))
        self.curve = pg.PlotDataItem(pen=style.pen(style.POINTS, 2.0))
        self.lines: list[pg.InfiniteLine] = []
        self.counts = np.empty(0, dtype=np.int64)
        self.getPlotItem().addItem(self.bars)
        self.getPlotItem().addItem(self.curve)

    def show_values(self, values: np.ndarray, spec: Spec, capability: Capability | None) -> None:
        item = self.getPlotItem()
        item.setLabel("bottom", spec.unit or "", color=style.TEXT)
        for line in self.lines:
            item.removeItem(line)
        self.lines = []
        if not values.size:
            self.counts = np.empty(0, dtype=np.int64)
            self.bars.setOpts(x0=[], x1=[], height=[])
            self.curve.setData([], [])
            return
        edges = bin_edges(values, spec.decimals)
        self.counts, _ = np.histogram(values, edges)
        self.bars.setOpts(x0=edges[:-1], x1=edges[1:], height=self.counts)
        low, high = float(edges[0]), float(edges[-1])
        # Each label sits inside the specification, so that neither falls off the plot's edge.
        target = None if capability is None else capability.target
        marks = [(spec.lower, "LSL", style.SPEC, Qt.PenStyle.DashDotLine, (0, 0)),
                 (spec.upper, "USL", style.SPEC, Qt.PenStyle.DashDotLine, (1, 0)),
                 (target, "T", style.AXIS, Qt.PenStyle.DotLine, (0, 0))]
        for value, name, colour, dash, anchor in marks:
            if value is None:
                continue
            low, high = min(low, value), max(high, value)
            line = pg.InfiniteLine(pos=value, angle=90, pen=style.pen(colour, 2.0, dash), label=name,
                                   labelOpts={"position": 0.95, "color": colour, "anchors": [anchor, anchor],
                                              "fill": pg.mkBrush(255, 255, 255, 200)})
            line.label.setFont(style.plot_font(0.85))
            item.addItem(line)
            self.lines.append(line)
        top = float(self.counts.max())
        if capability is None:
            self.curve.setData([], [])
        else:
            # The normal curve with the within sigma, scaled to the bars: the process as Cp and Cpk see it.
            pad = 0.05 * (high - low)
            x = np.linspace(low - pad, high + pad, 200)
            sigma = capability.sigma_within
            density = np.exp(-0.5 * ((x - capability.mean) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
            expected = density * values.size * (edges[1] - edges[0])
            self.curve.setData(x, expected)
            top = max(top, float(expected.max()))
        item.setXRange(low, high, padding=0.08)
        item.setYRange(0, max(top, 1.0) * 1.12, padding=0)
