"""Labels drawn into a PDF with reportlab: one label per page, the page the size of the label, the GS1 code
(DataMatrix or GS1-128) with its human-readable interpretation, and the item in words beside or above it."""

from __future__ import annotations

import enum
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.labels import text
from app.labels.datamatrix import GS1DataMatrix
from app.labels.gs1 import ElementString, LabelError
from app.labels.items import LabelItem

_FNC1_128 = "\xf1"  # how reportlab's Code128 spells FNC1
# X dimensions. DataMatrix: big modules read from further away, but the symbol must stay in the scanner's
# field of view. GS1-128: thinner than 0.19 mm (7.5 mil) is beyond what a handheld scanner reads reliably;
# wider than 0.5 mm buys nothing on a bench. Both are whole printer dots (see `LabelSize`).
DM_MODULE_MAX, DM_MODULE_MIN = 1.0 * mm, 0.3 * mm
BAR_MAX, BAR_MIN = 0.5 * mm, 0.19 * mm
GS1_128_MOST = 48  # data characters, separators included (GS1 General Specifications 5.4.1)
QUIET_128 = 10  # modules of quiet zone each side of a Code 128 symbol (ISO/IEC 15417)


class Symbology(enum.StrEnum):
    DATAMATRIX = "datamatrix"
    GS1_128 = "gs1-128"


@dataclass(frozen=True)
class LabelSize:
    """The label stock, and the resolution of the printer it goes through. Bars and modules are whole
    printer dots: a thermal printer rounds each bar to its dots, and a 0.3 mm bar would come out as 2 or 3
    dots (0.25 or 0.375 mm) at 203 dpi — uneven bars that scanners misread."""

    width_mm: float = 100.0
    height_mm: float = 50.0
    dpi: int = 203

    @classmethod
    def parse(cls, text: str, dpi: int = 203) -> LabelSize:
        """'100x50' (millimetres, width first)."""
        try:
            width, height = (float(v) for v in text.lower().replace("×", "x").replace("mm", "").split("x"))
        except ValueError:
            raise LabelError(f"'{text}' is not a label size: give width and height in millimetres, such as "
                             "100x50.") from None
        return cls(width, height, dpi)

    def check(self) -> None:
        if not (30 <= self.width_mm <= 300 and 20 <= self.height_mm <= 300):
            raise LabelError(f"A {self.width_mm:g}×{self.height_mm:g} mm label is too small or too large to "
                             "print a readable code on: use between 30×20 and 300×300 mm, such as 100×50.")
        if not 150 <= self.dpi <= 1200:
            raise LabelError(f"{self.dpi} dpi is not a label printer's resolution: use 203, 300 or 600.")

    @property
    def points(self) -> tuple[float, float]:
        return self.width_mm * mm, self.height_mm * mm

    def snap(self, length: float, *, up: bool = False) -> float:
        """`length` (points) as whole printer dots, rounded down or up."""
        dot = 72.0 / self.dpi
        dots = length / dot
        return (math.ceil(dots - 1e-9) if up else math.floor(dots + 1e-9)) * dot


@dataclass(frozen=True)
class Label:
    item: LabelItem
    element: ElementString


def _draw_datamatrix(canvas: Canvas, label: Label, size: LabelSize, margin: float) -> None:
    """The symbol top left, the words to its right, the interpretation under whichever ends lower."""
    w, h = size.points
    hri = 7.0
    band = hri * 1.6
    room = min(h - 2 * margin - band, w * 0.38)
    modules = GS1DataMatrix(label.element, module=DM_MODULE_MAX).size
    module = size.snap(min(DM_MODULE_MAX, room / (modules + 2)))  # + one module of quiet zone each side
    if module < DM_MODULE_MIN:
        raise LabelError(f"{label.item.name}: on a {size.width_mm:g}×{size.height_mm:g} mm label its "
                         f"DataMatrix modules would be {module / mm:.2f} mm, too small to read. Use a larger "
                         "label, such as 100×50.")
    symbol = GS1DataMatrix(label.element, module=module)
    side = symbol.size * module
    top = h - margin
    symbol.draw_on(canvas, size.snap(margin + module), size.snap(top - module - side))
    text_x = margin + side + 2 * module + 3 * mm
    width = w - margin - text_x
    lines = [text.header(label.item), *text.identity(label.item, width), *text.details(label.item)]
    end = text.draw_lines(canvas, lines, text_x, top, width, top - margin - band)
    below = min(end, top - side - 2 * module) - 1.2 * hri
    text.draw_hri(canvas, label.element.hri, margin + module, max(margin + 0.3 * hri, below),
                  w - 2 * margin - module, hri, centred=False)


def _draw_gs1_128(canvas: Canvas, label: Label, size: LabelSize, margin: float) -> None:
    """The part number across the top; under it the identity left, origin and dates right; the bars below."""
    w, h = size.points
    name, data = label.item.name, label.element.data
    if len(data) > GS1_128_MOST:
        raise LabelError(f"{name}: its GS1 data has {len(data)} characters; a GS1-128 code holds at most "
                         f"{GS1_128_MOST}. Print DataMatrix labels instead.")
    value = "".join(_FNC1_128 if part is None else part for part in label.element.parts())
    probe = Code128(value, barWidth=1.0, quiet=0)
    probe._calculate()  # reportlab computes the width only when drawing
    modules = probe.width
    # The quiet zones may reach into the margins: only they need to be blank, up to the label's edge.
    bar = size.snap(min(BAR_MAX, w / (modules + 2 * QUIET_128)))
    if bar < size.snap(BAR_MIN, up=True):
        raise LabelError(f"{name}: its GS1-128 code is {modules:.0f} modules long and does not fit a "
                         f"{size.width_mm:g} mm wide label at {size.dpi} dpi (its bars would be thinner than "
                         f"{BAR_MIN / mm:.2f} mm, which scanners do not read reliably). Print DataMatrix "
                         "labels instead, or use a wider label.")
    hri = 8.0
    bar_height = min(20 * mm, max(8 * mm, h * 0.26))
    symbol = Code128(value, barWidth=bar, barHeight=bar_height, quiet=0)
    symbol._calculate()
    y = margin + hri * 1.5
    symbol.drawOn(canvas, size.snap((w - symbol.width) / 2), y)
    text.draw_hri(canvas, label.element.hri, margin, margin + 0.3 * hri, w - 2 * margin, hri)
    header = text.header(label.item)
    top, bottom = h - margin, y + bar_height + 2 * mm
    text.draw_lines(canvas, [header], margin, top, w - 2 * margin, top - bottom)
    top -= header.size * text.LEADING
    left = (w - 2 * margin) * 0.55
    gap = 2 * mm
    text.draw_lines(canvas, text.identity(label.item, left - gap), margin, top, left - gap, top - bottom)
    text.draw_lines(canvas, text.details(label.item), margin + left, top, w - 2 * margin - left, top - bottom)


def render_pdf(labels: Sequence[Label], *, symbology: Symbology = Symbology.DATAMATRIX,
               size: LabelSize = LabelSize()) -> bytes:
    """The labels as a PDF, one per page; raises `LabelError` (naming the item) before any page is kept."""
    size.check()
    text.register_fonts()
    margin = min(3 * mm, size.points[1] * 0.06)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size.points, pageCompression=1, invariant=True)
    canvas.setTitle(f"Threadline labels ({len(labels)})")
    canvas.setCreator("Threadline")
    draw = _draw_datamatrix if symbology is Symbology.DATAMATRIX else _draw_gs1_128
    for label in labels:
        draw(canvas, label, size, margin)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
