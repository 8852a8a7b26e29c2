"""The symbols themselves: GS1 DataMatrix codewords (FNC1 first, digit pairs, padding) in every size, and
GS1-128 with FNC1 after the start character — drawn into a PDF, rasterised and decoded by zxing-cpp."""

from __future__ import annotations

import io

import numpy as np
import pytest
import zxingcpp
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.labels.datamatrix import FNC1, SIZES, GS1DataMatrix, data_codewords, padded
from app.labels.gs1 import GS, Element, ElementString
from tests.labels.scanning import decode_pages

LOT = ElementString((Element("17", "310512"), Element("240", "RB-14404-040"), Element("10", "GR-26-00004")))


def test_datamatrix_codewords_start_with_fnc1_and_separate_variable_fields_with_it():
    words = data_codewords(LOT)
    assert words[0] == FNC1  # first position: this is a GS1 DataMatrix
    # "17310512" as four digit pairs (130 + nn), then "240" as a pair and a digit …
    assert words[1:5] == [130 + 17, 130 + 31, 130 + 5, 130 + 12]
    assert words[5:7] == [130 + 24, ord("0") + 1]
    # … and one FNC1 between (240) and (10), none after the last field.
    assert words.count(FNC1) == 2
    separator = words.index(FNC1, 1)
    assert words[separator + 1:separator + 3] == [130 + 10, ord("G") + 1]
    assert words[-1] != FNC1


def test_padding_starts_with_129_and_fills_the_symbol():
    assert padded([1, 2, 3], 3) == [1, 2, 3]
    assert padded([1, 2], 5)[:3] == [1, 2, 129] and len(padded([1, 2], 5)) == 5


@pytest.mark.parametrize(("fields", "size"), [
    ((("17", "310512"), ("240", "RB-14404-040"), ("10", "GR-26-00004")), 22),
    ((("01", "00614141471102"), ("21", "VA-0100001")), 18),
    ((("01", "00614141471102"), ("21", "1")), 16),  # 16×16: pads and the fixed corner pattern
])
def test_the_symbol_matches_an_independent_encoder_module_for_module(fields, size):
    """zxing-cpp's encoder (ASCII encodation too, for this data) makes the very same matrix: codewords,
    padding, Reed-Solomon, placement and finder patterns all agree."""
    element = ElementString(tuple(Element(ai, value) for ai, value in fields))
    reference = zxingcpp.create_barcode(element.hri, zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    expected = (np.array(reference.to_image(scale=1, add_quiet_zones=False)) < 128).astype(int)
    ours = np.array(GS1DataMatrix(element, module=1.0).encoded[::-1])  # top row first, as in an image
    assert ours.shape == expected.shape == (size, size)
    assert (ours == expected).all()


def _element_of(codewords: int) -> ElementString:
    """An element string whose DataMatrix data is exactly `codewords` long: FNC1, "10" as one digit pair,
    then characters of one codeword each (longer than GS1 allows a lot; the symbol does not care)."""
    value = ("Ab-x/" * 40)[:codewords - 2]
    element = ElementString((Element("10", value),))
    assert len(data_codewords(element)) == codewords
    return element


def _render(symbol_draw, width: float = 100 * mm) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, 100 * mm))
    symbol_draw(canvas)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize(("size", "slack"), [(size, slack) for size in sorted(SIZES) for slack in (0, 1)
                                             if SIZES[size][1] - slack >= 3])  # full, and with one pad
def test_every_datamatrix_size_decodes_as_gs1(size, slack):
    capacity = SIZES[size][1]
    element = _element_of(capacity - slack)
    symbol = GS1DataMatrix(element, module=0.5 * mm)
    assert symbol.size == size  # the smallest symbol that holds the data
    pages = decode_pages(_render(lambda canvas: symbol.draw_on(canvas, 10 * mm, 10 * mm)), dpi=300)
    [decoded] = pages[0]
    assert decoded.symbology == "]d2" and decoded.gs1
    assert decoded.data == element.data


def test_the_lower_right_corner_of_a_12x12_symbol_has_the_fixed_pattern():
    symbol = GS1DataMatrix(_element_of(5), module=1.0)
    assert symbol.size == 12
    rows = symbol.encoded[::-1]  # top row first again
    # Inside the finder (one module in from the bottom and right edges), ISO/IEC 16022 5.8.1.
    corner = [row[-3:-1] for row in rows[-3:-1]]
    assert corner == [[1, 0], [0, 1]]


def test_gs1_128_starts_with_fnc1_and_decodes_as_gs1():
    value = "".join("\xf1" if part is None else part for part in LOT.parts())
    symbol = Code128(value, barWidth=0.25 * mm, barHeight=15 * mm, quiet=0)
    symbol._calculate()
    assert symbol.encoded[0] == 105 and symbol.encoded[1] == 102  # Start C, then FNC1
    pages = decode_pages(_render(lambda canvas: symbol.drawOn(canvas, 10 * mm, 40 * mm), 120 * mm), dpi=300)
    [decoded] = pages[0]
    assert decoded.symbology == "]C1" and decoded.gs1
    assert decoded.data == f"17310512240RB-14404-040{GS}10GR-26-00004"
