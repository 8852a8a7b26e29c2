"""The electronic signature of an inspection record: the signer reads what they attest, picks the meaning and
re-enters their password. The check runs in the background; a wrong password is said in red and nothing is
signed, so the dialog stays open for another try."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.inspection import Meaning
from app.ui.tasks import TaskRunner, describe_error

MEANINGS = {
    Meaning.INSPECTED: ("Inspected", "I inspected this item; the values in this record are what I measured."),
    Meaning.REVIEWED: ("Reviewed", "I reviewed this signed record and agree with it."),
}


class SignDialog(QDialog):
    """Signals:
        signed(object): what `sign` returned; the dialog then closes as accepted.
        sign_failed(str): the sentence shown after a failed attempt.
    """

    signed = Signal(object)
    sign_failed = Signal(str)

    def __init__(self, runner: TaskRunner, sign: Callable[[str, Meaning], Any], *, record: str, signer: str,
                 allowed: dict[Meaning, str], parent: QWidget | None = None) -> None:
        """`sign(password, meaning)` runs on the worker; `allowed` maps each meaning to '' when it may be
        chosen, or to the sentence that says why not."""
        super().__init__(parent)
        self.setObjectName("signDialog")
        self.setWindowTitle("Threadline — Sign inspection record")
        self.runner = runner
        self._sign = sign

        title = QLabel("Sign the inspection record", objectName="dialogTitle")
        what = QLabel(record, objectName="fieldCaption", wordWrap=True)
        who = QLabel(f"Signing as <b>{signer}</b>. Your printed name, the time and a SHA-256 hash of the "
                     "record are stored with the signature; afterwards the record is read-only.",
                     objectName="mutedLabel", wordWrap=True)
        self.meanings = QButtonGroup(self)
        meaning_box = QVBoxLayout()
        meaning_box.setSpacing(6)
        for meaning, (word, statement) in MEANINGS.items():
            button = QRadioButton(word, objectName="meaningButton")
            why_not = allowed.get(meaning, "This meaning does not apply here.")
            button.setEnabled(not why_not)
            button.setProperty("meaning", meaning.value)
            self.meanings.addButton(button)
            # A radio button cannot wrap its text: the statement (or why it is not possible) goes below it.
            explained = QLabel(why_not or statement, objectName="meaningStatement", wordWrap=True)
            explained.setEnabled(not why_not)
            meaning_box.addWidget(button)
            meaning_box.addWidget(explained)
        first = next((b for b in self.meanings.buttons() if b.isEnabled()), None)
        if first is not None:
            first.setChecked(True)

        self.password = QLineEdit(objectName="bigField")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("your password")
        self.password.setAccessibleName("Password")
        self.password.returnPressed.connect(self.submit)
        password_caption = QLabel("Password", objectName="fieldCaption")
        password_caption.setBuddy(self.password)
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()

        self.buttons = QDialogButtonBox()
        self.sign_button = QPushButton("Sign", objectName="primaryButton")
        self.buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.sign_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(what)
        layout.addWidget(who)
        layout.addSpacing(4)
        layout.addWidget(QLabel("Meaning of the signature", objectName="fieldCaption"))
        layout.addLayout(meaning_box)
        layout.addSpacing(4)
        layout.addWidget(password_caption)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        self.sign_button.setEnabled(first is not None)
        self.password.setFocus()

    @property
    def meaning(self) -> Meaning | None:
        checked = self.meanings.checkedButton()
        return Meaning(checked.property("meaning")) if checked is not None else None

    def submit(self) -> None:
        if self.password.isReadOnly():
            return  # already checking
        meaning = self.meaning
        if meaning is None:
            self._show_error("Nothing can be signed here; close this window.")
            return
        if not self.password.text():
            self._show_error("Type your password to sign, then press Enter.")
            self.password.setFocus()
            return
        self._set_busy(True)
        self.runner.run(self._sign, self.password.text(), meaning, name="sign_record", owner=self,
                        on_done=self._succeeded, on_failed=self._failed)

    def _succeeded(self, answer: Any) -> None:
        self._set_busy(False)
        self.signed.emit(answer)
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
        self.sign_failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        self.password.setReadOnly(busy)
        self.sign_button.setEnabled(not busy)
        self.sign_button.setText("Checking …" if busy else "Sign")
