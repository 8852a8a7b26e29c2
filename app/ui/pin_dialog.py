"""Session › Set my badge PIN… and, for administrators, Session › Unlock a user…: the two credential chores a
bench PC needs without the command line. The services decide; these dialogs ask, wait on the worker thread
and show the service's own sentence."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from app.models import Role
from app.services.auth import MAX_PIN_DIGITS, MIN_PIN_DIGITS, authenticate, locked_users, set_pin, unlock_user
from app.services.permissions import Actor
from app.ui.palette import GOOD
from app.ui.password_dialog import dialog_buttons
from app.ui.tasks import TaskRunner, describe_error


def set_own_pin(factory: sessionmaker[Session], actor: Actor, password: str, pin: str) -> None:
    """Worker side of the dialog. `set_pin` lets an administrator set any PIN without a password; the
    dialog asked for one all the same, so it is checked here too — otherwise an admin's unattended
    session could take over their badge, the very thing the password question guards against."""
    if actor.role is Role.ADMIN:
        authenticate(factory, actor.username, password)
    set_pin(factory, actor, actor.username, pin, password=password)


def _caption(text: str) -> QLabel:
    return QLabel(text, objectName="fieldCaption")


def _secret_field(placeholder: str, name: str) -> QLineEdit:
    field = QLineEdit(objectName="bigField", placeholderText=placeholder)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class PinDialog(QDialog):
    """Signals:
        pin_set(): the service stored the new PIN.
        refused(str): the sentence shown in red (weak PIN, wrong password, PINs that differ …).
    """

    pin_set = Signal()
    refused = Signal(str)

    def __init__(self, factory: sessionmaker[Session], actor: Actor, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setWindowTitle("Set my badge PIN")
        self.factory, self.actor, self.runner = factory, actor, runner
        self.password = _secret_field("Your password", "Password")
        digits = QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{MAX_PIN_DIGITS}}}"), self)
        self.pin = _secret_field(f"{MIN_PIN_DIGITS}–{MAX_PIN_DIGITS} digits", "New PIN")
        self.pin_again = _secret_field("The same digits again", "New PIN again")
        for field in (self.pin, self.pin_again):
            field.setValidator(digits)  # letters never reach the field: a PIN is typed on a numeric pad
            field.setMaxLength(MAX_PIN_DIGITS)
            field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.password.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.pin_again.setFocus)
        self.pin_again.returnPressed.connect(self.submit)
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()
        self.done_label = QLabel(objectName="infoLabel", wordWrap=True)
        background, text = GOOD
        self.done_label.setStyleSheet(f"QLabel {{ background: {background}; color: {text}; "
                                      "padding: 6px 10px; border-radius: 4px; }")
        self.done_label.hide()
        self.buttons, self.save_button, self.cancel_button = dialog_buttons(self, "Set PIN", "Cancel",
                                                                            self.submit)
        intro = QLabel(f"{actor.full_name or actor.username}: the PIN you type after holding your badge to "
                       "the reader, to unlock a bench PC quickly. Your password proves it is you.",
                       wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for caption, field in (("Password", self.password), ("New PIN", self.pin),
                               ("New PIN again", self.pin_again)):
            layout.addWidget(_caption(caption))
            layout.addWidget(field)
        layout.addWidget(self.error)
        layout.addWidget(self.done_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.password.setFocus()

    @property
    def busy(self) -> bool:
        return self.password.isReadOnly()

    def submit(self) -> None:
        if self.busy:
            return
        if not self.password.text():
            self._refuse("Type your password first.", self.password)
        elif self.pin.text() != self.pin_again.text():
            self.pin_again.clear()
            self._refuse("The two PINs differ; type the new PIN again in the second field.", self.pin_again)
        else:
            self.error.hide()
            self.done_label.hide()
            self._set_busy(True)
            self.runner.run(set_own_pin, self.factory, self.actor, self.password.text(), self.pin.text(),
                            name="set PIN", owner=self, on_done=self._stored, on_failed=self._failed)

    def _stored(self, _result: object) -> None:
        self._set_busy(False)
        for field in (self.password, self.pin, self.pin_again):
            field.clear()
        self.done_label.setText("Your new PIN is set. From now on, hold your badge to the reader and type it "
                                "to unlock a bench PC.")
        self.done_label.show()
        self.cancel_button.setText("Close")
        self.cancel_button.setFocus()
        self.pin_set.emit()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        text = describe_error(error)
        # A wrong password is typed again; a refused PIN is chosen again.
        wrong_password = "password" in text.lower() or "locked" in text.lower()
        self.pin.clear()
        self.pin_again.clear()
        if wrong_password:
            self.password.clear()
        self._refuse(text, self.password if wrong_password else self.pin)

    def _refuse(self, text: str, focus: QLineEdit) -> None:
        self.done_label.hide()
        self.error.setText(text)
        self.error.show()
        focus.setFocus()
        self.resize(self.width(), max(self.height(), self.layout().totalHeightForWidth(self.width())))
        self.refused.emit(text)

    def _set_busy(self, busy: bool) -> None:
        for field in (self.password, self.pin, self.pin_again):
            field.setReadOnly(busy)
        self.save_button.setEnabled(not busy)
        self.save_button.setText("Checking …" if busy else "Set PIN")


class UnlockDialog(QDialog):
    """An administrator lifts a lockout: pick one of the users locked out now, or type any user name (which
    also clears a failure count that has not reached the lock yet).

    Signals:
        unlocked(str, bool): the user name, and whether the user had been locked.
        refused(str): the sentence shown in red.
    """

    unlocked = Signal(str, bool)
    refused = Signal(str)
    listed = Signal(int)

    def __init__(self, factory: sessionmaker[Session], actor: Actor, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle("Unlock a user")
        self.factory, self.actor, self.runner = factory, actor, runner
        self.user = QComboBox(objectName="bigCombo", editable=True)
        self.user.setAccessibleName("User name")
        self.user.lineEdit().setPlaceholderText("Loading locked users …")
        self.user.lineEdit().returnPressed.connect(self.submit)
        self.state = QLabel(wordWrap=True)
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()
        self.buttons, self.unlock_button, self.close_button = dialog_buttons(self, "Unlock", "Close",
                                                                             self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(_caption("User"))
        layout.addWidget(self.user)
        layout.addWidget(self.state)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.refresh()

    def refresh(self) -> None:
        self.runner.run(locked_users, self.factory, name="locked users", owner=self,
                        on_done=self._listed, on_failed=self._failed)

    def _listed(self, rows: list) -> None:
        typed = self.user.currentText()
        self.user.clear()
        for name, full_name, until in rows:
            self.user.addItem(f"{name}", name)
            self.user.setItemData(self.user.count() - 1,
                                  f"{full_name}, locked until {until.astimezone():%Y-%m-%d %H:%M}",
                                  Qt.ItemDataRole.ToolTipRole)
        self.user.setEditText(typed if typed else (rows[0][0] if rows else ""))
        self.user.lineEdit().setPlaceholderText("User name")
        self.state.setText(f"{len(rows)} user{'s' if len(rows) != 1 else ''} locked out now: "
                           + ", ".join(f"{full} ({name})" for name, full, _ in rows) if rows else
                           "Nobody is locked out now. Type a user name to clear their failed log-ins.")
        self.listed.emit(len(rows))

    def submit(self) -> None:
        name = self.user.currentText().strip()
        if not name:
            self._failed_text("Pick or type the user to unlock.")
            return
        self.unlock_button.setEnabled(False)
        self.runner.run(unlock_user, self.factory, self.actor, name, name="unlock user", owner=self,
                        on_done=lambda was_locked: self._done(name, was_locked), on_failed=self._failed)

    def _done(self, name: str, was_locked: bool) -> None:
        self.unlock_button.setEnabled(True)
        self.error.hide()
        self.state.setText(f"{name} is unlocked and may log in again." if was_locked else
                           f"{name} was not locked out; their count of failed log-ins is cleared.")
        self.unlocked.emit(name, was_locked)
        self.runner.run(locked_users, self.factory, name="locked users", owner=self,
                        on_done=self._relisted)

    def _relisted(self, rows: list) -> None:
        state = self.state.text()
        self.user.setEditText("")
        self._listed(rows)
        self.state.setText(state)  # keep saying what just happened

    def _failed(self, error: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self._failed_text(describe_error(error))

    def _failed_text(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.refused.emit(text)
