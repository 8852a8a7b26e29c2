"""Print preview and printing of a signed PDF. PySide6-Essentials has no QtPdf, so pypdfium2 rasterises each page
at the printer's resolution and QPainter puts it on the page, scaled to fit with its aspect kept. The file itself
is never re-rendered or changed: what is saved or sent is the signed original."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

PREVIEW_DPI = 150  # the preview's own pages; a real printer asks for its resolution


def page_count(paths: Sequence[Path]) -> int:
    import pypdfium2

    total = 0
    for path in paths:
        document = pypdfium2.PdfDocument(str(path))
        try:
            total += len(document)
        finally:
            document.close()
    return total


def render_page(document, index: int, dpi: int) -> QImage:
    """One page as an RGB image; copied so the image owns its pixels after the bitmap is freed."""
    pil = document[index].render(scale=dpi / 72).to_pil().convert("RGB")
    image = QImage(pil.tobytes("raw", "RGB"), pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888)
    return image.copy()


def paint_pdfs(paths: Sequence[Path], printer: QPrinter) -> int:
    """Every page of every file onto `printer`, one sheet each; returns the pages painted."""
    import pypdfium2

    dpi = min(max(printer.resolution(), 96), 300)  # enough for print; a 1200 dpi raster would only be slow
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    painted = 0
    try:
        for path in paths:
            document = pypdfium2.PdfDocument(str(path))
            try:
                for index in range(len(document)):
                    if painted:
                        printer.newPage()
                    image = render_page(document, index, dpi)
                    target = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
                    target.moveTo(0, 0)
                    size = QSize(image.width(), image.height()).scaled(target.size().toSize(),
                                                                      Qt.AspectRatioMode.KeepAspectRatio)
                    painter.drawImage(QRectF(target.x(), target.y(), size.width(), size.height()), image)
                    painted += 1
            finally:
                document.close()
    finally:
        painter.end()
    return painted


def a4_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF brings its own margins
    return printer


def preview_dialog(paths: Sequence[Path], parent: QWidget | None = None) -> QPrintPreviewDialog:
    """A print preview of the files; its Print button prints them. The caller shows (or execs) it."""
    printer = a4_printer()
    printer.setResolution(PREVIEW_DPI)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview — {', '.join(p.name for p in paths[:2])}"
                          + (" …" if len(paths) > 2 else ""))
    dialog.paintRequested.connect(lambda target: paint_pdfs(paths, target))
    dialog.resize(900, 1000)
    dialog.printer = printer  # kept alive with the dialog: it paints with it
    return dialog


def print_with_dialog(paths: Sequence[Path], parent: QWidget | None = None) -> int:
    """The system print dialog, then the pages; returns how many were printed (0: cancelled)."""
    printer = a4_printer()
    chooser = QPrintDialog(printer, parent)
    chooser.setWindowTitle("Print certificate")
    if chooser.exec() != QDialog.DialogCode.Accepted:
        return 0
    return paint_pdfs(paths, printer)
