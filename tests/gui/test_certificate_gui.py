"""Certificates from the Trace page, driven as a supervisor would: trace a valve, press "Certificate …", issue,
look at the print preview; for a shipment, one certificate per serial with the progress bar and Cancel; and a
held item refused with the service's own sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from sqlalchemy import select

from app.models import Item
from app.models.certificates import IssuedCertificate
from app.services.certificates import PASSPHRASE_ENV, CertificateSubject, Subject, create_trial_key
from app.services.demo import DEMO_PASSWORD
from app.services.users import authenticate
from app.trace import Direction
from app.ui.certificate_dialog import CertificateDialog
from app.ui.certificate_preview import a4_printer, paint_pdfs
from app.ui.certificate_work import save_copies
from app.ui.trace_page import TracePage
from app.ui.workspaces import PageContext
from tests.certificates.conftest import page_count, pdf_text

PASSPHRASE = "trial-passphrase-1"


@pytest.fixture(scope="session")
def key_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gui-signing") / "organisation.p12"
    create_trial_key(path, "Acme Valves GmbH", PASSPHRASE)
    return path


@pytest.fixture
def supervisor(factory, plant, runner, settings, key_file, monkeypatch, tmp_path) -> PageContext:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)  # the headless test box has no keyring
    monkeypatch.setenv("THREADLINE_DATA_DIR", str(tmp_path / "data"))
    settings.set("certificates.signing_key_file", str(key_file))
    settings.set("company.name", "Acme Valves GmbH")
    settings.set("company.address", "Werkstraße 12; 70565 Stuttgart")
    return PageContext(factory, authenticate(factory, "sup.wagner", DEMO_PASSWORD), runner, settings)


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose(qtbot, radio) -> None:
    """Click a radio button on its label: the button stretches across the dialog, its centre is empty space."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(10, radio.height() // 2))


def test_issue_a_certificate_from_the_trace_page_and_preview_it(qtbot, supervisor, plant, factory, tmp_path):
    page = TracePage(supervisor)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    serial = plant.examples["finished_serial"]
    qtbot.mouseClick(page.direction.buttons[Direction.REVERSE], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.result_shown, timeout=20_000):
        qtbot.keyClicks(page.scan_field, serial)
        qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
    if page.detail.node is None:  # the tree selects its root on arrival; if not, select it as a click would
        page.tree.setCurrentIndex(page.genealogy.index(0, 0))
    qtbot.waitUntil(lambda: page.detail.node is not None and page.detail.node.identifier == serial)
    assert page.detail.certificate_button.isVisible()
    click(qtbot, page.detail.certificate_button)
    dialog = page.certificate_dialog
    assert isinstance(dialog, CertificateDialog) and dialog.isVisible()
    assert serial in dialog.windowTitle() and not dialog.per_serial.isVisible()

    with qtbot.waitSignal(dialog.issued, timeout=30_000) as blocker:
        click(qtbot, dialog.issue_button)
    outcome = blocker.args[0]
    [view] = outcome.issued
    assert view.path.is_file() and view.subject.code == serial
    text = pdf_text(view.path)
    assert view.number in text and serial in text and "Petra Wagner" in text
    assert view.number in dialog.status.text() and "TRIAL" in dialog.status.text()
    with factory() as session:
        record = session.scalar(select(IssuedCertificate).where(IssuedCertificate.number == view.number))
        assert record is not None and record.subject_code == serial

    assert dialog.preview_button.isEnabled()
    click(qtbot, dialog.preview_button)
    preview = dialog.preview
    qtbot.waitUntil(preview.isVisible)
    widget = preview.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: widget.pageCount() >= 1, timeout=10_000)
    assert widget.pageCount() == page_count(view.path)
    preview.close()

    # Print: the pages go to the printer one sheet each (a PDF printer here, as the system dialog would pick).
    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    assert paint_pdfs([view.path], printer) == page_count(view.path)
    assert page_count(tmp_path / "printed.pdf") == page_count(view.path)
    # Save as: the signed original, byte for byte, so it still verifies.
    [saved] = save_copies(outcome.issued, tmp_path / "saved" / "certificate.pdf")
    assert saved.read_bytes() == view.path.read_bytes()


