"""A supervisor approves a rework loop at the operator's bench: their user name and password, checked on
the worker (argon2 takes a moment, and only a supervisor's role allows rework); a refusal is said in red
in the dialog, which stays open for another try; accepted, it hands the supervisor to the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app.services.permissions import Actor
from app.ui.password_dialog import PasswordCheckDialog
from app.ui.tasks import TaskRunner


class ReworkApprovalDialog(PasswordCheckDialog):
    """Signals:
        approved(object): the supervisor's Actor; the dialog then closes as accepted.
        approval_refused(str): the sentence shown after a refused attempt.
    """

    approved = Signal(object)
    approval_refused = Signal(str)

    def __init__(self, runner: TaskRunner, check: Callable[[str, str], Actor], *, what: str,
                 parent: QWidget | None = None) -> None:
        """`check(username, password)` runs on the worker and returns the supervisor, or raises."""
        super().__init__(runner, accept="Approve rework", reject="Cancel",
                         placeholder="supervisor's password", parent=parent)
        self.setObjectName("reworkApprovalDialog")
        self.setWindowTitle("Threadline — Approve rework")
        self._check_credentials = check
        self.approve_button, self.cancel_button = self._accept_button, self._reject_button
        self.username = QLineEdit(objectName="bigField")
        self.username.setPlaceholderText("supervisor's user name")
        self.username.setAccessibleName("Supervisor's user name")
        self.username.returnPressed.connect(self.password.setFocus)
        name_caption = QLabel("Supervisor", objectName="fieldCaption")
        name_caption.setBuddy(self.username)
        password_caption = QLabel("Password", objectName="fieldCaption")
        password_caption.setBuddy(self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)
        layout.addWidget(QLabel("Approve rework", objectName="dialogTitle"))
        layout.addWidget(QLabel(what, objectName="fieldCaption", wordWrap=True))
        layout.addWidget(QLabel("The step is recorded with your name as the one who approved it.",
                                objectName="mutedLabel", wordWrap=True))
        layout.addWidget(name_caption)
        layout.addWidget(self.username)
        layout.addWidget(password_caption)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        self.username.setFocus()

    def submit(self) -> None:
        if self.busy:
            return  # already checking
        if not self.username.text().strip():
            self._show_error("Type the supervisor's user name, then the password.")
            self.username.setFocus()
            return
        if not self.password.text():
            self._show_error("Type the supervisor's password, then press Enter.")
            self.password.setFocus()
            return
        self._check(self._check_credentials, self.username.text(), self.password.text(),
                    name="approve_rework")

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.username.setReadOnly(busy)

    def _passed(self, answer: Any) -> None:
        self.approved.emit(answer)

    def _refused(self, text: str) -> None:
        self.approval_refused.emit(text)
