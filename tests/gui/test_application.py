"""`run()`, the function behind `python -m app`: styled application, start-up, a clean exit code."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.application import run, style_sheet


def test_the_style_sheet_scales_from_the_base_font_size():
    sheet = style_sheet(12)
    assert "$" not in sheet and "21.0pt" in sheet  # the scan field: 1.75 × the base size
    assert "28.0pt" in style_sheet(16)


def test_an_unreachable_database_shows_the_sentence_and_exits_1(qtbot, qapp):
    seen: list[str] = []

    def answer() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(20, answer)
            return
        seen.append(boxes[0].informativeText())
        boxes[0].button(QMessageBox.StandardButton.Close).click()

    font, sheet = qapp.font(), qapp.styleSheet()
    QTimer.singleShot(0, answer)
    try:
        code = run("postgresql://nobody@127.0.0.1:1/none")
        assert qapp.applicationName() == "Threadline" and qapp.font().pointSize() == 12
        assert "#scanField" in qapp.styleSheet()
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setFont(font)
        qapp.setQuitOnLastWindowClosed(True)
    assert code == 1
    assert seen and "Cannot open the database PostgreSQL 127.0.0.1:1/none" in seen[0]
