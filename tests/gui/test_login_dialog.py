"""Logging in at the bench: wrong password said in red, user name kept; right password lets you in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.ui.login_dialog import LoginDialog
from tests.conftest import ADMIN_PASSWORD


def make_dialog(qtbot, factory, runner, **kwargs) -> LoginDialog:
    dialog = LoginDialog(factory, runner, database="SQLite test.db", **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.username.hasFocus)
    return dialog


def test_wrong_then_right_password(qtbot, factory, admin, runner):
    dialog = make_dialog(qtbot, factory, runner)
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.password, "not-the-password")
    with qtbot.waitSignal(dialog.login_failed, timeout=10_000) as failed:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "do not match" in failed.args[0]
    assert dialog.error.isVisible() and dialog.error.objectName() == "errorLabel"
    assert dialog.username.text() == "admin" and dialog.password.text() == ""
    assert dialog.password.hasFocus() and dialog.isVisible()

    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.logged_in, timeout=10_000) as logged_in:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    actor = logged_in.args[0]
    assert actor.username == "admin" and actor.full_name == "Ada Admin"
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_empty_fields_are_explained_without_asking_the_database(qtbot, factory, runner):
    dialog = make_dialog(qtbot, factory, runner)
    with qtbot.waitSignal(dialog.login_failed) as failed:
        qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    assert failed.args == ["Type your user name first."]
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)  # Enter in the user name moves on to the password
    assert dialog.password.hasFocus()
    with qtbot.waitSignal(dialog.login_failed) as failed:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert failed.args == ["Type your password, then press Enter."]


def test_the_demo_hint_is_shown_when_given(qtbot, factory, runner):
    dialog = make_dialog(qtbot, factory, runner, demo_hint="Demo logins: admin / threadline")
    assert dialog.hint.isVisible() and "admin / threadline" in dialog.hint.text()
    plain = make_dialog(qtbot, factory, runner)
    assert not plain.hint.isVisible()


def test_badge_and_pin(qtbot, factory, admin, runner):
    from app.models import Role
    from app.services.auth import BADGE_FAILURE, set_pin
    from app.services.users import add_user

    add_user(factory, admin, username="olga", full_name="Olga Operator", role=Role.OPERATOR,
             password="olga-password-1", badge_uid="04A1B2C3D4")
    set_pin(factory, admin, "olga", "4711")
    dialog = make_dialog(qtbot, factory, runner)
    qtbot.mouseClick(dialog.mode_button, Qt.MouseButton.LeftButton)
    assert dialog.badge_mode and dialog.badge.hasFocus() and not dialog.username.isVisible()
    assert dialog.captions["Password"].text() == "PIN"
    # Before log-in no wedge filter runs: a keyboard-wedge badge reader types into the badge field.
    qtbot.keyClicks(dialog.badge, "04A1B2C3D4")
    qtbot.keyClick(dialog.badge, Qt.Key.Key_Return)
    assert dialog.password.hasFocus()
    qtbot.keyClicks(dialog.password, "1234")
    with qtbot.waitSignal(dialog.login_failed, timeout=10_000) as failed:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert failed.args == [BADGE_FAILURE] and dialog.error.isVisible()
    assert dialog.badge.text() == "04A1B2C3D4" and dialog.password.text() == "" and dialog.password.hasFocus()
    qtbot.keyClicks(dialog.password, "4711")
    with qtbot.waitSignal(dialog.logged_in, timeout=10_000) as logged_in:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert logged_in.args[0].username == "olga"
    assert dialog.result() == QDialog.DialogCode.Accepted
