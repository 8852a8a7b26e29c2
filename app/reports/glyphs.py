"""Text a registered font can draw: letters it lacks fold to their base letter ('ě' → 'e'), never an empty box.
Shared by the documents (app/reports) and the labels (app/labels), which embed different fonts."""

from __future__ import annotations

import unicodedata
from functools import cache

from reportlab.pdfbase import pdfmetrics


@cache
def _glyphs(font: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def fold_to_font(font: str, text: str) -> str:
    """`text` with every character `font` (already registered) cannot draw replaced by its base letter or '?'."""
    covered = _glyphs(font)
    out = []
    for char in text:
        if ord(char) in covered:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if ord(c) in covered and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)
