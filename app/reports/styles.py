"""Faces, sizes and colours shared by Threadline's printed reports.

Names on a certificate are legal facts: a supplier "Moravtěsnění" must not print as "Moravtesnení". So the face
is a system sans with Latin Extended glyphs (DejaVu Sans, Arial, Liberation Sans, Noto Sans) where one is
installed, else Bitstream Vera from inside reportlab, with the characters it lacks spelled by their base letter.
Either is embedded in the PDF and extracts as Unicode text."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.reports.glyphs import fold_to_font

FONT, BOLD = "ThreadlineReport", "ThreadlineReport-Bold"
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9aa5b1")
HEAD_FILL = colors.HexColor("#e3e8ee")
ZEBRA = colors.HexColor("#f5f7f9")
ALERT = colors.HexColor("#b00020")
TABLE_SIZE = 7.6  # readable in print at a goods-in desk, small enough for eight columns on A4


_WINDOWS_FONTS = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
_CANDIDATES = (  # (regular, bold) by platform habit; the first pair found wins
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    (str(_WINDOWS_FONTS / "arial.ttf"), str(_WINDOWS_FONTS / "arialbd.ttf")),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
)


@cache
def register_fonts() -> None:
    for regular, bold in _CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            try:
                pdfmetrics.registerFont(TTFont(FONT, regular))
                pdfmetrics.registerFont(TTFont(BOLD, bold))
                break
            except Exception:  # a damaged or unsupported font file: try the next one  # noqa: BLE001
                continue
    else:
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def printable(text: str | None) -> str:
    """Characters the font lacks become their base letter ('ě' → 'e') or '?', never an empty box."""
    if not text:
        return ""
    register_fonts()
    return fold_to_font(FONT, text)


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.25),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10, leading=13, textColor=MUTED),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=10,
                             spaceAfter=4, keepWithNext=True),
        "statement": ParagraphStyle("statement", parent=body, fontSize=9.5, leading=13, borderColor=RULE,
                                    borderWidth=0.6, borderPadding=6, backColor=ZEBRA, spaceBefore=8,
                                    spaceAfter=8),
    }
