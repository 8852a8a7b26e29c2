"""The lock screen of a shared bench PC: it covers the main window (whose pages stay as they were), names who
was logged in, and lets the next person in by badge + PIN or by user name + password.

The pages, menus and shortcuts underneath are disabled while it shows, and the window's own dialogs are put
away, so nothing behind the lock can be reached from the keyboard either."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid
from sqlalchemy.orm import Session, sessionmaker

from app.services.auth import MAX_PIN_DIGITS, authenticate, authenticate_badge
from app.services.permissions import Actor
from app.ui.tasks import TaskRunner, describe_error

_STYLE = """
#lockScreen { background: rgba(20, 28, 38, 235); }
#lockCard { background: #ffffff; border-radius: 12px; }
#lockCard QLabel#lockedWho { font-size: 14pt; color: #1f2a36; }
#lockCard QLabel#badgeState { color: #14406b; background: #e7f1fb; border-left: 5px solid #0b5cad;
                              border-radius: 4px; padding: 8px 12px; }
#lockCard QLabel#badgeState[read="true"] { color: #1e6b2f; background: #e6f4ea; border-left-color: #2b8a3e; }
"""


class LockScreen(QWidget):
    """A child of the main window drawn over all of it.

    Signals:
        unlocked(object): the `Actor` who unlocked; the owner decides between resuming and switching user,
            then calls `release`.
        unlock_failed(str): the sentence shown in red for a refused attempt.
    """

    unlocked = Signal(object)
    unlock_failed = Signal(str)

    def __init__(self, factory: sessionmaker[Session], runner: TaskRunner, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLE)
        self.factory, self.runner, self.window_ = factory, runner, window
        self.badge_uid: str | None = None
        self.locked_actor: Actor | None = None
        self._focus: QWidget | None = None
        self._disabled: list[Any] = []
        self._put_away: list[QWidget] = []

        card = QFrame(objectName="lockCard")
        card.setFixedWidth(640)
        self.title = QLabel("This station is locked", objectName="dialogTitle")
        self.who = QLabel(objectName="lockedWho", wordWrap=True)
        self.badge_state = QLabel(objectName="badgeState", wordWrap=True)
        self.pin = QLineEdit(objectName="bigField", placeholderText="PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName("PIN")
        self.pin.setMaxLength(MAX_PIN_DIGITS)
        self.pin.setValidator(QRegularExpressionValidator(r"\d*", self.pin))
        self.pin.returnPressed.connect(self.submit_badge)
        self.username = QLineEdit(objectName="bigField", placeholderText="user name")
        self.username.setAccessibleName("User name")
        self.username.returnPressed.connect(self.password_focus)
        self.password = QLineEdit(objectName="bigField", placeholderText="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.returnPressed.connect(self.submit_password)
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()
        self.unlock_button = QPushButton("Unlock", objectName="primaryButton")
        self.unlock_button.setAutoDefault(False)
        self.unlock_button.clicked.connect(self.submit)

        layout = QVBoxLayout(card)
        layout.setContentsMargins(36, 30, 36, 30)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addSpacing(8)
        layout.addWidget(QLabel("Badge and PIN", objectName="fieldCaption"))
        layout.addWidget(self.badge_state)
        layout.addWidget(self.pin)
        layout.addSpacing(6)
        layout.addWidget(QLabel("Or user name and password", objectName="fieldCaption"))
        layout.addWidget(self.username)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addSpacing(4)
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignRight)

        # Centred by stretches, not by an alignment flag: an aligned item is laid out at its size hint, which
        # does not ask the wrapped labels how tall they are at the card's width.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.hide()
        window.installEventFilter(self)  # follow the window's size while shown

    # -- locking ---------------------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.isVisible()

    def lock(self, actor: Actor) -> None:
        """Cover the window for `actor`'s session; what they had open stays underneath, untouched."""
        if self.locked:
            return
        self.locked_actor = actor
        # The window's own focus widget, not the application's: a dialog of the window may have the keyboard.
        self._focus = self.window_.focusWidget()
        self._put_away = [w for w in QApplication.topLevelWidgets()
                          if w.isVisible() and w is not self.window_ and _belongs_to(w, self.window_)]
        for widget in self._put_away:
            widget.hide()  # a signing dialog left open must not stay usable over a locked bench
        self._disabled = [w for w in (self.window_.centralWidget(), self.window_.menuBar(),
                                      self.window_.statusBar()) if w is not None and w.isEnabled()]
        self._disabled += [a for a in self.window_.findChildren(QAction) if a.isEnabled()]
        for thing in self._disabled:
            thing.setEnabled(False)
        role = actor.role.label if actor.role else "System"
        self.who.setText(f"<b>{actor.full_name or actor.username}</b> ({role}) was logged in. Their work is "
                         "kept as it was: they carry on after unlocking; someone else starts afresh.")
        self._forget_badge()
        self.username.setText(actor.username)
        self.password.clear()
        self.error.hide()
        self._set_busy(False)
        self.setGeometry(self.window_.rect())
        self.show()
        self.raise_()
        self.window_.activateWindow()  # a dialog put away had the keyboard: the lock takes it
        self.pin.setFocus()

    def release(self, *, resume: bool) -> None:
        """Take the lock away. `resume`: the same user goes on, their dialogs and focus come back; otherwise
        the dialogs of the previous user are closed."""
        self.hide()
        for thing in self._disabled:
            if isValid(thing):
                thing.setEnabled(True)
        self._disabled = []
        for widget in self._put_away:
            if isValid(widget):
                widget.show() if resume else widget.close()
        self._put_away = []
        if resume and self._focus is not None and isValid(self._focus):
            self._focus.setFocus()
        self._focus = None
        self.password.clear()
        self.pin.clear()
        self._forget_badge()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_ and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.window_.rect())
        return False

    # -- unlocking -------------------------------------------------------------------------------------

    def accept_badge(self, uid: str) -> None:
        """A badge from the RFID reader or a keyboard-wedge scan: the PIN comes next."""
        self.badge_uid = uid.strip()
        self.badge_state.setText("Badge read. Type your PIN and press Enter.")
        self.badge_state.setProperty("read", True)
        self._restyle(self.badge_state)
        self.error.hide()
        self.pin.clear()
        self.pin.setFocus()

    accept_scan = accept_badge  # the main window hands every scan to whatever is in front

    def password_focus(self) -> None:
        if self.username.text().strip():
            self.password.setFocus()

    def submit(self) -> None:
        if self.badge_uid and self.pin.text():
            self.submit_badge()
        else:
            self.submit_password()

    def submit_badge(self) -> None:
        if self.busy:
            return
        if not self.badge_uid:
            self._refuse("Hold your badge to the reader first, then type your PIN.", self.pin)
            return
        if not self.pin.text():
            self._refuse("Type your PIN, then press Enter.", self.pin)
            return
        self._check(authenticate_badge, self.badge_uid, self.pin.text(), field=self.pin)

    def submit_password(self) -> None:
        if self.busy:
            return
        if not self.username.text().strip():
            self._refuse("Type your user name, or hold your badge to the reader.", self.username)
            return
        if not self.password.text():
            self._refuse("Type your password, then press Enter.", self.password)
            return
        self._check(authenticate, self.username.text(), self.password.text(), field=self.password)

    @property
    def busy(self) -> bool:
        return not self.unlock_button.isEnabled()

    def _check(self, check: Any, credential: str, secret: str, *, field: QLineEdit) -> None:
        self._set_busy(True)
        # argon2 takes a moment and the database may be remote: off the GUI thread, like every log-in.
        self.runner.run(check, self.factory, credential, secret, name="unlock", owner=self,
                        on_done=self._passed, on_failed=lambda error: self._failed(error, field))

    def _passed(self, actor: Actor) -> None:
        self._set_busy(False)
        self.unlocked.emit(actor)

    def _failed(self, error: BaseException, field: QLineEdit) -> None:
        self._set_busy(False)
        self._refuse(describe_error(error), field)

    def _refuse(self, text: str, field: QLineEdit) -> None:
        if field is not self.username:  # the name stays for another try; a secret is typed again
            field.clear()
        field.setFocus()
        self.error.setText(text)
        self.error.show()
        self.unlock_failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        for field in (self.pin, self.username, self.password):
            field.setReadOnly(busy)  # read-only, not disabled: the focus stays where the person typed
        self.unlock_button.setEnabled(not busy)
        self.unlock_button.setText("Checking …" if busy else "Unlock")

    def _forget_badge(self) -> None:
        self.badge_uid = None
        self.badge_state.setText("Hold your badge to the reader, then type your PIN.")
        self.badge_state.setProperty("read", False)
        self._restyle(self.badge_state)

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
