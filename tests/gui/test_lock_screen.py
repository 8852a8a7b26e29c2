"""A bench PC left alone locks itself; the same user badges back in where they were, another user takes
over."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.db import describe_url
from app.devices.wedge import WedgeTiming
from app.models import Role
from app.services.auth import BADGE_FAILURE, authenticate, set_pin
from app.services.users import add_user
from app.ui.application import style_sheet
from app.ui.device_adapter import StationDevices
from app.ui.idle_watch import IdleWatch
from app.ui.lookup_page import LookupPage
from app.ui.main_window import MainWindow
from app.ui.wedge_filter import WedgeFilter
from app.ui.workspaces import PageContext
from tests.conftest import ADMIN_PASSWORD
from tests.gui.test_devices_gui import post_keys

WAIT_MS = 10_000
BADGE = "04A1B2C3D4"


@pytest.fixture
def wedge(qapp):
    wedge = WedgeFilter(WedgeTiming())
    qapp.installEventFilter(wedge)
    yield wedge
    qapp.removeEventFilter(wedge)


@pytest.fixture
def shots(qapp, db_url) -> Iterator[Path | None]:
    """LOCK_SCREENSHOTS names a folder (docs/ for the published picture): the SQLite run is styled as the
    application styles it and saves the lock screen there. The tests do not need it."""
    folder = os.environ.get("LOCK_SCREENSHOTS")
    if not folder or not db_url.startswith("sqlite"):
        yield None
        return
    qapp.setStyleSheet(style_sheet(12))
    yield Path(folder)
    qapp.setStyleSheet("")


def test_idle_lock_refuses_a_wrong_pin_resumes_by_badge_and_switches_user(qtbot, db_url, factory, admin,
                                                                             runner, settings, wedge, shots):
    add_user(factory, admin, username="ivan", full_name="Ivan Inspector", role=Role.INSPECTOR,
             password="ivan-password-1", badge_uid=BADGE)
    set_pin(factory, admin, "ivan", "4711")
    settings.set("session.idle_lock_minutes", 0.003)  # 180 ms of no input
    ivan = authenticate(factory, "ivan", "ivan-password-1")
    window = MainWindow(PageContext(factory, ivan, runner, settings), database=describe_url(db_url),
                        station="Bench 7")
    qtbot.addWidget(window)
    window.attach_devices(StationDevices(parent=window), wedge)
    window.resize(1200, 800)
    window.show()
    window.activateWindow()
    page = window.pages.currentWidget()
    assert isinstance(page, LookupPage)
    qtbot.waitUntil(page.scan_field.hasFocus)
    page.scan_field.setText("SN-HALF-TYPED")  # what Ivan was doing when he walked away
    window.show_about()  # a window-modal box left open (a signing dialog would be the same)

    qtbot.waitUntil(lambda: window.lock_screen is not None and window.lock_screen.locked, timeout=WAIT_MS)
    lock = window.lock_screen
    window.idle_watch.timeout_ms = 600_000  # from here on the test itself must not be locked out mid-step
    assert lock.geometry() == window.rect()
    assert "Ivan Inspector" in lock.who.text() and "Inspector" in lock.who.text()
    assert not window.centralWidget().isEnabled() and not window.logout_action.isEnabled()
    assert not window.about_box.isVisible()  # put away, not usable over the lock
    qtbot.waitUntil(lock.pin.hasFocus)  # the keyboard comes back to the window once it is active again
    assert window.deliver_scan("SOMETHING")  # while locked, every scan is a badge for the lock screen
    assert page.scan_field.text() == "SN-HALF-TYPED"

    # The badge comes from a keyboard-wedge reader: a fast burst of keys, not text in the PIN field.
    with qtbot.waitSignal(wedge.scan_received, timeout=WAIT_MS):
        post_keys(lock.pin, BADGE, 5_000_000, 8)
    assert lock.badge_uid == BADGE and lock.pin.text() == "" and "Badge read" in lock.badge_state.text()
    # A person types the PIN: at a person's pace, or the wedge filter would take it for another scan.
    with qtbot.waitSignal(lock.unlock_failed, timeout=WAIT_MS) as failed:
        at = post_keys(lock.pin, "9999", 6_000_000, 150)
    assert failed.args == [BADGE_FAILURE]
    assert lock.error.isVisible() and lock.error.text() == BADGE_FAILURE
    assert lock.locked and lock.pin.text() == "" and lock.pin.hasFocus()
    if shots is not None:
        assert lock.grab().save(str(shots / "lock-screen.png"))

    with qtbot.waitSignal(lock.unlocked, timeout=WAIT_MS) as unlocked:
        post_keys(lock.pin, "4711", at + 1_000, 150)
    assert unlocked.args[0].username == "ivan"
    assert not lock.locked and window.centralWidget().isEnabled() and window.logout_action.isEnabled()
    assert window.pages.currentWidget() is page and page.scan_field.text() == "SN-HALF-TYPED"
    assert window.about_box.isVisible()  # back as he left it
    window.about_box.button(window.about_box.StandardButton.Ok).click()
    assert window.focusWidget() is page.scan_field  # where the keyboard goes when the window is active again
    window.activateWindow()  # what the window manager does once the box is closed (offscreen does not)
    qtbot.waitUntil(page.scan_field.hasFocus)
    assert window.idle_watch.active

    # Ada takes over the bench with her user name and password: the workspaces restart for her.
    window.lock_action.trigger()  # Session → Lock now
    assert lock.locked and lock.username.text() == "ivan"
    lock.username.clear()
    at = post_keys(lock.username, "admin", 8_000_000, 150)
    qtbot.waitUntil(lock.password.hasFocus, timeout=WAIT_MS)
    post_keys(lock.password, ADMIN_PASSWORD, at + 1_000, 150, enter=False)
    qtbot.waitUntil(lambda: lock.password.text() == ADMIN_PASSWORD, timeout=WAIT_MS)
    with qtbot.waitSignal(window.user_switched, timeout=WAIT_MS) as switched:
        qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    assert switched.args[0].username == "admin" and window.context.actor.username == "admin"
    assert window.user_label.text() == "Ada Admin · Admin"
    fresh = window.pages.currentWidget()
    assert isinstance(fresh, LookupPage) and fresh is not page and fresh.scan_field.text() == ""
    assert not lock.locked and QApplication.activeModalWidget() is None


def test_zero_minutes_means_never(qapp):
    watch = IdleWatch(0)
    watch.start()
    assert not watch.active
    watch.timeout_ms = 60_000
    watch.start()
    assert watch.active
    watch.stop()
    assert not watch.active
    watch.deleteLater()
