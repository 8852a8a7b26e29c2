"""The Station page's "Make serials" mode driven as an operator drives it: Ctrl+4, the work order and the bar
lot scanned from the pty scanner or typed, the count typed, COMPLETE — then the database is read to see the
serials, their genealogy and their audit rows; refusals are red and, by counting rows, wrote nothing; the
labels are saved as a PDF that names the new serials."""

from __future__ import annotations

import io

import pypdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.models import AuditEvent, GenealogyLink, Item, ItemStatus, StepRecord
from tests.gui.station_bench import BAR, BODY, ORDER, WAIT_MS
from tests.gui.station_bench import db_url, plant, shop, shop_template  # noqa: F401  (the shop, copied)
from tests.gui.test_station_page import bench, item_row  # noqa: F401  (the bench fixtures)
from tests.station.conftest import snapshot


def open_mode(bench):  # noqa: F811
    page, qtbot = bench.page, bench.qtbot
    qtbot.keyClick(page.scan_field, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    form = page.production
    assert page.mode_stack.currentWidget() is form and form.fields["work_order"].hasFocus()
    return form


def typed(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def answered(bench, form, action) -> None:  # noqa: F811
    with bench.qtbot.waitSignal(form.queue.busy_changed, check_params_cb=lambda busy: not busy,
                                timeout=WAIT_MS):
        action()


def test_serials_made_from_the_order_and_its_bar_lot_are_linked_and_audited(
        bench, shop, factory):  # noqa: F811
    form, qtbot = open_mode(bench), bench.qtbot
    bench.scanner.send(f"]C0{ORDER}")  # the traveller's barcode, into the field being filled
    qtbot.waitUntil(lambda: form.fields["work_order"].text() == ORDER, timeout=WAIT_MS)
    assert form.fields["source"].hasFocus()
    bench.scanner.send(f"]C0{shop.bar}")
    qtbot.waitUntil(lambda: form.fields["source"].text() == shop.bar, timeout=WAIT_MS)
    typed(qtbot, "2")
    typed(qtbot, "0,5")  # a decimal comma, as on a German keyboard
    answered(bench, form, lambda: bench.scanner.send("]C0COMPLETE"))
    assert form.banner.tone == "accepted", form.banner.body.text()
    codes = [form.made.record(row).code for row in range(form.made.rowCount())]
    assert len(codes) == 2 and form.banner.title.text() == "2 serials made"
    assert f"New serials: {', '.join(codes)}" in form.banner.body.text()
    assert "Used 1 m of" in form.banner.body.text()
    assert form.fields["count"].text() == "" and form.fields["work_order"].text() == ORDER

    bar = item_row(factory, shop.bar)
    assert bar.quantity == 5.0
    with factory() as session:
        made = session.scalars(select(Item).where(Item.code.in_(codes))).all()
        assert {(i.is_serial, i.quantity, i.status) for i in made} == {(True, 1.0, ItemStatus.IN_PROCESS)}
        assert all(i.code.startswith(f"{BODY}-") for i in made)
        links = session.scalars(select(GenealogyLink).where(
            GenealogyLink.child_item_id.in_([i.id for i in made]))).all()
        assert sorted((link.parent_item_id, link.quantity) for link in links) == [(bar.id, 0.5)] * 2
        step = session.get_one(StepRecord, links[0].step_id)
        assert step.item_id == bar.id
        audit = session.scalars(select(AuditEvent).where(
            AuditEvent.table_name == "items", AuditEvent.row_id.in_([str(i.id) for i in made]))).all()
        assert len(audit) == 2 and {a.user_id for a in audit} == {shop.operator.user_id}


def test_serials_for_a_work_order_alone_are_typed_and_made_with_ctrl_enter(
        bench, shop, factory):  # noqa: F811
    form, qtbot = open_mode(bench), bench.qtbot
    typed(qtbot, ORDER)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # no lot: Enter leaves it empty
    typed(qtbot, "3")
    assert form.make_button.hasFocus()
    answered(bench, form, lambda: qtbot.keyClick(bench.page.scan_field, Qt.Key.Key_Return,
                                                 Qt.KeyboardModifier.ControlModifier))
    assert form.banner.tone == "accepted", form.banner.body.text()
    codes = [form.made.record(row).code for row in range(3)]
    with factory() as session:
        made = session.scalars(select(Item).where(Item.code.in_(codes))).all()
        assert len(made) == 3 and all(i.work_order_id is not None for i in made)
        assert session.scalars(select(GenealogyLink).where(
            GenealogyLink.child_item_id.in_([i.id for i in made]))).all() == []


def test_a_lot_on_hold_or_a_count_of_zero_is_red_and_writes_nothing(bench, shop, factory):  # noqa: F811
    form, qtbot = open_mode(bench), bench.qtbot
    typed(qtbot, ORDER)
    typed(qtbot, shop.held_bar)
    typed(qtbot, "2")
    before = snapshot(factory)
    answered(bench, form, lambda: bench.scanner.send("]C0COMPLETE"))
    assert form.banner.tone == "rejected"
    assert form.banner.title.text() == "No serials made — nothing was written"
    assert "is on hold (NCR-T-0001)" in form.banner.body.text(), form.banner.body.text()
    assert snapshot(factory) == before and form.fields["source"].text() == shop.held_bar

    form.fields["source"].clear()
    form.fields["count"].setText("0")
    answered(bench, form, lambda: bench.scanner.send("]C0COMPLETE"))
    assert form.banner.tone == "rejected"
    assert "0 serials cannot be made at once" in form.banner.body.text()
    assert snapshot(factory) == before and form.made.rowCount() == 0 and not form.labels_button.isEnabled()


def test_the_labels_of_the_serials_just_made_are_saved_as_a_pdf(bench, shop, factory, tmp_path):  # noqa: F811
    form, qtbot = open_mode(bench), bench.qtbot
    typed(qtbot, ORDER)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    typed(qtbot, "2")
    answered(bench, form, lambda: bench.scanner.send("]C0COMPLETE"))
    codes = [form.made.record(row).code for row in range(2)]
    assert form.labels_button.isEnabled() and not form.open_button.isVisible()

    path = tmp_path / "labels.pdf"
    form.choose_label_path = lambda suggested: path  # the operator picks the place in the save dialog
    answered(bench, form, lambda: qtbot.mouseClick(form.labels_button, Qt.MouseButton.LeftButton))
    assert form.banner.tone == "accepted" and form.banner.title.text() == "2 labels saved"
    assert str(path) in form.banner.body.text() and form.open_button.isVisible()
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)
    for code in codes:
        assert code in text, text
    assert BAR not in text

    missing = tmp_path / "no-such-folder" / "labels.pdf"
    form.choose_label_path = lambda suggested: missing
    answered(bench, form, lambda: qtbot.mouseClick(form.labels_button, Qt.MouseButton.LeftButton))
    assert form.banner.tone == "rejected" and "does not exist" in form.banner.body.text()
    assert not missing.exists()


def test_goods_in_saves_the_label_of_the_lot_just_received(bench, shop, factory, tmp_path):  # noqa: F811
    page, qtbot = bench.page, bench.qtbot
    qtbot.keyClick(page.scan_field, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    form = page.goods_in
    assert not form.labels_button.isEnabled() and not form.open_button.isVisible()
    for text in (BAR, "EMS", "EMS-T-LBL-1", "", "", "3"):
        typed(qtbot, text)
    answered(bench, form, lambda: bench.scanner.send("]C0COMPLETE"))
    assert form.banner.tone == "accepted", form.banner.body.text()
    lot = form.received.record(0).code

    path = tmp_path / "goods-in.pdf"
    form.choose_label_path = lambda suggested: path
    answered(bench, form, lambda: qtbot.mouseClick(form.labels_button, Qt.MouseButton.LeftButton))
    assert form.banner.tone == "accepted" and form.banner.title.text() == "1 label saved"
    assert form.open_button.isVisible() and form.label_path == path
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert lot in text and "EMS-T-LBL-1" in text, text
