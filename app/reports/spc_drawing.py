"""A control chart drawn with reportlab.graphics, as vectors in the PDF (not a screenshot of the widget): the
points joined in time order, centre line and control limits (stepped where they vary), specification limits on
an individuals chart, and the points that complete a rule signal ringed in the alert colour."""

from __future__ import annotations

import numpy as np
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String

from app.reports.styles import ALERT, BOLD, FONT, INK, MUTED, RULE, register_fonts

LINE_BLUE = "#1f4e79"
LIMIT_RED = "#b00020"
CENTRE_GREEN = "#2e7d32"
SPEC_AMBER = "#a15c00"
MAX_DRAWN = 1_500  # beyond this many points a page shows a smear, not a line; the newest are drawn


def _levels(value: float | np.ndarray, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (n,)).astype(float)


def chart_drawing(points: np.ndarray, centre: float | np.ndarray, ucl: float | np.ndarray,
                  lcl: float | np.ndarray, *, width: float, height: float, label: str, marked: np.ndarray,
                  decimals: int = 3, spec: tuple[float | None, float | None] = (None, None)) -> Drawing:
    register_fonts()
    drawing = Drawing(width, height)
    n_all = int(points.size)
    first = max(0, n_all - MAX_DRAWN)
    y = np.asarray(points, dtype=float)[first:]
    n = int(y.size)
    centre_v, ucl_v, lcl_v = (_levels(v, n_all)[first:] for v in (centre, ucl, lcl))
    lows = [np.nanmin(y), np.nanmin(lcl_v)] + [s for s in spec if s is not None]
    highs = [np.nanmax(y), np.nanmax(ucl_v)] + [s for s in spec if s is not None]
    low, high = float(min(lows)), float(max(highs))
    if high - low <= 0:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    left, right, bottom, top = 46.0, width - 70.0, 16.0, height - 14.0

    def sx(i: float) -> float:
        return left + (right - left) * (i / max(n - 1, 1))

    def sy(v: float) -> float:
        return bottom + (top - bottom) * (v - low) / (high - low)

    drawing.add(Rect(left, bottom, right - left, top - bottom, strokeColor=RULE, strokeWidth=0.5,
                     fillColor=None))
    drawing.add(String(left, height - 10, label, fontName=BOLD, fontSize=8.5, fillColor=INK))
    labels: list[tuple[float, str, str]] = []  # (y, text, colour) at the right edge, spread apart below
    for value, colour, name in ((ucl_v, LIMIT_RED, "UCL"), (centre_v, CENTRE_GREEN, "CL"),
                                (lcl_v, LIMIT_RED, "LCL")):
        _level_line(drawing, value, sx, sy, colour, dash=None if name == "CL" else (3, 2))
        labels.append((sy(float(value[-1])), f"{name} {float(value[-1]):.{decimals}f}", colour))
    for value, name in zip(spec, ("LSL", "USL")):
        if value is not None:
            drawing.add(Line(left, sy(value), right, sy(value), strokeColor=SPEC_AMBER, strokeWidth=0.7,
                             strokeDashArray=(1, 2)))
            labels.append((sy(value), f"{name} {value:.{decimals}f}", SPEC_AMBER))
    _edge_labels(drawing, labels, right + 3)
    for tick in np.linspace(low + pad, high - pad, 5):
        drawing.add(String(left - 3, sy(tick) - 2.5, f"{tick:.{decimals}f}", fontName=FONT, fontSize=6,
                           fillColor=MUTED, textAnchor="end"))
    step = max(1, int(np.ceil(n / 10)))
    for i in range(0, n, step):
        drawing.add(String(sx(i), bottom - 9, str(first + i + 1), fontName=FONT, fontSize=6, fillColor=MUTED,
                           textAnchor="middle"))
    drawing.add(PolyLine([c for i in range(n) for c in (sx(i), sy(float(y[i])))], strokeColor=LINE_BLUE,
                         strokeWidth=0.6))
    radius = 1.1 if n > 300 else 1.8
    marked_set = {int(m) - first for m in marked if m >= first}
    for i in range(n):
        bad = i in marked_set or y[i] > ucl_v[i] or y[i] < lcl_v[i]
        drawing.add(Circle(sx(i), sy(float(y[i])), radius * (1.5 if bad else 1),
                           fillColor=ALERT if bad else LINE_BLUE, strokeColor=None))
    if first:
        drawing.add(String(left + 2, bottom + 2, f"newest {n} of {n_all} points", fontName=FONT, fontSize=6,
                           fillColor=MUTED))
    return drawing


def _level_line(drawing: Drawing, value: np.ndarray, sx, sy, colour: str, dash) -> None:
    """A stepped line: limits of unequal samples vary point by point; equal ones make one segment."""
    if np.all(value == value[0]):
        drawing.add(Line(sx(0), sy(float(value[0])), sx(value.size - 1), sy(float(value[0])), strokeColor=colour,
                         strokeWidth=0.7, strokeDashArray=dash))
        return
    coords = []
    for i, v in enumerate(value):
        coords += [sx(i - 0.5 if i else 0), sy(float(v)), sx(i + 0.5 if i < value.size - 1 else i), sy(float(v))]
    drawing.add(PolyLine(coords, strokeColor=colour, strokeWidth=0.7, strokeDashArray=dash))


def _edge_labels(drawing: Drawing, labels: list[tuple[float, str, str]], x: float, gap: float = 7.5) -> None:
    """Limit names beside the plot, pushed apart when two limits coincide (an LCL on the LSL) so both read."""
    placed: list[float] = []
    for y, text, colour in sorted(labels, key=lambda label: -label[0]):
        if placed and placed[-1] - y < gap:
            y = placed[-1] - gap
        placed.append(y)
        drawing.add(String(x, y - 3, text, fontName=FONT, fontSize=6.5, fillColor=colour))
