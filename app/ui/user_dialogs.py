"""The Users page's dialogs: each asks for one change, emits `submitted` with the answer, and stays open
until the page reports the service's verdict — closed on success, the refusal shown in red otherwise, so
nothing typed is lost to a rejected password or a badge already taken."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models import Role
from app.services.user_admin import UserRow
from app.services.users import MIN_PASSWORD_LENGTH
from app.ui.password_dialog import dialog_buttons


class UserChangeDialog(QDialog):
    """The frame: a title line, the subclass's form, a refusal label and the two buttons.

    Signals:
        submitted(object): the answer (`answer()`), once the dialog's own checks pass; the page runs the
            service and calls `finish()` or `show_error()`.
    """

    submitted = Signal(object)

    def __init__(self, title: str, heading: str, accept: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Threadline — {title}")
        self.heading = QLabel(heading, objectName="sectionTitle", wordWrap=True)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(12)
        self.form.setHorizontalSpacing(16)
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()
        self.buttons, self.accept_button, self.cancel_button = dialog_buttons(self, accept, "Cancel",
                                                                              self.submit)
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)

    def add_row(self, caption: str, field: QWidget) -> None:
        label = QLabel(caption, objectName="fieldCaption")
        label.setMinimumHeight(field.sizeHint().height())  # the caption centred beside a tall field
        self.form.addRow(label, field)

    def answer(self) -> Any:
        raise NotImplementedError

    def problem(self) -> str:
        """What the dialog itself can tell is wrong before asking the database; empty when nothing."""
        return ""

    def submit(self) -> None:
        if problem := self.problem():
            self.show_error(problem)
            return
        self.error.hide()
        self.accept_button.setEnabled(False)  # one request at a time; the verdict re-enables it
        self.submitted.emit(self.answer())

    def show_error(self, text: str) -> None:
        self.accept_button.setEnabled(True)
        self.error.setText(text)
        self.error.show()
        self.adjustSize()  # grow for the sentence rather than squeeze the fields

    def finish(self) -> None:
        self.accept()


def _field(name: str, *, secret: bool = False, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(objectName="bigField", placeholderText=placeholder)
    edit.setAccessibleName(name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _role_box(current: Role = Role.OPERATOR) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName("Role")
    font = box.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)  # as large as the fields beside it ("bigField")
    box.setFont(font)
    box.setMinimumHeight(48)
    for role in Role:
        box.addItem(role.label, role.value)  # Qt hands a str-enum back as a plain str: Role(…) on reading
    box.setCurrentIndex(list(Role).index(current))
    return box


class _PasswordPair:
    """A new password typed twice; the same length rule as the service, said before asking it."""

    def __init__(self, dialog: UserChangeDialog, first: str) -> None:
        self.password = _field("Password", secret=True,
                               placeholder=f"at least {MIN_PASSWORD_LENGTH} characters")
        self.repeat = _field("Repeat the password", secret=True)
        dialog.add_row(first, self.password)
        dialog.add_row("Repeat it:", self.repeat)
        self.repeat.returnPressed.connect(dialog.submit)  # Enter in the last field: as the button

    def problem(self) -> str:
        if self.password.text() != self.repeat.text():
            self.repeat.clear()
            self.repeat.setFocus()
            return "The two passwords differ. Type the password again in the second field."
        return ""


class AddUserDialog(UserChangeDialog):
    """submitted(dict): username, full_name, role, password — `add_user`'s keywords."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add user", "A new user logs in with this name and password; an administrator can "
                         "give them a badge afterwards.", "Add user", parent)
        self.setObjectName("addUserDialog")
        self.username = _field("User name", placeholder="e.g. olga.meyer")
        self.full_name = _field("Full name", placeholder="as it appears on records and signatures")
        self.role = _role_box()
        self.add_row("User name:", self.username)
        self.add_row("Full name:", self.full_name)
        self.add_row("Role:", self.role)
        self.passwords = _PasswordPair(self, "Password:")

    def problem(self) -> str:
        if not self.username.text().strip():
            self.username.setFocus()
            return "Type a user name: the name this person logs in with."
        return self.passwords.problem()

    def answer(self) -> dict[str, Any]:
        return {"username": self.username.text(), "full_name": self.full_name.text(),
                "role": Role(self.role.currentData()), "password": self.passwords.password.text()}


class RoleDialog(UserChangeDialog):
    """submitted(Role)."""

    def __init__(self, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__("Change role", f"Role of {user.full_name} ({user.username}). The new role applies "
                         "from their next log-in.", "Change role", parent)
        self.role = _role_box(user.role)
        self.add_row("New role:", self.role)

    def answer(self) -> Role:
        return Role(self.role.currentData())


class ResetPasswordDialog(UserChangeDialog):
    """submitted(str): the new password."""

    def __init__(self, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__("Reset password", f"A new password for {user.full_name} ({user.username}). Their "
                         "old password stops working at once; tell them the new one in person.",
                         "Set password", parent)
        self.passwords = _PasswordPair(self, "New password:")

    def problem(self) -> str:
        return self.passwords.problem()

    def answer(self) -> str:
        return self.passwords.password.text()


class BadgeDialog(UserChangeDialog):
    """submitted(str): the badge number; empty to clear it. Not modal: the main window routes reader scans
    only to the page when no modal dialog is open, and the page hands them here (`accept_scan`)."""

    def __init__(self, user: UserRow, parent: QWidget | None = None) -> None:
        state = "has a badge" if user.has_badge else "has no badge yet"
        super().__init__("Set badge", f"{user.full_name} ({user.username}) {state}. Hold the new badge to "
                         "the reader, or type its number; an empty field takes the badge away.", "Save badge",
                         parent)
        self.setModal(False)
        self.badge = _field("Badge number", placeholder="hold the badge to the reader")
        self.badge.returnPressed.connect(self.submit)  # a reader typing as a keyboard ends with Enter
        self.add_row("Badge:", self.badge)

    def accept_scan(self, text: str) -> None:
        self.badge.setText(text.strip())
        self.error.hide()

    def answer(self) -> str:
        return self.badge.text().strip()


class WorkCentresDialog(UserChangeDialog):
    """submitted(list): the ticked work centres; none means every station."""

    def __init__(self, user: UserRow, known: list[str], parent: QWidget | None = None) -> None:
        super().__init__("Work centres", f"Where {user.full_name} ({user.username}) may act. Tick none to "
                         "let them act at every station; the change applies from their next log-in.", "Save",
                         parent)
        self.centres = QListWidget()
        self.centres.setAccessibleName("Work centres")
        # Rows and boxes a gloved finger can hit.
        font = self.centres.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.centres.setFont(font)
        self.centres.setStyleSheet("QListWidget::item { padding: 10px; } "
                                   "QListWidget::indicator { width: 26px; height: 26px; }")
        for name in known:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = name.casefold() in {c.casefold() for c in user.work_centres}
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.centres.addItem(item)
        if not known:
            self.heading.setText(self.heading.text() + " No station or operation names a work centre yet.")
        self.form.addRow(self.centres)

    def answer(self) -> list[str]:
        return [self.centres.item(i).text() for i in range(self.centres.count())
                if self.centres.item(i).checkState() == Qt.CheckState.Checked]
