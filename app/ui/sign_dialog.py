"""The electronic signature of an inspection record: the signer reads what they attest, picks the meaning and
re-enters their password. The check runs in the background; a wrong password is said in red and nothing is
signed, so the dialog stays open for another try."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWidget

from app.services.inspection import Meaning
from app.ui.password_dialog import PasswordCheckDialog
from app.ui.tasks import TaskRunner

MEANINGS = {
    Meaning.INSPECTED: ("Inspected", "I inspected this item; the values in this record are what I measured."),
    Meaning.REVIEWED: ("Reviewed", "I reviewed this signed record and agree with it."),
}


class SignDialog(PasswordCheckDialog):
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
        super().__init__(runner, accept="Sign", reject="Cancel", placeholder="your password", parent=parent)
        self.setObjectName("signDialog")
        self.setWindowTitle("Threadline — Sign inspection record")
        self._sign = sign
        self.sign_button, self.cancel_button = self._accept_button, self._reject_button

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

        password_caption = QLabel("Password", objectName="fieldCaption")
        password_caption.setBuddy(self.password)

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
        if self.busy:
            return  # already checking
        meaning = self.meaning
        if meaning is None:
            self._show_error("Nothing can be signed here; close this window.")
            return
        if not self.password.text():
            self._show_error("Type your password to sign, then press Enter.")
            self.password.setFocus()
            return
        self._check(self._sign, self.password.text(), meaning, name="sign_record")

    def _passed(self, answer: Any) -> None:
        self.signed.emit(answer)

    def _refused(self, text: str) -> None:
        self.sign_failed.emit(text)
