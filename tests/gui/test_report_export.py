""""Export PDF …" on the SPC page's open chart and on the inspection page's signed record: the button appears where
the report makes sense, asks for a file name, renders on the worker and writes a PDF whose text is the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.ui.inspection_page import InspectionPage
from app.ui.spc_page import SpcPage
from app.ui.workspaces import PageContext
from tests.certificates.conftest import pdf_text
from tests.gui.test_inspection_page import fill_good, scan, sign
from tests.gui.test_spc_gui import BORE, LOAD_TIMEOUT, open_chart
from tests.inspection.conftest import shop  # noqa: F401 - a fixture

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def save_to(monkeypatch, tmp_path):
    """The file dialog answers with a path in the test's folder, as a person choosing it would."""
    chosen: list[Path] = []

    def answer(_parent, _caption, suggested, _filter):
        chosen.append(tmp_path / suggested)
        return str(chosen[-1]), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return chosen


def test_the_spc_chart_exports_its_report(qtbot, context, factory, save_to):
    page = SpcPage(context)
    qtbot.addWidget(page)
    page.resize(1380, 930)
    with qtbot.waitSignal(page.dashboard_shown, timeout=LOAD_TIMEOUT):
        page.show()
        page.activated()
    assert not page.export_button.isVisible()  # the dashboard has no one characteristic to report
    open_chart(qtbot, page, factory, BORE)
    assert page.export_button.isVisible()
    with qtbot.waitSignal(page.exporter.exported, timeout=LOAD_TIMEOUT) as blocker:
        qtbot.mouseClick(page.export_button, LEFT)
    [path] = save_to
    assert blocker.args == [str(path)] and path.name.endswith(".pdf")
    text = pdf_text(path)
    data = page.chart.data
    assert "SPC and capability report" in text and BORE in text
    assert f"{data.charted_values.size} ({data.chart.points.size} chart points)" in text
    assert "Report saved" in page.busy.text()


def test_a_signed_inspection_record_exports_its_report(qtbot, shop, runner, settings, save_to):  # noqa: F811
    page = InspectionPage(PageContext(shop.factory, shop.inspector, runner, settings))
    qtbot.addWidget(page)
    page.resize(1500, 950)
    page.show()
    page.activated()
    qtbot.waitUntil(page.scan_field.hasFocus)
    scan(qtbot, page, "VB-0001")
    assert page.export_button.isVisible()
    fill_good(qtbot, page)
    answer = sign(qtbot, page)
    with qtbot.waitSignal(page.exporter.exported, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(page.export_button, LEFT)
    [path] = save_to
    text = pdf_text(path)
    form = answer.form
    assert "Inspection record" in text and "VB-0001" in text and "PASS" in text
    assert "12.004 mm pass" in text and form.signatures[0].printed_name in text
    assert form.signatures[0].content_sha256 in text
    assert str(path) in page.export_status.text()
