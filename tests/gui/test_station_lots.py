"""The Station page's "Split / merge" mode driven as an operator drives it: Ctrl+5, lots from the pty
scanner, quantities typed, COMPLETE — then the database is read to see the new lots, what is left on the
old ones, the genealogy and the audit; a refused scan is red and wrote nothing; the new lots' labels are
saved as a PDF."""

from __future__ import annotations

import io

import pypdf
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import AuditEvent, GenealogyLink, Item, ItemStatus, StepRecord
from app.services.station import split
from tests.gui.station_bench import WAIT_MS, db_url, plant, shoot, shop, shop_template  # noqa: F401
from tests.gui.test_station_page import bench, item_row  # noqa: F401  (the bench fixtures)
from tests.station.conftest import snapshot


def open_mode(bench):  # noqa: F811
    page = bench.page
    bench.qtbot.keyClick(page.scan_field, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    form = page.lots
    assert page.mode_stack.currentWidget() is form and form.scan_field.hasFocus()
    return form


def answered(bench, form, action) -> None:  # noqa: F811
    """`action`, then the mode's answer on screen (the queue idle again)."""
    with bench.qtbot.waitSignal(form.queue.busy_changed, timeout=WAIT_MS, check_params_cb=lambda b: not b):
        action()


def scan(bench, form, text: str) -> None:  # noqa: F811
    answered(bench, form, lambda: bench.scanner.send(f"]C0{text}"))


def test_a_lot_is_split_into_new_lots_by_scanning_it_and_typing_their_quantities(
        bench, shop, factory, tmp_path):  # noqa: F811
    form, qtbot = open_mode(bench), bench.qtbot
    before = snapshot(factory)
    scan(bench, form, shop.held_bar)  # on hold: red at the scan, nothing written, nothing kept
    assert form.banner.tone == "rejected" and "NCR-T-0001" in form.banner.body.text(), form.banner.body.text()
    assert form.lots == [] and snapshot(factory) == before

    scan(bench, form, shop.bar)
    assert form.banner.tone == "info" and form.quantities.hasFocus()
    qtbot.keyClicks(form.quantities, "2 1,5")  # a decimal comma, as on a German keyboard
    answered(bench, form, lambda: qtbot.keyClick(form.quantities, Qt.Key.Key_Return))
    assert form.banner.tone == "accepted", form.banner.body.text()
    codes = [form.made.record(row).code for row in range(form.made.rowCount())]
    assert codes == [f"{shop.bar}-01", f"{shop.bar}-02"] and form.banner.title.text() == "Split into 2 lots"
    assert f"New lots: {', '.join(codes)}" in form.banner.body.text()
    assert form.lots == [] and form.quantities.text() == "" and form.scan_field.hasFocus()
    shoot(bench.window, "station-split.png")

    parent = item_row(factory, shop.bar)
    assert parent.quantity == 2.5 and parent.status is ItemStatus.RELEASED
    with factory() as session:
        made = session.scalars(select(Item).where(Item.code.in_(codes)).order_by(Item.code)).all()
        assert [(i.quantity, i.status, i.heat_number) for i in made] == [
            (2.0, ItemStatus.RELEASED, "H-TEST-77"), (1.5, ItemStatus.RELEASED, "H-TEST-77")]
        links = session.scalars(select(GenealogyLink).where(GenealogyLink.parent_item_id == parent.id)).all()
        assert sorted((link.child_item_id, link.quantity) for link in links) == sorted(
            [(made[0].id, 2.0), (made[1].id, 1.5)])
        step = session.get_one(StepRecord, links[0].step_id)
        assert step.item_id == parent.id and step.operator_id == shop.operator.user_id
        audit = session.scalars(select(AuditEvent).where(
            AuditEvent.table_name == "items", AuditEvent.row_id.in_([str(i.id) for i in made]))).all()
        assert {a.user_id for a in audit} == {shop.operator.user_id} and len(audit) == 2

    # Labels for the new lots, as Make serials prints its serials.
    form.choose_label_path = lambda suggested: tmp_path / suggested
    answered(bench, form, form.labels_button.click)
    assert form.banner.tone == "accepted" and form.open_button.isVisible(), form.banner.body.text()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(form.label_path.read_bytes())).pages)
    assert all(code in text for code in codes)


def test_lots_scanned_one_after_the_other_are_merged_into_one_new_lot(bench, shop, factory):  # noqa: F811
    first, second = (v.code for v in split(factory, shop.operator, shop.bar, [1.0, 2.0]).created)
    form = open_mode(bench)
    scan(bench, form, first)
    scan(bench, form, shop.seals)  # another part: refused, the merge in hand kept
    assert form.banner.tone == "rejected" and [lot.code for lot in form.lots] == [first]
    scan(bench, form, second)
    assert form.banner.title.text() == "2 lots to merge  ·  3 m" and form.scan_field.hasFocus()
    shoot(bench.window, "station-merge-scanned.png")
    answered(bench, form, lambda: bench.qtbot.keyClick(form.scan_field, Qt.Key.Key_Return,
                                                       Qt.KeyboardModifier.ControlModifier))
    assert form.banner.tone == "accepted", form.banner.body.text()
    (merged,) = [form.made.record(row) for row in range(form.made.rowCount())]
    assert form.banner.title.text() == f"Merged into lot {merged.code}" and merged.quantity == 3.0

    with factory() as session:
        sources = session.scalars(select(Item).where(Item.code.in_([first, second]))).all()
        assert {(i.quantity, i.status) for i in sources} == {(0.0, ItemStatus.CONSUMED)}
        links = session.scalars(select(GenealogyLink).where(GenealogyLink.child_item_id == merged.id)).all()
        assert sorted((link.parent_item_id, link.quantity) for link in links) == sorted(
            [(i.id, 1.0 if i.code == first else 2.0) for i in sources])
        row = session.get_one(Item, merged.id)
        assert row.heat_number == "H-TEST-77" and row.quantity == 3.0
        audit = session.scalars(select(AuditEvent).where(AuditEvent.table_name == "items",
                                                         AuditEvent.row_id == str(merged.id))).all()
        assert [a.user_id for a in audit] == [shop.operator.user_id]
