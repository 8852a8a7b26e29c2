"""What logging in and signing share: a password typed into a big field, checked on the worker (argon2 takes
a moment), a refusal said in red with the password cleared for another try, and the dialog closing as
accepted once the check passes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QWidget

from app.ui.tasks import TaskRunner, describe_error


def dialog_buttons(dialog: QDialog, accept: str, reject: str, on_accept: Callable[[], None]
                   ) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """A primary `accept` button and a `reject` button that closes `dialog`. Neither is a default button:
    Enter belongs to the field being typed in, not to a button that moves with the focus."""
    box = QDialogButtonBox()
    accept_button = QPushButton(accept, objectName="primaryButton")
    box.addButton(accept_button, QDialogButtonBox.ButtonRole.AcceptRole)
    reject_button = box.addButton(reject, QDialogButtonBox.ButtonRole.RejectRole)
    for button in (accept_button, reject_button):
        button.setAutoDefault(False)
        button.setDefault(False)
    box.accepted.connect(on_accept)
    box.rejected.connect(dialog.reject)
    return box, accept_button, reject_button


class PasswordCheckDialog(QDialog):
    """`password`, `error` and `buttons` for the subclass to lay out; it says what to do with the answer
    (`_passed`) and which signal announces a refusal (`_refused`), and calls `_check` to start."""

    def __init__(self, runner: TaskRunner, *, accept: str, reject: str, placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.password = QLineEdit(objectName="bigField")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(placeholder)
        self.password.setAccessibleName("Password")
        self.password.returnPressed.connect(self.submit)
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()
        self._accept_text = accept
        self.buttons, self._accept_button, self._reject_button = dialog_buttons(self, accept, reject,
                                                                                self.submit)

    @property
    def busy(self) -> bool:
        return self.password.isReadOnly()

    def submit(self) -> None:
        raise NotImplementedError

    def _passed(self, answer: Any) -> None:
        """The check's answer, just before the dialog closes as accepted."""
        raise NotImplementedError

    def _refused(self, text: str) -> None:
        """The sentence just shown in red, for the subclass's own signal."""
        raise NotImplementedError

    def _check(self, check: Callable[..., Any], *args: Any, name: str) -> None:
        self._set_busy(True)
        self.runner.run(check, *args, name=name, owner=self, on_done=self._succeeded, on_failed=self._failed)

    def _succeeded(self, answer: Any) -> None:
        self._set_busy(False)
        self._passed(answer)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self._show_error(describe_error(error))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        # adjustSize() would size a window by its narrow size hint and squeeze the wrapped lines; keep the
        # width and grow to the height the wrapped text needs at that width.
        self.resize(self.width(), max(self.height(), self.layout().totalHeightForWidth(self.width())))
        self._refused(text)

    def _set_busy(self, busy: bool) -> None:
        # Read-only rather than disabled: the focus stays in the field instead of jumping to the other button.
        self.password.setReadOnly(busy)
        self._accept_button.setEnabled(not busy)
        self._accept_button.setText("Checking …" if busy else self._accept_text)
