"""One control chart drawn with pyqtgraph: the points as a single curve, centre line and control limits
(steps where they vary per point), specification limits, and one scatter of red dots on the points that
break a rule. The lines are named in the right margin, outside the data. Hovering and clicking name the
point under the mouse.

Built for 100,000 points: the curve downsamples by peaks and clips to the view; point symbols are only
drawn when few enough points are in view to tell apart; the signal markers are thinned the same way (the
lowest and highest marker per pixel column), so a redraw costs about the same for a thousand points or a
hundred thousand, even when a drifting process puts a marker on most of them.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from app.services.spc_views import Spec
from app.spc import ControlChart, Statistic
from app.ui.widgets import spc_style as style

HOVER_RADIUS_PX = 10  # how close the mouse must come to a point to name it
SYMBOLS_UP_TO = 400  # points in view; beyond that the dots merge into a band and only slow the drawing
MARKER_SIZE, DENSE_MARKER_SIZE = 10, 6
MARKERS_PER_PX = 1.0  # beyond this many markers per pixel column in view, only each column's extremes show
LEFT_AXIS_PX, RIGHT_AXIS_PX = 72, 120  # fixed, so that the two charts of a pair line up
BASELINE_SHADE = "#edf2f8"  # opaque, behind everything: blending a translucent fill costs every repaint


class SampleAxis(pg.AxisItem):
    """The bottom axis of a control chart: ticks on round sample numbers, each labelled with the number and
    when the sample was measured (local time), spaced so that the labels never overlap."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.times = np.empty(0)
        font = style.plot_font(0.85)
        self.setStyle(tickFont=font)
        self.setPen(pg.mkPen(style.AXIS))
        self.setTextPen(pg.mkPen(style.TEXT))
        self.setHeight(QFontMetrics(font).lineSpacing() * 2 + 14)

    def set_times(self, times: np.ndarray) -> None:
        self.times = times
        self.picture = None
        self.update()

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        label_px = QFontMetrics(self.style["tickFont"]).horizontalAdvance("00 Mmm 00:00") * 1.1
        raw = max((maxVal - minVal) * label_px / max(size, 1.0), 1.0)
        magnitude = 10 ** math.floor(math.log10(raw))
        factors = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)  # never a step of 2.5 samples
        step = next(m * magnitude for m in factors if m * magnitude >= raw)
        # One level (minor ticks would bring back the crowding), offset so that ticks fall on sample numbers
        # 100, 200 … (points are 0-based on the axis).
        return [(step, -1.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        labels = []
        for value in values:
            index = round(float(value))
            if abs(value - index) > 1e-6 or not 0 <= index < self.times.size:
                labels.append("")
                continue
            moment = datetime.fromtimestamp(float(self.times[index]), UTC).astimezone()
            labels.append(f"{index + 1:,}\n{moment:%d %b %H:%M}")
        return labels


class LevelAxis(pg.AxisItem):
    """The right margin: each line's name and value ("UCL 12.0076") in the line's colour, at its height,
    nudged apart when two lines are close."""

    def __init__(self) -> None:
        super().__init__("right")
        self.colours: dict[str, QColor] = {}
        self.setStyle(tickFont=style.plot_font(0.85), tickLength=6)
        self.setPen(pg.mkPen(style.AXIS))
        self.setWidth(RIGHT_AXIS_PX)

    def set_levels(self, levels: list[tuple[float, str, str]]) -> None:
        """(value, text, colour) for each line."""
        self.colours = {text: QColor(colour) for _, text, colour in levels}
        self.setTicks([[(value, text) for value, text, _ in levels]])

    def drawPicture(self, p: QPainter, axisSpec: tuple, tickSpecs: list, textSpecs: list) -> None:
        super().drawPicture(p, axisSpec, tickSpecs, [])
        placed: list[tuple[QRectF, int, str]] = []
        bottom = -math.inf
        for rect, flags, text in sorted(textSpecs, key=lambda spec: spec[0].top()):
            moved = QRectF(rect)
            if moved.top() < bottom:
                moved.moveTop(bottom)
            bottom = moved.bottom()
            placed.append((moved, flags, text))
        for rect, flags, text in placed:
            p.setPen(self.colours.get(text, QColor(style.TEXT)))
            p.drawText(rect, int(flags), text)


class ControlPlot(pg.PlotWidget):
    """Signals:
        point_hovered(int, QPointF): the chart point under the mouse (−1: none) and the scene position.
        point_clicked(int): a point was clicked with the left button.
    """

    point_hovered = Signal(int, QPointF)
    point_clicked = Signal(int)

    def __init__(self, axis: SampleAxis | None = None, parent: QWidget | None = None) -> None:
        self.levels_axis = LevelAxis()
        axes: dict[str, pg.AxisItem] = {"right": self.levels_axis}
        if axis is not None:
            axes["bottom"] = axis
        super().__init__(parent, axisItems=axes)
        style.style_plot(self, grid=False)
        self.setMinimumHeight(150)
        item = self.getPlotItem()
        item.showAxis("right")
        item.getAxis("left").setWidth(LEFT_AXIS_PX)
        if axis is None:  # the chart below, sharing this x axis, carries the labels
            item.getAxis("bottom").setStyle(showValues=False)
        self.x = np.empty(0)
        self.y = np.empty(0)
        self._ringed = -1
        self._fitted: tuple[float, float, float] | None = None  # the view the symbols and markers fit
        self.marked_x = np.empty(0)  # every marked point; `markers` holds those worth drawing in the view
        self.marked_y = np.empty(0)
        # A 1 px cosmetic pen: Qt's fast line path; a fractional width costs three times as much per repaint.
        self.curve = pg.PlotDataItem(pen=style.pen(style.POINTS, 1.0), symbol=None, symbolSize=5,
                                     symbolPen=None, symbolBrush=pg.mkBrush(style.POINTS))
        self.markers = pg.ScatterPlotItem(symbol="o", size=MARKER_SIZE, pen=None,
                                          brush=pg.mkBrush(style.SIGNAL))
        self.hover_ring = pg.ScatterPlotItem(symbol="o", size=17, pen=style.pen(style.HOVER, 2.5), brush=None)
        self.named: dict[str, float] = {}  # "UCL" → its value at the newest point, as the margin shows it
        # Centre, limits and specification are made once and updated on each draw: taking items out of the
        # scene and building new ones on every live update costs more than the points do.
        centre = style.pen(style.CENTRE, 1.6)
        limit = style.pen(style.LIMIT, 1.6, Qt.PenStyle.DashLine)
        spec = style.pen(style.SPEC, 2.0, Qt.PenStyle.DashDotLine)
        pens = {"CL": centre, "UCL": limit, "LCL": limit, "USL": spec, "LSL": spec}
        # By level name ("CL", "UCL" …): the line for a constant level, the steps for one that varies per point.
        self.lines = {name: pg.InfiniteLine(angle=0, pen=line_pen) for name, line_pen in pens.items()}
        self.steps = {name: pg.PlotDataItem(pen=line_pen) for name, line_pen in pens.items()}
        self.shade = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None), brush=pg.mkBrush(BASELINE_SHADE))
        self.shade.setZValue(-10)
        for plotted in (self.curve, self.markers, self.hover_ring):
            item.addItem(plotted)
        for level in (self.shade, *self.lines.values(), *self.steps.values()):
            level.hide()  # until a chart shows which it needs
            item.addItem(level)
        # After addItem, which hands the plot item's own settings (off) to every curve added.
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        self.markers.setZValue(5)
        self.hover_ring.setZValue(6)
        item.vb.sigXRangeChanged.connect(self._fit_to_view)
        item.vb.sigResized.connect(self._fit_to_view)
        self.scene().sigMouseMoved.connect(self._mouse_moved)
        self.scene().sigMouseClicked.connect(self._mouse_clicked)

    def show_chart(self, chart: ControlChart, marked: np.ndarray, *, decimals: int, label: str,
                   spec: Spec | None = None) -> None:
        """Draw `chart`; `marked` are the points that break a rule. A zoomed view stays as the user left it.
        The phase I points (those the limits come from) are shaded."""
        item = self.getPlotItem()
        item.setLabel("left", label, color=style.TEXT)
        finite = np.isfinite(chart.points)  # the MR chart's first point has no moving range
        self.x = np.arange(chart.points.size, dtype=float)
        self.y = chart.points
        self.marked_x, self.marked_y = marked.astype(float), chart.points[marked]
        self._fitted = None  # new data: fit it even if the view stays the same
        self._fit_to_view()  # symbols on or off before the data: 100,000 symbols cost a tenth of a second
        self.curve.setData(self.x[finite], self.y[finite])
        self.hover_ring.setData([], [])
        self._ringed = -1
        places = decimals + 1  # limits are estimates: one digit more than the gauge reads
        values: dict[str, tuple[float | np.ndarray | None, int]] = {
            "CL": (chart.center, places), "UCL": (chart.ucl, places), "LCL": (chart.lcl, places),
            "USL": (None if spec is None else spec.upper, decimals),
            "LSL": (None if spec is None else spec.lower, decimals)}
        # R and MR cannot go below 0: an LCL clipped there is no limit, and its label would only crowd the CL.
        if chart.type in (Statistic.RANGE, Statistic.MOVING_RANGE) and np.all(chart.lcl == 0):
            values["LCL"] = (None, places)
        self.named = {}
        margin: list[tuple[float, str, str]] = []
        for name, (value, digits) in values.items():
            last = self._level(name, value)
            if last is not None:
                self.named[name] = last
                margin.append((last, f"{name} {last:.{digits}f}", self.lines[name].pen.color().name()))
        self.levels_axis.set_levels(margin)
        self.shade.setRegion((-0.5, chart.baseline - 0.5))
        self.shade.setVisible(0 < chart.baseline < chart.points.size)

    def _level(self, name: str, value: float | np.ndarray | None) -> float | None:
        """Show one horizontal level (a line, or steps where it varies per point); returns its value at the
        newest point, where the margin names it. The items stay in the scene and are only updated."""
        line, steps = self.lines[name], self.steps[name]
        varies = value is not None and np.ndim(value) > 0
        line.setVisible(value is not None and not varies)
        steps.setVisible(varies)
        if value is None:
            return None
        if varies:
            # Per-point limits (subgroups of different sizes) as steps centred on each point.
            steps.setData(np.arange(value.size + 1, dtype=float) - 0.5, value, stepMode="center")
            return float(value[-1])
        line.setValue(float(value))
        return float(value)

    def reset_view(self) -> None:
        self.getPlotItem().enableAutoRange()

    def _fit_to_view(self, *_: object) -> None:
        """Point symbols only where they can be told apart; markers thinned to what a pixel column shows."""
        box = self.getPlotItem().vb
        # While auto-ranging, the view range is only updated on the next paint: it will show all points.
        low, high = (-0.5, self.x.size - 0.5) if box.autoRangeEnabled()[0] else box.viewRange()[0]
        width = max(box.width(), 1.0)
        fitted = (low, high, width)
        if fitted == self._fitted:
            return  # a linked view or a resize that left this one as it was
        self._fitted = fitted
        in_view = min(high, self.x.size) - max(low, 0.0)
        sparse = in_view <= SYMBOLS_UP_TO
        self.curve.setSymbol("o" if sparse else None)
        # Among separate dots a signal stands out by size; in a dense band, big dots would merge into a blot.
        self.markers.setSize(MARKER_SIZE if sparse else DENSE_MARKER_SIZE)
        first, last = np.searchsorted(self.marked_x, (low, high))
        x, y = self.marked_x[first:last], self.marked_y[first:last]
        if x.size > width * MARKERS_PER_PX and high > low:
            # x ascends, so each pixel column is one run: its lowest and highest marker, no sorting needed.
            column = ((x - low) * (width / (high - low))).astype(np.int64)
            starts = np.concatenate(([0], np.flatnonzero(np.diff(column)) + 1))
            x = np.repeat(x[starts], 2)
            y = np.column_stack((np.minimum.reduceat(y, starts), np.maximum.reduceat(y, starts))).ravel()
        self.markers.setData(x, y)

    # -- which point is where --------------------------------------------------------------------------

    def point_at(self, scene_pos: QPointF) -> int:
        """The chart point within HOVER_RADIUS_PX of `scene_pos` (the nearest), or −1."""
        box = self.getPlotItem().vb
        if not self.x.size or not box.sceneBoundingRect().contains(scene_pos):
            return -1
        where = box.mapSceneToView(scene_pos)
        per_px_x, per_px_y = box.viewPixelSize()
        reach = math.ceil(HOVER_RADIUS_PX * per_px_x) + 1
        centre = round(where.x())
        lo, hi = max(0, centre - reach), min(self.x.size, centre + reach + 1)
        if lo >= hi:
            return -1
        dx = (self.x[lo:hi] - where.x()) / per_px_x
        dy = (self.y[lo:hi] - where.y()) / per_px_y
        distance = np.hypot(dx, dy)
        distance[~np.isfinite(distance)] = np.inf
        nearest = int(np.argmin(distance))
        return lo + nearest if distance[nearest] <= HOVER_RADIUS_PX else -1

    def scene_pos_of(self, index: int) -> QPointF:
        """Where point `index` is drawn, in scene coordinates."""
        return self.getPlotItem().vb.mapViewToScene(QPointF(float(self.x[index]), float(self.y[index])))

    def ring(self, index: int) -> None:
        """Ring one point (the hovered one, or the signal picked in the list); −1 removes the ring."""
        if index == self._ringed:
            return
        self._ringed = index
        if 0 <= index < self.y.size and np.isfinite(self.y[index]):
            self.hover_ring.setData([float(index)], [float(self.y[index])])
        else:
            self.hover_ring.setData([], [])

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        index = self.point_at(scene_pos)
        self.ring(index)
        self.point_hovered.emit(index, scene_pos)

    def _mouse_clicked(self, event: MouseClickEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        index = self.point_at(event.scenePos())
        if index >= 0:
            self.point_clicked.emit(index)
