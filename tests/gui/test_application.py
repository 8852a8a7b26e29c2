"""`run()`, the function behind `python -m app`: styled application, start-up, a clean exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.application import run, style_sheet

# The tests' cheap argon2 parameters in the launched process too (tests/subprocess_site/sitecustomize.py).
SITE = os.pathsep.join(filter(None, [str(Path(__file__).parents[1] / "subprocess_site"),
                                     os.environ.get("PYTHONPATH")]))


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


def test_a_first_start_walks_the_assistant_and_reaches_the_main_window(tmp_path):
    """`python -m app --smoke-test` on a PC where Threadline never ran: what `installer/build.py --check` runs
    in the frozen bundle, here from the source tree, in a process of its own."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", THREADLINE_DATA_DIR=str(tmp_path / "data"),
               THREADLINE_CONFIG_DIR=str(tmp_path / "config"), THREADLINE_DEMO_UNITS="20", PYTHONPATH=SITE)
    env.pop("THREADLINE_DB", None)
    done = subprocess.run([sys.executable, "-m", "app", "--smoke-test"], env=env, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "set-up assistant finished with its defaults" in done.stdout
    assert "main window shown: Threadline — GR-PC1" in done.stdout
    settings = json.loads((tmp_path / "config" / "settings.json").read_text())
    assert settings["db.url"] == "" and settings["station.name"] == "GR-PC1"
    assert (tmp_path / "data" / "threadline.db").exists()
