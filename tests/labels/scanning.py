"""Reading labels back the way the bench does: the PDF rasterised at a label printer's resolution, each
symbol decoded by zxing-cpp, and the frame a scanner would send (AIM identifier + data, GS for FNC1)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdf
import pypdfium2
import zxingcpp


@dataclass(frozen=True)
class Decoded:
    format: str
    symbology: str  # the AIM symbology identifier, e.g. ]d2 for GS1 DataMatrix
    gs1: bool  # zxing saw FNC1 in first position
    data: str  # as a scanner sends it after the identifier: FNC1 separators as GS

    @property
    def frame(self) -> str:
        return self.symbology + self.data


def decode_pages(pdf: bytes, dpi: int = 203) -> list[list[Decoded]]:
    """Every symbol on every page, page by page."""
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            pages.append([Decoded(format=str(b.format), symbology=b.symbology_identifier,
                                  gs1=b.content_type == zxingcpp.ContentType.GS1, data=b.text)
                          for b in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)])
            page.close()
    finally:
        document.close()
    return pages


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
