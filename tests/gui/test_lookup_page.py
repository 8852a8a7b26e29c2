"""The Lookup page driven like an operator: scan (type fast, Enter), read the answer, pick from lists."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.db import make_engine, make_session_factory
from app.models import ItemStatus
from app.ui.lookup_page import LookupPage
from app.ui.workspaces import PageContext


@pytest.fixture
def page(qtbot, context):
    page = LookupPage(context)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    page.activated()
    qtbot.waitUntil(page.scan_field.hasFocus)
    return page


def scan(qtbot, page: LookupPage, text: str, expect: str) -> None:
    """What a scanner does: characters in quick succession, then Enter."""
    with qtbot.waitSignal(page.result_shown, timeout=10_000) as blocker:
        qtbot.keyClicks(page.scan_field, text)
        qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
    assert blocker.args == [expect]


def column_texts(model, header: str) -> list[str]:
    column = [c.header for c in model.columns].index(header)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_a_finished_serial_shows_its_history(qtbot, page, plant):
    serial = plant.examples["finished_serial"]
    scan(qtbot, page, serial, "history")
    view = page.history_view
    assert page.stack.currentWidget() is view
    assert view.header.code.text() == serial and view.header.kind.text() == "SERIAL"
    assert view.header.badge.text()
    assert view.steps.rowCount() >= 2
    assert all(column_texts(view.steps, "Operator")), "every step names its operator"
    assert any(column_texts(view.steps, "Equipment"))
    assert any(column_texts(view.steps, "Parameters"))
    assert view.made_from.rowCount() >= 1
    heats = [h for h in column_texts(view.materials, "Heat number") if h]
    assert heats and view.header.fact("Heat number")
    assert heats[0] in view.header.fact("Heat number")
    # Ready for the next scan: focus kept, text selected so the next scan replaces it.
    assert page.scan_field.hasFocus() and page.scan_field.selectedText() == serial


def test_next_scan_replaces_the_previous_text(qtbot, page, plant):
    scan(qtbot, page, plant.examples["finished_serial"], "history")
    scan(qtbot, page, "XX-NOT-A-PART", "not_found")
    assert page.scan_field.text() == "XX-NOT-A-PART"


@pytest.mark.parametrize("example", ["heat_number", "work_order"])
def test_a_group_identifier_lists_items_and_enter_opens_one(qtbot, page, plant, example):
    scan(qtbot, page, plant.examples[example], "list")
    assert page.stack.currentWidget() is page.item_table
    assert page.items.rowCount() >= 1
    assert plant.examples[example] in page.heading.text()
    first = page.items.record(0)
    page.item_table.setFocus()
    with qtbot.waitSignal(page.result_shown, timeout=10_000) as blocker:
        qtbot.keyClick(page.item_table, Qt.Key.Key_Return)
    assert blocker.args == ["history"]
    assert page.history_view.history.item.id == first.id
    assert page.back_button.isVisible()
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.item_table


def test_double_click_in_the_list_opens_the_item(qtbot, page, plant):
    scan(qtbot, page, plant.examples["work_order"], "list")
    table = page.item_table
    index = table.model().index(0, 0)
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.result_shown, timeout=10_000):
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.stack.currentWidget() is page.history_view
    assert page.history_view.history.item.code == index.data()


def test_a_made_from_item_opens_with_enter(qtbot, page, plant):
    scan(qtbot, page, plant.examples["finished_serial"], "history")
    view = page.history_view
    component = view.made_from.record(0).item
    view.tabs.setCurrentWidget(view.made_from_table.parentWidget().parentWidget())
    view.made_from_table.setFocus()
    view.made_from_table.selectRow(0)
    with qtbot.waitSignal(page.result_shown, timeout=10_000):
        qtbot.keyClick(view.made_from_table, Qt.Key.Key_Return)
    assert view.history.item.id == component.id
    assert any(link.item.code == plant.examples["finished_serial"] for link in view.history.used_in)


def test_an_unknown_identifier_shows_the_hint(qtbot, page, plant):
    scan(qtbot, page, "XX-NOT-A-PART", "not_found")
    assert page.stack.currentWidget() is page.message
    assert "Nothing is known as 'XX-NOT-A-PART'" in page.message.title.text()
    assert "heat numbers" in page.message.body.text()
    assert page.scan_field.hasFocus() and page.scan_field.selectedText() == "XX-NOT-A-PART"


def test_a_held_item_shows_an_on_hold_badge_and_its_ncr(qtbot, page, plant):
    scan(qtbot, page, plant.examples["held_item"], "history")
    view = page.history_view
    assert view.header.badge.status is ItemStatus.ON_HOLD and view.header.badge.text() == "ON HOLD"
    assert "Open" in column_texts(view.nonconformances, "Status")
    assert view.tabs.currentWidget() is view.nonconformances_table


def test_a_failed_measurement_is_red(qtbot, page, plant):
    from app.ui.palette import TEXT_BAD

    scan(qtbot, page, plant.examples["held_item"], "history")
    model = page.history_view.measurements
    value = [c.header for c in model.columns].index("Value")
    failed = [row for row in range(model.rowCount()) if model.record(row).failed]
    if not failed:
        pytest.skip("this demo plant's held item has no failed measurement")
    assert model.index(failed[0], value).data(Qt.ItemDataRole.ForegroundRole) == TEXT_BAD


def test_models_pass_the_model_tester(qtbot, qtmodeltester, page, plant):
    scan(qtbot, page, plant.examples["finished_serial"], "history")
    view = page.history_view
    for model in (view.steps, view.made_from, view.used_in, view.materials, view.measurements):
        qtmodeltester.check(model)
    component = view.made_from.record(0).item.id
    with qtbot.waitSignal(page.result_shown, timeout=10_000):
        page.open_item(component)
    qtmodeltester.check(view.measurements)
    scan(qtbot, page, plant.examples["shipment"], "list")
    qtmodeltester.check(page.items)
    with qtbot.waitSignal(page.result_shown, timeout=10_000):
        page.open_item(page.items.record(0).id)
    for model in (view.shipments, view.nonconformances):
        qtmodeltester.check(model)
    assert view.shipments.rowCount() >= 1


def test_a_dropped_database_is_a_message_and_the_page_keeps_working(qtbot, admin, runner, settings):
    broken = make_session_factory(make_engine("postgresql://nobody@127.0.0.1:1/none", check=False))
    page = LookupPage(PageContext(broken, admin, runner, settings))
    qtbot.addWidget(page)
    page.show()
    scan(qtbot, page, "SN-1", "error")
    assert page.message.tone == "error" and "The database did not answer" in page.message.body.text()
    assert page.scan_field.isEnabled() and page.scan_field.selectedText() == "SN-1"
    scan(qtbot, page, "SN-2", "error")  # and again: the page did not get stuck


def test_a_scan_while_a_list_has_focus_lands_in_the_scan_field(qtbot, page, plant):
    """A scanner does not aim: keys typed into the pick list start a new scan in the scan field."""
    scan(qtbot, page, plant.examples["heat_number"], "list")
    page.item_table.setFocus()
    qtbot.waitUntil(page.item_table.hasFocus)
    serial = plant.examples["finished_serial"]
    qtbot.keyClick(page.item_table, serial[0])
    assert page.scan_field.hasFocus() and page.scan_field.text() == serial[0]
    with qtbot.waitSignal(page.result_shown, timeout=10_000) as blocker:
        qtbot.keyClicks(QApplication.focusWidget(), serial[1:])
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert blocker.args == ["history"] and page.history_view.history.item.code == serial


def test_escape_goes_back_to_the_list(qtbot, page, plant):
    scan(qtbot, page, plant.examples["work_order"], "list")
    with qtbot.waitSignal(page.result_shown, timeout=10_000):
        qtbot.keyClick(page.item_table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.history_view
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.item_table
