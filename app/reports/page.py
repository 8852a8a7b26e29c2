"""What every page of a report carries: the company and document in the head, "page x of y" at the foot, a
COPY watermark on reprints, and a QR code on the first page. "y" is only known at the end, so the canvas keeps
each page's state and draws the furniture when the document is saved."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.reports.styles import ALERT, BOLD, FONT, INK, MUTED, RULE, printable


@dataclass(frozen=True)
class Company:
    name: str
    address_lines: tuple[str, ...] = ()
    logo_file: str = ""

    @classmethod
    def from_text(cls, name: str, address: str, logo_file: str = "") -> Company:
        lines = [part.strip() for part in address.replace(";", "\n").replace("\\n", "\n").splitlines()]
        return cls(name or "(company name not set: settings key company.name)",
                   tuple(line for line in lines if line), logo_file)


@dataclass(frozen=True)
class Furniture:
    company: Company
    title: str
    number: str
    footer_note: str  # e.g. the content hash, on every page so a loose page can be matched to its document
    copy: bool = False
    trial: bool = False


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float, border: int = 4) -> None:
    """The QR code as one filled path of row runs: encoded once, and a tenth of the time of the graphics widget,
    which encodes twice and draws each run as a shape of its own (it dominated a 100-certificate batch)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(payload)
    qr.make()
    count = qr.getModuleCount()
    box = size / (count + 2 * border)
    path = canvas.beginPath()
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            length = len(list(run))
            if dark:
                path.rect(x + (c + border) * box, y + size - (r + border + 1) * box, length * box, box)
            c += length
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def numbered_canvas(furniture: Furniture) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                draw_furniture(self, furniture, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def draw_furniture(canvas: Canvas, f: Furniture, page: int, total: int) -> None:
    width, height = canvas._pagesize
    canvas.saveState()
    if f.copy:
        # Under the text would hide it from nobody; a light outline across the page marks every sheet as a copy.
        canvas.setStrokeColor(ALERT)
        canvas.setFillColor(ALERT)
        canvas.setFillAlpha(0.10)
        canvas.setStrokeAlpha(0.35)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        canvas.setFont(BOLD, 110)
        canvas.drawCentredString(0, -40, "COPY")
        canvas.restoreState()
        canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    if page > 1:  # page 1 has the full heading; later pages name the company and document in a running head
        canvas.setFont(BOLD, 8.5)
        canvas.setFillColor(INK)
        canvas.drawString(15 * mm, height - 11 * mm, printable(f.company.name))
        canvas.setFont(FONT, 8.5)
        canvas.drawRightString(width - 15 * mm, height - 11 * mm,
                               printable(f"{f.title} {f.number}" + ("  COPY" if f.copy else "")))
        canvas.line(15 * mm, height - 13 * mm, width - 15 * mm, height - 13 * mm)
    canvas.line(15 * mm, 14 * mm, width - 15 * mm, 14 * mm)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(15 * mm, 10 * mm, printable(f"{f.number} · {f.footer_note}"))
    canvas.setFont(BOLD, 8.5)
    canvas.setFillColor(INK)
    canvas.drawRightString(width - 15 * mm, 10 * mm, f"page {page} of {total}")
    if f.trial:
        canvas.setFont(BOLD, 7.5)
        canvas.setFillColor(ALERT)
        canvas.drawString(15 * mm, 6 * mm, "Signed with a self-signed TRIAL certificate: not valid for release "
                                           "of goods to customers.")
    canvas.restoreState()


def draw_letterhead(canvas: Canvas, company: Company, qr_payload: str, qr_caption: str) -> float:
    """Logo, name and address at the top left, the QR code at the top right; returns the height used."""
    width, height = canvas._pagesize
    top = height - 12 * mm
    x = 15 * mm
    logo = Path(company.logo_file) if company.logo_file else None
    if logo is not None and logo.is_file():
        image = ImageReader(str(logo))
        iw, ih = image.getSize()
        h = 16 * mm
        w = min(40 * mm, h * iw / ih)
        canvas.drawImage(image, x, top - h, width=w, height=h, preserveAspectRatio=True, mask="auto")
        x += w + 5 * mm
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 13)
    canvas.drawString(x, top - 5 * mm, printable(company.name))
    canvas.setFont(FONT, 8.5)
    canvas.setFillColor(MUTED)
    for i, line in enumerate(company.address_lines[:4]):
        canvas.drawString(x, top - 10 * mm - i * 3.6 * mm, printable(line))
    size = 30 * mm
    draw_qr(canvas, qr_payload, width - 15 * mm - size, top - size + 2 * mm, size)
    canvas.setFont(FONT, 6.5)
    canvas.drawRightString(width - 15 * mm, top - size, printable(qr_caption))
    return 36 * mm


def first_page(company: Company, qr_payload: str, qr_caption: str) -> Callable[[Canvas, object], None]:
    def draw(canvas: Canvas, _doc: object) -> None:
        canvas.saveState()
        draw_letterhead(canvas, company, qr_payload, qr_caption)
        canvas.restoreState()
    return draw
