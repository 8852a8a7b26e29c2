"""Admin › Users: every user with role, state, lockout, badge and work centres, and the administrator's
changes to them — add, role, deactivate/reactivate, password, badge, work centres, unlock — so nobody at a
bench needs the command line for it. The same services as `threadline user …`; every call runs on the
database worker, and a refusal is shown as the service's sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.models import Role
from app.services.auth import unlock_user
from app.services.scope import set_work_centres
from app.services.user_admin import (
    UserRow,
    deactivate,
    reactivate,
    reset_password,
    set_badge,
    set_role,
    user_rows,
    work_centre_choices,
)
from app.services.users import add_user
from app.ui.palette import BAD, GOOD, NEUTRAL, badge_style
from app.ui.record_table_model import RecordRole
from app.ui.tasks import describe_error
from app.ui.user_dialogs import (
    AddUserDialog,
    BadgeDialog,
    ResetPasswordDialog,
    RoleDialog,
    UserChangeDialog,
    WorkCentresDialog,
)
from app.ui.users_model import UsersModel, is_locked
from app.ui.widgets.data_table import DataTable
from app.ui.workspaces import PageContext, Workspace, register



class UsersPage(QWidget):
    """Signals:
        listed(): the table shows the database's users.
        changed(str): a change was saved; the sentence shown.
        refused(str): a change was refused; the sentence shown.
    """

    listed = Signal()
    changed = Signal(str)
    refused = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersPage")
        self.context = context
        self.dialog: UserChangeDialog | None = None
        self.confirm: QMessageBox | None = None
        self._keep_selected = ""

        note = QLabel("Who may log in, with which role, and where. Changes to a role or to work centres "
                      "apply from the user's next log-in; a deactivated user cannot log in at all, and their "
                      "records stay.", wordWrap=True)
        self.filter = QLineEdit(objectName="bigField", placeholderText="Filter: name, role or work centre")
        self.filter.setAccessibleName("Filter users")
        self.filter.setClearButtonEnabled(True)
        self.model = UsersModel(parent=self)
        self.table = DataTable(self.model, self, sortable=True, stretch_column=6)
        self.table.proxy.setFilterKeyColumn(-1)
        self.table.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.table.proxy.setFilterFixedString)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.record_activated.connect(lambda _record: self.change_role())
        self.result_label = QLabel(wordWrap=True)
        self.result_label.hide()

        self.add_button = QPushButton("Add user…", objectName="primaryButton")
        self.selected_label = QLabel(objectName="sectionTitle", wordWrap=True)
        self.role_button = QPushButton("Change role…")
        self.active_button = QPushButton("Deactivate…")
        self.password_button = QPushButton("Reset password…")
        self.badge_button = QPushButton("Set badge…")
        self.centres_button = QPushButton("Work centres…")
        self.unlock_button = QPushButton("Unlock")
        self.refresh_button = QPushButton("Refresh")
        self.user_buttons = (self.role_button, self.active_button, self.password_button, self.badge_button,
                             self.centres_button, self.unlock_button)
        for button, slot in ((self.add_button, self.add_user), (self.role_button, self.change_role),
                             (self.active_button, self.toggle_active),
                             (self.password_button, self.reset_password), (self.badge_button, self.set_badge),
                             (self.centres_button, self.set_work_centres), (self.unlock_button, self.unlock),
                             (self.refresh_button, self.refresh)):
            button.clicked.connect(slot)

        action_column = QWidget()
        # Wide enough for the longest label in the bench font, no wider: the table needs the room.
        action_column.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * 15)
        actions = QVBoxLayout(action_column)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(10)
        actions.addWidget(self.add_button)
        actions.addSpacing(16)
        actions.addWidget(self.selected_label)
        for button in self.user_buttons:
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        body = QHBoxLayout()
        body.setSpacing(16)
        table_column = QVBoxLayout()
        table_column.addWidget(self.filter)
        table_column.addWidget(self.table, 1)
        body.addLayout(table_column, 1)
        body.addWidget(action_column)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(note)
        layout.addWidget(self.result_label)
        layout.addLayout(body, 1)
        self._selection_changed()
        self.refresh()

    # -- the list ---------------------------------------------------------------------------------------

    def activated(self) -> None:
        self.refresh()  # another bench (or the command line) may have changed users meanwhile

    def refresh(self) -> None:
        chosen = self.selected()
        self._keep_selected = chosen.username if chosen else self._keep_selected
        self.context.runner.run(user_rows, self.context.factory, name="list users", owner=self,
                                on_done=self._show_rows, on_failed=self._failed)

    def _show_rows(self, rows: list[UserRow]) -> None:
        self.model.set_records(rows)
        self.select_user(self._keep_selected)
        self._selection_changed()
        self.listed.emit()

    def select_user(self, username: str) -> bool:
        for row in range(self.table.proxy.rowCount()):
            if self.table.proxy.index(row, 0).data(RecordRole).username == username:
                self.table.selectRow(row)
                return True
        return False

    def selected(self) -> UserRow | None:
        picked = self.table.selectionModel().selectedRows()
        return picked[0].data(RecordRole) if picked else None

    def _selection_changed(self, *_: Any) -> None:
        user = self.selected()
        for button in self.user_buttons:
            button.setEnabled(user is not None)
        if user is None:
            self.selected_label.setText("Select a user in the table to change them.")
            self.active_button.setText("Deactivate…")
            return
        self._keep_selected = user.username
        self.selected_label.setText(f"{user.full_name} ({user.username})")
        self.active_button.setText("Deactivate…" if user.active else "Reactivate")
        self.unlock_button.setEnabled(is_locked(user))

    # -- the changes ------------------------------------------------------------------------------------

    def add_user(self) -> None:
        dialog = self._open(AddUserDialog(self))
        dialog.submitted.connect(lambda answer: self._run(
            add_user, kwargs=answer, dialog=dialog, select=answer["username"].strip().lower(),
            said=lambda user: f"Added {user.username} ({user.role.label.lower()})."))

    def change_role(self) -> None:
        if (user := self.selected()) is None:
            return
        dialog = self._open(RoleDialog(user, self))
        dialog.submitted.connect(lambda role: self._run(
            set_role, user.username, role, dialog=dialog,
            said=lambda changed: f"{user.username} is now {role.label.lower()} (from their next log-in)."
            if changed else f"{user.username} was already {role.label.lower()}; nothing changed."))

    def toggle_active(self) -> None:
        if (user := self.selected()) is None:
            return
        if not user.active:
            self._run(reactivate, user.username, said=lambda _: f"Reactivated {user.username}: they can log "
                      "in again with their password (and badge).")
            return
        self.confirm = QMessageBox(
            QMessageBox.Icon.Warning, "Threadline — Deactivate user",
            f"Deactivate {user.full_name} ({user.username})? They can no longer log in or sign, by password "
            "or badge. Their records stay, and an administrator can reactivate them.",
            QMessageBox.StandardButton.Cancel, self)
        go = self.confirm.addButton("Deactivate", QMessageBox.ButtonRole.DestructiveRole)
        self.confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter must not deactivate
        self.confirm.buttonClicked.connect(lambda button: self._run(
            deactivate, user.username, said=lambda _: f"Deactivated {user.username}: they can no longer log "
            "in.") if button is go else None)
        self.confirm.open()

    def reset_password(self) -> None:
        if (user := self.selected()) is None:
            return
        dialog = self._open(ResetPasswordDialog(user, self))
        dialog.submitted.connect(lambda password: self._run(
            reset_password, user.username, password, dialog=dialog,
            said=lambda _: f"New password set for {user.username}: the old one no longer works."))

    def set_badge(self) -> None:
        if (user := self.selected()) is None:
            return
        dialog = self._open(BadgeDialog(user, self))
        dialog.submitted.connect(lambda badge: self._run(
            set_badge, user.username, badge, dialog=dialog,
            said=lambda stored: f"Badge …{stored[-4:]} set for {user.username}: badge + PIN logs them in."
            if stored else f"Badge of {user.username} cleared."))

    def accept_scan(self, text: str) -> None:
        """A reader's scan: the badge for an open Set badge dialog; otherwise it says how to use one."""
        if isinstance(self.dialog, BadgeDialog) and self.dialog.isVisible():
            self.dialog.accept_scan(text)
            return
        self._show_result("Scan not used: to give someone this badge, select them and choose Set badge…, "
                          "then scan it again.", NEUTRAL)

    def set_work_centres(self) -> None:
        if (user := self.selected()) is None:
            return
        self.context.runner.run(work_centre_choices, self.context.factory, name="list work centres",
                                owner=self, on_done=lambda known: self._pick_work_centres(user, known),
                                on_failed=self._failed)

    def _pick_work_centres(self, user: UserRow, known: list[str]) -> None:
        dialog = self._open(WorkCentresDialog(user, known, self))
        dialog.submitted.connect(lambda codes: self._run(
            set_work_centres, user.username, codes, dialog=dialog,
            said=lambda now: f"{user.username} may now act only at stations of {', '.join(now)} (from their "
            "next log-in)." if now else f"{user.username} may now act at every station (from their next "
            "log-in)."))

    def unlock(self) -> None:
        if (user := self.selected()) is None:
            return
        self._run(unlock_user, user.username, said=lambda was_locked: f"Unlocked {user.username}: they can "
                  "log in again now." if was_locked else f"{user.username} was not locked.")

    # -- running and reporting -------------------------------------------------------------------------

    def _open(self, dialog: UserChangeDialog) -> Any:
        if self.dialog is not None:
            self.dialog.deleteLater()  # typed passwords must not linger in a hidden dialog
        self.dialog = dialog
        if isinstance(dialog, BadgeDialog):
            dialog.show()  # not modal, so the reader's scans reach this page and then the dialog
        else:
            dialog.open()
        return dialog

    def _run(self, func: Callable[..., Any], *args: Any, said: Callable[[Any], str],
             dialog: UserChangeDialog | None = None, kwargs: dict[str, Any] | None = None,
             select: str = "") -> None:
        """`func(factory, actor, *args, **kwargs)` on the worker; then the sentence `said(result)` and a fresh
        table, or the refusal — in the dialog that asked, if it is still open, else above the table."""
        def done(result: Any) -> None:
            if dialog is not None:
                dialog.finish()
            if select:
                self._keep_selected = select
            self._show_result(said(result), GOOD)
            self.changed.emit(self.result_label.text())
            self.refresh()

        def failed(error: BaseException) -> None:
            text = describe_error(error)
            if dialog is not None and dialog.isVisible():
                dialog.show_error(text)
            else:
                self._show_result(text, BAD)
            self.refused.emit(text)

        self.context.runner.run(func, self.context.factory, self.context.actor, *args, **(kwargs or {}),
                                name=getattr(func, "__name__", "user change"), owner=self, on_done=done,
                                on_failed=failed)

    def _failed(self, error: BaseException) -> None:
        self._show_result(describe_error(error), BAD)

    def _show_result(self, text: str, colours: tuple[str, str]) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(badge_style(colours))
        self.result_label.show()


WORKSPACE = register(Workspace(key="users", title="Users", build=UsersPage, order=96,
                               tooltip="Add users, change roles, passwords, badges and work centres",
                               allowed=lambda actor: actor.role is Role.ADMIN))
