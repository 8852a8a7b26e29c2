"""Admin › Users as an administrator uses it on the demo plant: add a user through the dialog, change the
role, give a badge by scanning it, restrict the work centres, deactivate — checked in the table, in the
database and at log-in — and refusals shown as sentences."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.models import Role, User
from app.services.auth import AccountLocked, LockoutPolicy, authenticate
from app.services.errors import AuthenticationFailed
from app.services.permissions import Actor
from app.services.scope import work_centres_by_user
from app.ui.application import style_sheet
from app.ui.user_dialogs import AddUserDialog, BadgeDialog, RoleDialog, WorkCentresDialog
from app.ui.users_page import UsersPage
from app.ui.workspaces import workspaces

WAIT_MS = 20_000


def _user(factory, username: str) -> User:
    with factory() as session:
        return session.scalar(select(User).where(User.username == username))


def _cells(page: UsersPage, username: str) -> dict[str, str]:
    proxy = page.table.proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data() == username:
            return {page.model.columns[c].header: proxy.index(row, c).data()
                    for c in range(proxy.columnCount())}
    raise AssertionError(f"{username} is not in the table")


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _settle(qtbot, page: UsersPage) -> None:
    qtbot.waitUntil(lambda: not page.context.runner.busy, timeout=WAIT_MS)


@pytest.fixture
def page(qtbot, context) -> UsersPage:
    page = UsersPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 640)
    page.show()
    _settle(qtbot, page)
    return page


def test_administer_a_user_through_the_page(qtbot, qapp, page, factory):
    assert "users" in [w.key for w in workspaces(page.context.actor)]
    assert "users" not in [w.key for w in workspaces(Actor(username="sup", role=Role.SUPERVISOR))]
    assert page.model.rowCount() == 9 and not page.role_button.isEnabled()

    # Add: a mistyped repeat is caught by the dialog itself, then the user is made.
    _click(qtbot, page.add_button)
    dialog = page.dialog
    assert isinstance(dialog, AddUserDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.username, "nina.neu")
    qtbot.keyClicks(dialog.full_name, "Nina Neu")
    dialog.role.setCurrentIndex(dialog.role.findText("Inspector"))
    qtbot.keyClicks(dialog.passwords.password, "nina-password-1")
    qtbot.keyClicks(dialog.passwords.repeat, "nina-password-2")
    _click(qtbot, dialog.accept_button)
    assert dialog.error.isVisible() and "two passwords differ" in dialog.error.text()
    qtbot.keyClicks(dialog.passwords.repeat, "nina-password-1")
    shots = os.environ.get("USERS_SCREENSHOTS")
    if shots:  # as the application styles it (app.ui.application.configure): 12 pt and the style sheet
        qapp.setFont(QFont(qapp.font().family(), 12))
        qapp.setStyleSheet(style_sheet(12))
        dialog.grab().save(str(Path(shots) / "add-user-dialog.png"))
    with qtbot.waitSignal(page.changed, timeout=WAIT_MS):
        _click(qtbot, dialog.accept_button)
    _settle(qtbot, page)
    assert not dialog.isVisible() and page.result_label.text() == "Added nina.neu (inspector)."
    assert _cells(page, "nina.neu")["Role"] == "Inspector" and page.selected().username == "nina.neu"
    assert authenticate(factory, "nina.neu", "nina-password-1").role is Role.INSPECTOR

    # Role: from the dialog, seen in the table and the database.
    _click(qtbot, page.role_button)
    dialog = page.dialog
    assert isinstance(dialog, RoleDialog)
    dialog.role.setCurrentIndex(dialog.role.findText("Supervisor"))
    with qtbot.waitSignal(page.changed, timeout=WAIT_MS):
        _click(qtbot, dialog.accept_button)
    _settle(qtbot, page)
    assert _cells(page, "nina.neu")["Role"] == "Supervisor"
    assert _user(factory, "nina.neu").role is Role.SUPERVISOR

    # Badge: someone else's badge is refused inside the dialog; a new one scanned at the reader is saved.
    taken = _user(factory, "op.schmidt").badge_uid
    _click(qtbot, page.badge_button)
    dialog = page.dialog
    assert isinstance(dialog, BadgeDialog) and not dialog.isModal()
    page.accept_scan(taken)
    assert dialog.badge.text() == taken
    with qtbot.waitSignal(page.refused, timeout=WAIT_MS):
        _click(qtbot, dialog.accept_button)
    assert dialog.isVisible() and "already belongs to Jonas Schmidt (op.schmidt)" in dialog.error.text()
    page.accept_scan("04aa55cc77\r")
    with qtbot.waitSignal(page.changed, timeout=WAIT_MS):
        _click(qtbot, dialog.accept_button)
    _settle(qtbot, page)
    assert _user(factory, "nina.neu").badge_uid == "04AA55CC77"
    assert _cells(page, "nina.neu")["Badge"] == "Yes, no PIN yet"  # a new user has no PIN

    # Work centres: the plant's own, ticked in the dialog.
    _click(qtbot, page.centres_button)
    qtbot.waitUntil(lambda: isinstance(page.dialog, WorkCentresDialog), timeout=WAIT_MS)
    dialog = page.dialog
    assert dialog.centres.count() >= 2
    first = dialog.centres.item(0)
    first.setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(page.changed, timeout=WAIT_MS):
        _click(qtbot, dialog.accept_button)
    _settle(qtbot, page)
    assert work_centres_by_user(factory)["nina.neu"] == (first.text(),)
    assert _cells(page, "nina.neu")["Work centres"] == first.text()

    # Deactivate, after confirming: she can no longer log in.
    _click(qtbot, page.active_button)
    go = next(b for b in page.confirm.buttons() if b.text() == "Deactivate")
    with qtbot.waitSignal(page.changed, timeout=WAIT_MS):
        qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
    _settle(qtbot, page)
    assert _cells(page, "nina.neu")["State"] == "Inactive" and page.active_button.text() == "Reactivate"
    with pytest.raises(AuthenticationFailed):
        authenticate(factory, "nina.neu", "nina-password-1")

    qtbot.keyClicks(page.filter, "NEU")
    assert page.table.proxy.rowCount() == 1
    if shots:  # a page built under the application's font, as at a bench
        fresh = UsersPage(page.context)
        qtbot.addWidget(fresh)
        fresh.resize(1280, 640)
        fresh.show()
        _settle(qtbot, fresh)
        fresh.select_user("nina.neu")
        fresh.grab().save(str(Path(shots) / "users-page.png"))
        qapp.setStyleSheet("")
        qapp.setFont(QFont())


def test_refusals_are_sentences(qtbot, page, factory):
    assert page.select_user("admin")
    # Deactivating oneself: refused after the confirmation, above the table.
    _click(qtbot, page.active_button)
    assert isinstance(page.confirm, QMessageBox) and "Sabine Keller" in page.confirm.text()
    go = next(b for b in page.confirm.buttons() if b.text() == "Deactivate")
    with qtbot.waitSignal(page.refused, timeout=WAIT_MS):
        qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
    assert page.result_label.isVisible()
    assert "You cannot deactivate your own account (admin)" in page.result_label.text()
    # Demoting oneself: refused inside the dialog, which stays open for another choice.
    _click(qtbot, page.role_button)
    dialog = page.dialog
    dialog.role.setCurrentIndex(dialog.role.findText("Operator"))
    with qtbot.waitSignal(page.refused, timeout=WAIT_MS):
        _click(qtbot, dialog.accept_button)
    assert dialog.isVisible() and "it is your own account" in dialog.error.text()
    assert dialog.accept_button.isEnabled()
    admin = _user(factory, "admin")
    assert admin.active and admin.role is Role.ADMIN
    # A scan with no badge dialog open is not silently taken.
    page.accept_scan("04DEADBEEF")
    assert "Scan not used" in page.result_label.text()


def test_unlock_a_locked_out_user(qtbot, qtmodeltester, page, factory):
    qtmodeltester.check(page.model)
    with pytest.raises(AccountLocked):
        authenticate(factory, "op.fischer", "wrong guess", policy=LockoutPolicy(max_failures=1))
    with qtbot.waitSignal(page.listed, timeout=WAIT_MS):
        _click(qtbot, page.refresh_button)
    assert page.select_user("op.fischer") and page.unlock_button.isEnabled()
    assert _cells(page, "op.fischer")["Locked until"] != "—"
    with qtbot.waitSignal(page.changed, timeout=WAIT_MS):
        _click(qtbot, page.unlock_button)
    _settle(qtbot, page)
    assert page.result_label.text() == "Unlocked op.fischer: they can log in again now."
    assert _cells(page, "op.fischer")["Locked until"] == "—" and not page.unlock_button.isEnabled()
    assert _user(factory, "op.fischer").locked_until is None
