"""How every SPC and defect plot looks: white paper, the application's font, one colour per meaning.

Control charts keep the conventions quality engineers read without a legend: blue points, a green centre
line, red dashed control limits, red rings on points that break a rule, and the specification limits in a
different colour and dash so they are never mistaken for control limits.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPen
from PySide6.QtWidgets import QApplication

POINTS = "#1864ab"
CENTRE = "#2b8a3e"
LIMIT = "#c92a2a"
SPEC = "#7b2cbf"
SIGNAL = "#e03131"
HOVER = "#f08c00"
TEXT = "#2f3d4c"
AXIS = "#5c636a"
BARS = "#74a9d8"
# Distinguishable lines for categories (defect-rate trends), dark enough on white.
CATEGORY = ("#1864ab", "#e8590c", "#2b8a3e", "#862e9c", "#c92a2a", "#0b7285", "#5c940d", "#a61e4d",
            "#495057", "#d9480f")


def pen(colour: str, width: float = 1.5, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    line = pg.mkPen(colour, width=width, style=style)
    line.setCosmetic(True)  # the width is in pixels, whatever the zoom
    return line


def plot_font(scale: float = 1.0) -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    return font


def style_plot(widget: pg.PlotWidget, *, left: str = "", bottom: str = "", grid: bool = True) -> None:
    """White background, readable axes, a faint grid (control charts have their limit lines instead, and
    the translucent grid costs a third of a repaint), and the view-box menu only (View All, zoom modes)."""
    widget.setBackground("w")
    item = widget.getPlotItem()
    item.setMenuEnabled(False, enableViewBoxMenu=True)  # the plot menu's FFT and log options only confuse
    item.showGrid(x=False, y=grid, alpha=0.12)
    tick_font = plot_font(0.85)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(TEXT))
        axis.setStyle(tickFont=tick_font)
        axis.enableAutoSIPrefix(False)  # "10 (×0.001)" for 0.010 mm only puzzles people
    label_style = {"color": TEXT, "font-size": f"{plot_font(0.9).pointSizeF():.1f}pt"}
    if left:
        item.setLabel("left", left, **label_style)
    if bottom:
        item.setLabel("bottom", bottom, **label_style)
