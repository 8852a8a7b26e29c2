"""The application-wide filter for keyboard-wedge scanners: a scanner's burst of keys becomes one scan for
the current page instead of text in whatever field has the focus. The timing decisions are the Qt-free
`app.devices.wedge` classifier's; this module only holds, replays or drops the key events it names."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from app.devices.errors import FrameRejected
from app.devices.wedge import ENTER, WedgeClassifier, WedgeDecoder, WedgeTiming

log = logging.getLogger(__name__)

Held = tuple[QObject, QKeyEvent]  # the widget a key was meant for, and a copy of its event

_KEYS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_SHORTCUT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier,
             Qt.KeyboardModifier.MetaModifier)
_ALT_GR = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
GS = "\x1d"
DEFAULT_TIMING = WedgeTiming()


def _monotonic_ms() -> float:
    return time.monotonic() * 1000


def scanner_char(event: QKeyEvent) -> str | None:
    """The character a scanner could have typed with this key, ENTER, or None (arrows, Ctrl+C, F2 …).
    Ctrl+Alt is AltGr on Windows, and layouts need it for ] and @: those keys count; Ctrl+] types GS."""
    if event.key() in _ENTER_KEYS:
        return ENTER
    text = event.text()
    if text == GS:
        return text
    modifiers = event.modifiers() & (_SHORTCUT[0] | _SHORTCUT[1] | _SHORTCUT[2])
    if modifiers and modifiers != _ALT_GR:
        return None
    return text if text and text.isprintable() else None


class WedgeFilter(QObject):
    """Install on the QApplication. Keys that may belong to a scan are held back until the classifier
    knows: then they are dropped (a scan) or replayed to the widget they were meant for (a person).

    Signals:
        scan_received(str): a wedge scan's data, decoded like a serial scanner's: AIM identifier taken
            off, GS1 element strings checked (GS restored from the configured substitute).
        scan_rejected(str, str): the reason for people, and the scanned text, when its content is wrong
            (a bad GS1 check digit, two scans run together).
    """

    scan_received = Signal(str)
    scan_rejected = Signal(str, str)

    def __init__(self, timing: WedgeTiming = DEFAULT_TIMING, *, gs_substitute: str | None = None,
                 clock: Callable[[], float] = _monotonic_ms, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timing = timing
        self._classifier: WedgeClassifier[Held] = WedgeClassifier(timing)
        self._decode = WedgeDecoder(gs_substitute)
        self._clock = clock
        self._replaying = False
        # A quiet line means the held keys were a person's: the timer hands them on.
        self._quiet = QTimer(self, singleShot=True, interval=timing.release_after_ms)
        self._quiet.timeout.connect(self.release_held)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() not in _KEYS or not isinstance(watched, QWidget):
            return False  # windows pass keys on to their focus widget: decide there, once
        focus = QApplication.focusWidget()
        if focus is not None and watched is not focus:
            return False  # a key the focus widget ignored, travelling up to its parents: decided already
        assert isinstance(event, QKeyEvent)
        held: Held = (watched, event.clone())
        if event.type() == QEvent.Type.KeyRelease:
            return self._classifier.attach(held)
        if event.isAutoRepeat():  # a key held down: a person
            self.release_held()
            return False
        # Window systems stamp key events; synthetic ones carry 0, and then arrival time is what there is.
        at = event.timestamp() or self._clock()
        decision = self._classifier.press(at, scanner_char(event), held)
        self._replay(decision.release)
        if decision.hold:
            self._quiet.start()
        else:
            self._quiet.stop()
        if decision.scan is not None:
            self._scanned(decision.scan)
            return True
        return decision.hold

    def release_held(self) -> None:
        """Type the held keys after all (the line went quiet, or a key no scanner types came)."""
        self._quiet.stop()
        self._replay(self._classifier.flush())

    def _replay(self, held: list[Held]) -> None:
        self._replaying = True
        try:
            for receiver, event in held:
                if isValid(receiver):
                    QApplication.sendEvent(receiver, event)
        finally:
            self._replaying = False

    def _scanned(self, text: str) -> None:
        try:
            scan = self._decode(text)
        except FrameRejected as exc:
            log.warning("keyboard-wedge scan %r rejected: %s", text, exc)
            self.scan_rejected.emit(str(exc), text)
            return
        log.info("keyboard-wedge scan: %s", scan.data)
        self.scan_received.emit(scan.lookup_text)
