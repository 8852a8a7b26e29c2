"""The GS1 element string a label carries for one item: which application identifiers, in which order, and
whether the data may be put in a GS1 symbol at all. Pure functions, no database, no drawing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.services.errors import ValidationError

GS = "\x1d"
# GS1 General Specifications, figure 7.11-1: the characters AIs 10, 21 and 240 may hold ("CSET 82").
CSET82 = frozenset("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
# AI → (fixed length, or None for variable; longest data). Only the AIs labels print.
_AIS: dict[str, tuple[int | None, int]] = {
    "01": (14, 14), "17": (6, 6), "10": (None, 20), "21": (None, 20), "240": (None, 30),
}
_AI_NAMES = {"01": "GTIN", "17": "expiry date", "10": "lot number", "21": "serial number",
             "240": "part number"}


class LabelError(ValidationError):
    """An item whose label cannot be made as asked: the message names the item and what to do."""


@dataclass(frozen=True)
class Element:
    ai: str
    value: str

    @property
    def variable(self) -> bool:
        return _AIS[self.ai][0] is None


@dataclass(frozen=True)
class ElementString:
    """AI/value pairs in symbol order: fixed-length AIs first, so FNC1 separators are needed only between
    variable-length ones (GS1 General Specifications 5.10.2, 7.8.5)."""

    elements: tuple[Element, ...]

    @property
    def data(self) -> str:
        """What a scanner sends after the symbology identifier: GS where an FNC1 separates two AIs."""
        # The leading FNC1 is not sent: the identifier (]C1, ]d2) says GS1 instead.
        return "".join(GS if part is None else part for part in self.parts()[1:])

    @property
    def hri(self) -> str:
        """Human-readable interpretation, printed under the symbol: (01)06141410047115(21)VA-0100001."""
        return "".join(f"({e.ai}){e.value}" for e in self.elements)

    def parts(self) -> list[str | None]:
        """The data between FNC1s: None is an FNC1 (the leading one marks the symbol as GS1)."""
        parts: list[str | None] = [None]
        for index, element in enumerate(self.elements):
            parts.append(element.ai + element.value)
            if element.variable and index < len(self.elements) - 1:
                parts.append(None)
        return parts

    def value(self, ai: str) -> str | None:
        return next((e.value for e in self.elements if e.ai == ai), None)


def check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit: weights 3, 1, 3 … from the right-most digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


def element_string(*, name: str, code: str, is_serial: bool, part_number: str, gtin: str | None,
                   expires_on: date | None) -> ElementString:
    """The element string for an item called `name` in messages ('Serial VB-4711-000001').

    With a GTIN: (01) GTIN, (17) expiry, then (21) serial or (10) lot — the way trade items are marked.
    Without one, the part number goes in (240) "additional product identification" in place of the GTIN.
    GS1 allows (21)/(10)/(240) only next to a GTIN, so such a label is for use inside the company: every
    GS1 parser (scanners, biip, zxing) reads it, and `lookup.match_items` finds the item by its (21)/(10).
    """
    elements: list[Element] = []
    if gtin:
        elements.append(Element("01", _gtin14(gtin, name, part_number)))
    if expires_on is not None:
        elements.append(Element("17", expires_on.strftime("%y%m%d")))
    if not gtin:
        elements.append(_checked("240", part_number, name))
    elements.append(_checked("21" if is_serial else "10", code, name))
    return ElementString(tuple(elements))


def _gtin14(gtin: str, name: str, part_number: str) -> str:
    digits = gtin.strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14) or check_digit(digits[:-1]) != digits[-1]:
        raise LabelError(f"{name}: the GTIN '{gtin}' of part {part_number} is not a valid GTIN (8, 12, 13 "
                         "or 14 digits with a correct check digit). Ask quality engineering to correct the "
                         "part's GTIN, then print again.")
    return digits.zfill(14)


def _checked(ai: str, value: str, name: str) -> Element:
    longest = _AIS[ai][1]
    what = _AI_NAMES[ai]
    if not value:
        raise LabelError(f"{name}: the {what} is empty, so there is nothing to put in the code.")
    bad = sorted({c for c in value if c not in CSET82})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise LabelError(f"{name}: the {what} '{value}' holds {shown}, which a GS1 code cannot carry "
                         "(letters, digits and - . / _ and a few other signs only). Label this item by hand, "
                         "or ask for its number to be changed.")
    if len(value) > longest:
        raise LabelError(f"{name}: the {what} '{value}' has {len(value)} characters; a GS1 code carries at "
                         f"most {longest}. Label this item by hand, or ask for a shorter number.")
    return Element(ai, value)
