"""GS1 DataMatrix on top of reportlab's ECC 200 code (Reed-Solomon, module placement, finder patterns).

reportlab's `ECC200DataMatrix` only makes a 44×44 symbol in C40 encodation and cannot start with FNC1, so
it cannot make a GS1 DataMatrix. Here the data codewords are made in ASCII encodation (digit pairs in one
codeword, which suits GS1's numeric AIs) with FNC1 (232) first and between variable-length AIs, padded per
ISO/IEC 16022 5.2.3, and the smallest square symbol that holds them is chosen; reportlab does the rest.
"""

from __future__ import annotations

from reportlab.graphics.barcode.ecc200datamatrix import ECC200DataMatrix
from reportlab.pdfgen.canvas import Canvas

from app.labels.gs1 import ElementString

FNC1 = 232
_PAD = 129
_DIGIT_PAIR = 130  # + 00…99
# Square ECC 200 symbols with a single Reed-Solomon block (ISO/IEC 16022 table 7):
# size → (data regions per side, data codewords, error-correction codewords).
SIZES: dict[int, tuple[int, int, int]] = {
    10: (1, 3, 5), 12: (1, 5, 7), 14: (1, 8, 10), 16: (1, 12, 12), 18: (1, 18, 14), 20: (1, 22, 18),
    22: (1, 30, 20), 24: (1, 36, 24), 26: (1, 44, 28), 32: (2, 62, 36), 36: (2, 86, 42), 40: (2, 114, 48),
    44: (2, 144, 56), 48: (2, 174, 68),
}


def data_codewords(element: ElementString) -> list[int]:
    """ASCII encodation of the element string, FNC1 first: the codewords before padding."""
    words: list[int] = []
    for part in element.parts():
        if part is None:
            words.append(FNC1)
            continue
        i = 0
        while i < len(part):
            pair = part[i:i + 2]
            if len(pair) == 2 and pair.isdigit() and pair.isascii():
                words.append(_DIGIT_PAIR + int(pair))
                i += 2
            else:
                words.append(ord(part[i]) + 1)  # GS1 data is 7-bit: no upper shift is ever needed
                i += 1
    return words


def padded(words: list[int], capacity: int) -> list[int]:
    """Fill to `capacity`: one 129, then the 253-state randomised pad (ISO/IEC 16022 annex B.1.1)."""
    out = list(words)
    if len(out) < capacity:
        out.append(_PAD)
    while len(out) < capacity:
        position = len(out) + 1
        value = _PAD + (149 * position) % 253 + 1
        out.append(value if value <= 254 else value - 254)
    return out


class GS1DataMatrix(ECC200DataMatrix):
    """A GS1 DataMatrix of `element`, `module` points per module, drawn with its lower-left corner at
    (x, y) by `draw_on`. Its size in modules is `self.size`; a quiet zone of one module is the caller's."""

    def __init__(self, element: ElementString, module: float) -> None:
        super().__init__(element.data, barWidth=module)
        words = data_codewords(element)
        fitting = [size for size, (_, capacity, _) in SIZES.items() if capacity >= len(words)]
        if not fitting:
            raise ValueError(f"{len(words)} codewords do not fit a single-block DataMatrix")
        self.size = min(fitting)
        regions, capacity, ecc = SIZES[self.size]
        # The attributes reportlab's placement and finder code read, for the size chosen here.
        self.row_modules = self.col_modules = self.size
        self.row_regions = self.col_regions = regions
        self.cw_data, self.cw_ecc = capacity, ecc
        self.row_usable_modules = self.col_usable_modules = self.size - 2 * regions
        self.codewords = padded(words, capacity)
        self.validated = element.data
        self.encode()
        self.computeSize()

    def encode(self) -> list[list[int]]:
        if hasattr(self, "encoded"):
            return self.encoded
        words = self.codewords + self._get_reed_solomon_code(self.codewords, self.cw_ecc)
        matrix = self._create_matrix(list(words))
        self.encoded = self._merge_data_regions(self._wrap_data_regions_with_finders(
            self._create_data_regions(matrix)))
        self.encoded.reverse()  # row 0 at the bottom: PDF's y axis points up
        return self.encoded

    def _create_matrix(self, data: list[int]) -> list[list[int]]:
        matrix = super()._create_matrix(data)
        rows, cols = self.row_usable_modules, self.col_usable_modules
        if (rows * cols) % 8 == 4:
            # Four modules in the lower-right corner carry no data in these sizes: ISO/IEC 16022 5.8.1
            # fixes them to a checkerboard, which reportlab (made for 44×44 only) leaves blank.
            matrix[rows - 1][cols - 1] = matrix[rows - 2][cols - 2] = 1
        return matrix

    def draw_on(self, canvas: Canvas, x: float, y: float) -> None:
        """Dark modules as one rectangle per horizontal run: fewer PDF operators, no hairline seams."""
        m = self.barWidth
        for row, modules in enumerate(self.encoded):
            col = 0
            while col < len(modules):
                if not modules[col]:
                    col += 1
                    continue
                start = col
                while col < len(modules) and modules[col]:
                    col += 1
                canvas.rect(x + start * m, y + row * m, (col - start) * m, m, stroke=0, fill=1)
