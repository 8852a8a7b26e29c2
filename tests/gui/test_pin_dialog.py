"""Session › Set my badge PIN…: a user sets their PIN through the dialog and can then badge in with it; a
weak PIN or a wrong password is refused with the service's sentence. Session › Unlock a user… for admins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.db import describe_url
from app.models import Role
from app.services.auth import AccountLocked, LockoutPolicy, authenticate, authenticate_badge
from app.services.errors import AuthenticationFailed
from app.services.users import add_user
from app.ui.application import style_sheet
from app.ui.main_window import MainWindow
from app.ui.pin_dialog import PinDialog, UnlockDialog
from app.ui.workspaces import PageContext
from tests.conftest import ADMIN_PASSWORD

WAIT_MS = 10_000
BADGE = "04A1B2C3D4"


def _window(qtbot, db_url, factory, actor, runner, settings) -> MainWindow:
    window = MainWindow(PageContext(factory, actor, runner, settings), database=describe_url(db_url),
                        station="Bench 7")
    qtbot.addWidget(window)
    window.idle_watch.stop()  # the test types slowly enough on a busy CI machine to be locked out
    return window


def _type(qtbot, dialog: PinDialog, password: str, pin: str, again: str) -> None:
    for field, text in ((dialog.password, password), (dialog.pin, pin), (dialog.pin_again, again)):
        field.clear()
        qtbot.keyClicks(field, text)


def test_user_sets_pin_in_dialog_then_badges_in(qtbot, qapp, db_url, factory, admin, runner, settings):
    add_user(factory, admin, username="ivan", full_name="Ivan Inspector", role=Role.INSPECTOR,
             password="ivan-password-1", badge_uid=BADGE)
    ivan = authenticate(factory, "ivan", "ivan-password-1")
    window = _window(qtbot, db_url, factory, ivan, runner, settings)
    assert not window.unlock_action.isVisible()  # an inspector unlocks nobody
    window.pin_action.trigger()
    dialog = window.pin_dialog
    assert isinstance(dialog, PinDialog) and dialog.isVisible()
    assert dialog.pin.echoMode() == dialog.pin.EchoMode.Password

    qtbot.keyClicks(dialog.pin, "12ab34")  # letters never reach a PIN field
    assert dialog.pin.text() == "1234"

    # A weak PIN: the service's sentence, nothing stored.
    _type(qtbot, dialog, "ivan-password-1", "1234", "1234")
    with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS) as refused:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "too easy to guess" in refused.args[0] and dialog.error.isVisible()
    assert dialog.error.text() == refused.args[0]
    with pytest.raises(AuthenticationFailed):
        authenticate_badge(factory, BADGE, "1234")

    # PINs that differ never reach the service.
    _type(qtbot, dialog, "ivan-password-1", "4711", "4712")
    with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS) as refused:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "differ" in refused.args[0]

    # A wrong password: the service's refusal, the password field cleared for another try.
    _type(qtbot, dialog, "not-my-password", "4711", "4711")
    with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS) as refused:
        qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)
    assert "user name and password do not match" in refused.args[0]
    assert dialog.password.text() == dialog.pin.text() == dialog.pin_again.text() == ""

    _type(qtbot, dialog, "ivan-password-1", "4711", "4711")
    with qtbot.waitSignal(dialog.pin_set, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.done_label.isVisible() and not dialog.error.isVisible()
    assert "PIN is set" in dialog.done_label.text() and dialog.cancel_button.text() == "Close"
    assert authenticate_badge(factory, BADGE.lower(), "4711").username == "ivan"

    folder = os.environ.get("PIN_SCREENSHOTS")
    if folder and db_url.startswith("sqlite"):
        qapp.setStyleSheet(style_sheet(12))
        try:
            _type(qtbot, dialog, "ivan-password-1", "1111", "1111")
            with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS):
                qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            dialog.adjustSize()
            dialog.grab().save(str(Path(folder) / "pin-dialog.png"))
        finally:
            qapp.setStyleSheet("")


def test_admin_unlocks_a_locked_user(qtbot, db_url, factory, admin, runner, settings):
    add_user(factory, admin, username="ivan", full_name="Ivan Inspector", role=Role.INSPECTOR,
             password="ivan-password-1")
    with pytest.raises(AccountLocked):
        authenticate(factory, "ivan", "wrong", policy=LockoutPolicy(max_failures=1, lockout_minutes=30))
    window = _window(qtbot, db_url, factory, authenticate(factory, "admin", ADMIN_PASSWORD), runner, settings)
    assert window.unlock_action.isVisible()
    window.unlock_action.trigger()
    dialog = window.unlock_dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.waitUntil(lambda: dialog.user.count() == 1, timeout=WAIT_MS)
    assert dialog.user.currentText() == "ivan" and "Ivan Inspector" in dialog.state.text()

    with qtbot.waitSignal(dialog.unlocked, timeout=WAIT_MS) as unlocked:
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert unlocked.args == ["ivan", True] and "ivan is unlocked" in dialog.state.text()
    assert authenticate(factory, "ivan", "ivan-password-1").username == "ivan"
    qtbot.waitUntil(lambda: dialog.user.count() == 0, timeout=WAIT_MS)

    dialog.user.setEditText("")
    qtbot.keyClicks(dialog.user.lineEdit(), "nobody")
    with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS) as refused:
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert "There is no user called nobody" in refused.args[0]