def test_a_shipment_batch_shows_progress_and_stops_on_cancel(qtbot, supervisor, plant, factory):
    number = plant.examples["shipment"]
    with factory() as session:
        from app.models import Shipment, ShipmentLine
        serials = session.scalars(select(Item.code).join(ShipmentLine, ShipmentLine.item_id == Item.id)
                                  .join(Shipment).where(Shipment.number == number, Item.is_serial.is_(True))).all()
    assert len(serials) >= 4, "the batch needs room to be cancelled"
    dialog = CertificateDialog(supervisor, Subject(CertificateSubject.SHIPMENT, number))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.per_serial.isVisible()
    choose(qtbot, dialog.per_serial)
    assert dialog.per_serial.isChecked()
    progressed: list[tuple[int, int]] = []
    dialog.progress.valueChanged.connect(lambda v: progressed.append((v, dialog.progress.maximum())))

    with qtbot.waitSignal(dialog.issued, timeout=120_000) as blocker:
        click(qtbot, dialog.issue_button)
        assert dialog.cancel_button.isVisible() and dialog.progress.isVisible()
        qtbot.waitUntil(lambda: dialog.progress.value() >= 1, timeout=60_000)
        click(qtbot, dialog.cancel_button)
    outcome = blocker.args[0]
    assert outcome.cancelled and outcome.total == len(serials)
    assert 1 <= len(outcome.issued) < len(serials)
    assert progressed and progressed[0][1] == len(serials)
    assert f"Stopped: {len(outcome.issued)} of {len(serials)} certificates were issued" in dialog.status.text()
    assert not dialog.progress.isVisible() and not dialog.cancel_button.isVisible()
    with factory() as session:
        issued = session.scalars(select(IssuedCertificate.subject_code)
                                 .where(IssuedCertificate.subject_kind == CertificateSubject.SERIAL)).all()
    assert sorted(issued) == sorted(v.subject.code for v in outcome.issued)
    assert all(v.path.is_file() for v in outcome.issued)


def test_a_held_item_is_refused_with_the_services_sentence(qtbot, supervisor, plant):
    held = plant.examples["held_item"]
    dialog = CertificateDialog(supervisor, Subject(CertificateSubject.SERIAL, held))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.refused, timeout=30_000) as blocker:
        click(qtbot, dialog.issue_button)
    assert "No certificate can be issued" in blocker.args[0] and held in blocker.args[0]
    assert dialog.error.isVisible() and dialog.error.text() == blocker.args[0]
    assert not dialog.preview_button.isEnabled()


def test_without_a_keyring_the_passphrase_is_asked_for_and_never_stored(qtbot, supervisor, plant, monkeypatch,
                                                                        tmp_path):
    import keyring
    from keyring.backends import fail

    monkeypatch.delenv(PASSPHRASE_ENV)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # a headless bench: no OS keyring at all
    try:
        serial = plant.examples["component_serial"]
        dialog = CertificateDialog(supervisor, Subject(CertificateSubject.SERIAL, serial))
        qtbot.addWidget(dialog)
        dialog.show()
        click(qtbot, dialog.issue_button)
        qtbot.waitUntil(lambda: getattr(dialog, "passphrase_dialog", None) is not None
                        and dialog.passphrase_dialog.isVisible(), timeout=30_000)
        asking = dialog.passphrase_dialog
        assert "no OS keyring" in asking.why.text() and not asking.remember.isVisible()
        with qtbot.waitSignal(asking.passphrase_refused, timeout=30_000) as refused:
            qtbot.keyClicks(asking.password, "not-the-passphrase")
            qtbot.keyClick(asking.password, Qt.Key.Key_Return)
        assert "passphrase is wrong" in refused.args[0] and asking.error.isVisible()
        with qtbot.waitSignal(dialog.issued, timeout=30_000) as blocker:
            qtbot.keyClicks(asking.password, PASSPHRASE)
            qtbot.keyClick(asking.password, Qt.Key.Key_Return)
        [view] = blocker.args[0].issued
        assert view.path.is_file() and serial in pdf_text(view.path)
    finally:
        keyring.set_keyring(previous)
    # Nothing under the test's folders (settings, data, the issued files' folder) holds the passphrase.
    for path in [*tmp_path.rglob("*"), *Path(view.path).parent.rglob("*")]:
        if path.is_file():
            assert PASSPHRASE.encode() not in path.read_bytes(), path
