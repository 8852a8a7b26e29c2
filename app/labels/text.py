"""The words on a label: which lines an item gets, in which face and size, fitted into their box. The font
is Bitstream Vera, which ships inside reportlab, so the installed app needs no font of its own; unlike the
14 standard PDF fonts it is embedded, and the text extracts from the PDF as Unicode."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.labels.items import LabelItem
from app.reports.glyphs import fold_to_font

FONT, BOLD = "ThreadlineLabel", "ThreadlineLabel-Bold"
LEADING = 1.22  # line pitch as a multiple of the font size


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))


def printable(text: str) -> str:
    """Characters the font lacks become their base letter ('ě' → 'e') rather than an empty box."""
    register_fonts()
    return fold_to_font(FONT, text)


@dataclass(frozen=True)
class Line:
    text: str
    size: float
    bold: bool = False
    suffix: str = ""  # in the regular face after `text`, e.g. the revision after the part number
    may_cut: bool = False  # prose may lose its end; a number is shrunk instead, never shown cut short


def header(item: LabelItem) -> Line:
    return Line(item.part_number, 14, bold=True, suffix=f"  rev {item.revision}")


def identity(item: LabelItem, width: float) -> list[Line]:
    """The description (two lines at most) and the serial or lot number."""
    lines = [Line(text, 7.5, may_cut=True) for text in _wrapped(item.description, 7.5, width)]
    lines.append(Line(item.name, 12, bold=True))
    return lines


def details(item: LabelItem) -> list[Line]:
    """Quantity, expiry and where the material came from: what goods in and the saw need to see."""
    lines = []
    if not item.is_serial:
        lines.append(Line(f"Qty {item.quantity:g} {item.unit}", 9))
    if item.expires_on is not None:
        lines.append(Line(f"Use by {item.expires_on:%Y-%m-%d}", 9, bold=True))
    if item.heat_number:
        lines.append(Line(f"Heat {item.heat_number}", 10, bold=True))
    if item.supplier_lot:
        lines.append(Line(f"Supplier lot {item.supplier_lot}", 7.5))
        if item.supplier:
            lines.append(Line(f"Supplier {item.supplier}", 7.5))
    if item.work_order:
        lines.append(Line(f"Work order {item.work_order}", 7.5))
    return lines


def _wrapped(text: str, size: float, width: float, most: int = 2) -> list[str]:
    register_fonts()
    lines = simpleSplit(printable(text), FONT, size, width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1].rstrip() + "…"
    return lines


def draw_lines(canvas: Canvas, lines: Sequence[Line], x: float, top: float, width: float,
               height: float) -> float:
    """Top-down from `top`; returns where the last line ends. All sizes shrink together when the lines are
    taller than `height`. A line wider than `width` shrinks alone: a number as far as it must, prose by a
    third at most, and then it loses its end."""
    needed = sum(line.size * LEADING for line in lines)
    scale = min(1.0, height / needed) if needed else 1.0
    y = top
    for line in lines:
        size = line.size * scale
        y -= size
        face = BOLD if line.bold else FONT
        full, suffix = printable(line.text), printable(line.suffix)
        text = full

        def wide(t: str, s: float) -> float:
            return pdfmetrics.stringWidth(t, face, s) + pdfmetrics.stringWidth(suffix, FONT, s)

        if wide(text, size) > width:
            size = max(size * width / wide(text, size), size * 0.7) if line.may_cut else \
                size * width / wide(text, size)
            while line.may_cut and text and wide(text + "…", size) > width:
                text = text[:-1]
            if text != full:
                text += "…"
        canvas.setFont(face, size)
        canvas.drawString(x, y, text)
        if suffix:
            canvas.setFont(FONT, size)
            canvas.drawString(x + pdfmetrics.stringWidth(text, face, size), y, suffix)
        y -= size * (LEADING - 1)
    return y


def draw_hri(canvas: Canvas, hri: str, x: float, y: float, width: float, size: float, *,
             centred: bool = True) -> None:
    """The human-readable interpretation of the code, shrunk to `width` if need be."""
    size = min(size, size * width / pdfmetrics.stringWidth(hri, FONT, size))
    canvas.setFont(FONT, size)
    if centred:
        canvas.drawCentredString(x + width / 2, y, hri)
    else:
        canvas.drawString(x, y, hri)
