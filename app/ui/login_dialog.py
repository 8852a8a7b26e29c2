"""Logging in at the bench: user name and password in big fields, or badge and PIN; Enter submits, the check
runs in the background (argon2 takes a moment), and a refusal is said in red without losing the user name
or the badge."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from app.services.permissions import Actor
from app.services.auth import authenticate, authenticate_badge
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
        # At the log-in no station devices run yet: a keyboard-wedge badge reader types the badge into this
        # field and presses Enter; an RFID adapter can call `accept_badge`.
        self.badge = QLineEdit(objectName="bigField", placeholderText="hold your badge to the reader")
        self.badge.setEchoMode(QLineEdit.EchoMode.Password)  # a badge number is half a credential
        self.badge.setAccessibleName("Badge")
        self.badge.returnPressed.connect(self._badge_entered)
        self.mode_button = QPushButton("Use badge and PIN instead", objectName="secondaryButton")
        self.mode_button.setAutoDefault(False)
        self.mode_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.mode_button.clicked.connect(lambda: self.set_badge_mode(not self.badge_mode))
        self.hint = QLabel(demo_hint, objectName="hintLabel")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setVisible(bool(demo_hint))

        form = QVBoxLayout()
        form.setSpacing(4)
        self.captions: dict[str, QLabel] = {}
        fields = (("User name", self.username), ("Badge", self.badge), ("Password", self.password))
        for caption, field in fields:
            label = QLabel(caption, objectName="fieldCaption")
            label.setBuddy(field)
            self.captions[caption] = label
            form.addWidget(label)
            form.addWidget(field)
            form.addSpacing(10)
        self.badge_mode = False
        self.captions["Badge"].hide()
        self.badge.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(where)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.mode_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.error)
        layout.addWidget(self.hint)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        (self.password if username else self.username).setFocus()

    def set_badge_mode(self, badge: bool) -> None:
        """Badge + PIN, or user name + password: the secret field stays, only its caption changes."""
        self.badge_mode = badge
        self.username.setVisible(not badge)
        self.captions["User name"].setVisible(not badge)
        self.badge.setVisible(badge)
        self.captions["Badge"].setVisible(badge)
        self.captions["Password"].setText("PIN" if badge else "Password")
        self.password.setPlaceholderText("PIN" if badge else "password")
        self.password.setAccessibleName("PIN" if badge else "Password")
        self.mode_button.setText(f"Use {'user name and password' if badge else 'badge and PIN'} instead")
        self.password.clear()
        self.error.hide()
        (self.badge if badge and not self.badge.text() else
         self.password if badge or self.username.text() else self.username).setFocus()

    def accept_badge(self, uid: str) -> None:
        """A badge read by a reader: switch to badge + PIN with it filled in; the PIN comes next."""
        if not self.badge_mode:
            self.set_badge_mode(True)
        self.badge.setText(uid.strip())
        self.password.clear()
        self.password.setFocus()

    def _badge_entered(self) -> None:
        if self.badge.text().strip():
            self.password.setFocus()
        else:
            self.submit()

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
        if self.badge_mode:
            self._submit_badge()
            return
        if not self.username.text().strip():
            self._show_error("Type your user name first.")
            self.username.setFocus()
            return
        if not self.password.text():
            self._show_error("Type your password, then press Enter.")
            self.password.setFocus()
            return
        self._check(authenticate, self.factory, self.username.text(), self.password.text(), name="authenticate")

    def _submit_badge(self) -> None:
        if not self.badge.text().strip():
            self._show_error("Hold your badge to the reader first.")
            self.badge.setFocus()
            return
        if not self.password.text():
            self._show_error("Type your PIN, then press Enter.")
            self.password.setFocus()
            return
        self._check(authenticate_badge, self.factory, self.badge.text(), self.password.text(),
                    name="authenticate_badge")

    def _passed(self, answer: Any) -> None:
        self.actor = answer
        self.logged_in.emit(answer)

    def _refused(self, text: str) -> None:
        self.login_failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.username.setReadOnly(busy)
        self.badge.setReadOnly(busy)
