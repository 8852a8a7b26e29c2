"""Saving what the SPC and Defects pages show: a chart as a PNG with a header that says what it is, and the
"Save as" dialog that both pages ask the same way, with a sentence for the person when it fails."""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QFileDialog, QWidget

MARGIN = 8  # px around the header's text
KINDS = {"png": "PNG image (*.png)", "csv": "CSV for spreadsheets (*.csv)"}


def figure_with_header(figure: QWidget, title: str, note: str, *, title_font: QFont,
                       note_font: QFont) -> QPixmap:
    """`figure` as the user sees it (at the screen's resolution), under its title and a note line: a saved
    chart must say what it shows once it is out of the application."""
    shot = figure.grab()
    ratio = shot.devicePixelRatio()
    width = round(shot.width() / ratio)
    title_height = QFontMetrics(title_font).lineSpacing()
    header = title_height + QFontMetrics(note_font).lineSpacing() + 2 * MARGIN
    image = QPixmap(shot.width(), shot.height() + round(header * ratio))
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setPen(QColor("#1b232c"))
    painter.setFont(title_font)
    painter.drawText(QRectF(MARGIN, MARGIN, width - 2 * MARGIN, title_height), title)
    painter.setFont(note_font)
    painter.setPen(QColor("#5c636a"))
    painter.drawText(QRectF(MARGIN, MARGIN + title_height, width - 2 * MARGIN, header), note)
    painter.drawPixmap(0, header, shot)
    painter.end()
    return image


def suggested_name(what: str, suffix: str) -> str:
    """'Bore diameter Ø12' → 'Bore-diameter-Ø12-20260616-2010.png': safe on every file system."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in what).strip("-") or "export"
    return f"{safe}-{datetime.now():%Y%m%d-%H%M}.{suffix}"


def ask_and_save(parent: QWidget, what: str, suffix: str, save: Callable[[str], bool | None]) -> str | None:
    """Ask where to save `what`, then `save(path)`; returns the sentence to show when that failed."""
    path, _ = QFileDialog.getSaveFileName(parent, f"Save {what}", suggested_name(what, suffix), KINDS[suffix])
    if not path:
        return None
    try:
        if save(path) is False:  # QPixmap.save says only yes or no
            raise OSError(errno.EIO, "the file could not be written")
    except OSError as exc:
        return f"{Path(path).name} could not be saved ({exc.strerror}): choose another folder or name."
    return None
