"""The main window: workspaces with Lookup first and ready for a scan, and a status bar that says where you are."""

from __future__ import annotations

from PySide6.QtCore import Qt

import app
from app.db import describe_url
from app.ui.lookup_page import LookupPage
from app.ui.main_window import MainWindow
from app.ui.workspaces import PageContext


def make_window(qtbot, db_url, factory, admin, runner, settings) -> MainWindow:
    window = MainWindow(PageContext(factory, admin, runner, settings), database=describe_url(db_url),
                        station=settings.station_name())
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_status_bar_names_database_user_and_station(qtbot, monkeypatch, db_url, factory, admin, runner,
                                                    settings):
    monkeypatch.setenv("THREADLINE_STATION", "Bench 7 · Final inspection")
    window = make_window(qtbot, db_url, factory, admin, runner, settings)
    assert window.user_label.text() == "Ada Admin · Admin"
    assert window.station_label.text() == "Station Bench 7 · Final inspection"
    assert window.database_label.text() == describe_url(db_url)
    assert "Bench 7" in window.windowTitle()


def test_lookup_comes_first_and_its_scan_field_has_focus(qtbot, db_url, factory, admin, runner, settings):
    window = make_window(qtbot, db_url, factory, admin, runner, settings)
    titles = [window.navigation.item(n).text() for n in range(window.navigation.count())]
    assert titles[:2] == ["Lookup", "Trace"]
    page = window.pages.currentWidget()
    assert isinstance(page, LookupPage)
    qtbot.waitUntil(page.scan_field.hasFocus)


def test_log_out_and_quit_are_signals(qtbot, db_url, factory, admin, runner, settings):
    window = make_window(qtbot, db_url, factory, admin, runner, settings)
    with qtbot.waitSignal(window.logged_out):
        window.logout_action.trigger()
    assert not window.isVisible()
    other = make_window(qtbot, db_url, factory, admin, runner, settings)
    with qtbot.waitSignal(other.quit_requested):
        other.close()  # the title bar's close button means Quit


def test_about_names_the_version(qtbot, db_url, factory, admin, runner, settings):
    window = make_window(qtbot, db_url, factory, admin, runner, settings)
    window.show_about()
    assert app.__version__ in window.about_box.text()
    window.about_box.button(window.about_box.StandardButton.Ok).click()
    assert not window.about_box.isVisible()


def test_f2_brings_back_the_lookup_workspace(qtbot, db_url, factory, admin, runner, settings):
    window = make_window(qtbot, db_url, factory, admin, runner, settings)
    page = window.pages.currentWidget()
    window.setFocus()
    qtbot.waitUntil(window.hasFocus)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(page.scan_field.hasFocus)


def test_a_trace_request_from_spc_opens_the_reverse_trace(qtbot, db_url, factory, admin, runner, settings):
    from app.services.demo import build_demo_plant
    from app.services.permissions import SYSTEM
    from app.trace import Direction

    serial = build_demo_plant(factory, SYSTEM, units=20, seed=11).examples["component_serial"]
    window = make_window(qtbot, db_url, factory, admin, runner, settings)
    spc = window.show_workspace("spc")
    trace = window.page("trace")
    with qtbot.waitSignal(trace.result_shown, timeout=20000) as shown:
        spc.trace_requested.emit(serial)
    assert shown.args == ["tree"]
    assert window.pages.currentWidget() is trace
    assert trace.direction.direction is Direction.REVERSE and trace.scan_field.text() == serial
