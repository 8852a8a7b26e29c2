"""Logging in at the bench: user name and password in big fields, Enter submits, the check runs in the
background (argon2 takes a moment), and a wrong password is said in red without losing the user name."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from app.services.permissions import Actor
from app.services.users import authenticate
from app.ui.password_dialog import PasswordCheckDialog
from app.ui.tasks import TaskRunner


class LoginDialog(PasswordCheckDialog):
    """Signals:
        logged_in(object): the `Actor` of the user who logged in; the dialog then closes as accepted.
        login_failed(str): the sentence shown for a failed attempt.
    """

    logged_in = Signal(object)
    login_failed = Signal(str)

    def __init__(self, factory: sessionmaker[Session], runner: TaskRunner, *, database: str = "",
                 demo_hint: str = "", username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(runner, accept="Log in", reject="Quit", placeholder="password", parent=parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Threadline — Log in")
        self.login_button, self.quit_button = self._accept_button, self._reject_button
        self.factory = factory
        self.actor: Actor | None = None

        title = QLabel("Log in to Threadline", objectName="dialogTitle")
        where = QLabel(database, objectName="mutedLabel")
        where.setWordWrap(True)
        self.username = QLineEdit(username, objectName="bigField")
        self.username.setPlaceholderText("user name")
        self.username.setAccessibleName("User name")
        self.username.returnPressed.connect(self._username_entered)
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
        if self.busy:
            return  # already checking
        if not self.username.text().strip():
            self._show_error("Type your user name first.")
            self.username.setFocus()
            return
        if not self.password.text():
            self._show_error("Type your password, then press Enter.")
            self.password.setFocus()
            return
        self._check(authenticate, self.factory, self.username.text(), self.password.text(), name="authenticate")

    def _passed(self, answer: Any) -> None:
        self.actor = answer
        self.logged_in.emit(answer)

    def _refused(self, text: str) -> None:
        self.login_failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.username.setReadOnly(busy)
