"""Logging in at the bench: user name and password in big fields, Enter submits, the check runs in the
background (argon2 takes a moment), and a wrong password is said in red without losing the user name."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from app.services.permissions import Actor
from app.services.users import authenticate
from app.ui.tasks import TaskRunner, describe_error


class LoginDialog(QDialog):
    """Signals:
        logged_in(object): the `Actor` of the user who logged in; the dialog then closes as accepted.
        login_failed(str): the sentence shown for a failed attempt.
    """

    logged_in = Signal(object)
    login_failed = Signal(str)

    def __init__(self, factory: sessionmaker[Session], runner: TaskRunner, *, database: str = "",
                 demo_hint: str = "", username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Threadline — Log in")
        self.factory = factory
        self.runner = runner
        self.actor: Actor | None = None

        title = QLabel("Log in to Threadline", objectName="dialogTitle")
        where = QLabel(database, objectName="mutedLabel")
        where.setWordWrap(True)
        self.username = QLineEdit(username, objectName="bigField")
        self.username.setPlaceholderText("user name")
        self.username.setAccessibleName("User name")
        self.password = QLineEdit(objectName="bigField")
        self.password.setPlaceholderText("password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(objectName="errorLabel")
        self.error.setWordWrap(True)
        self.error.hide()
        self.hint = QLabel(demo_hint, objectName="hintLabel")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setVisible(bool(demo_hint))

        form = QVBoxLayout()
        form.setSpacing(4)
        for caption, field in (("User name", self.username), ("Password", self.password)):
            label = QLabel(caption, objectName="fieldCaption")
            label.setBuddy(field)
            form.addWidget(label)
            form.addWidget(field)
            form.addSpacing(10)

        self.buttons = QDialogButtonBox()
        self.login_button = QPushButton("Log in", objectName="primaryButton")
        self.buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        # Enter is handled by the fields themselves, not by a default button that moves with the focus.
        for button in (self.login_button, self.quit_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.username.returnPressed.connect(self._username_entered)
        self.password.returnPressed.connect(self.submit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(where)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.hint)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        (self.password if username else self.username).setFocus()

    def _username_entered(self) -> None:
        if self.password.text():
            self.submit()
        elif self.username.text().strip():
            self.password.setFocus()
        else:
            self.submit()

    def submit(self) -> None:
        if self.username.isReadOnly():
            return  # already checking
        if not self.username.text().strip():
            self._show_error("Type your user name first.")
            self.username.setFocus()
            return
        if not self.password.text():
            self._show_error("Type your password, then press Enter.")
            self.password.setFocus()
            return
        self._set_busy(True)
        self.runner.run(authenticate, self.factory, self.username.text(), self.password.text(),
                        name="authenticate", owner=self, on_done=self._succeeded, on_failed=self._failed)

    def _succeeded(self, actor: Actor) -> None:
        self._set_busy(False)
        self.actor = actor
        self.logged_in.emit(actor)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self._show_error(describe_error(error))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.adjustSize()
        self.login_failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        # Read-only rather than disabled: the focus stays in the field instead of jumping to Quit.
        self.username.setReadOnly(busy)
        self.password.setReadOnly(busy)
        self.login_button.setEnabled(not busy)
        self.login_button.setText("Checking …" if busy else "Log in")
