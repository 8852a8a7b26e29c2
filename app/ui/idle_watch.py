"""Notices when nobody has touched the keyboard or mouse for a while: what locks a shared bench PC."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

# Input a person makes. Paint, timer and focus events are not activity: a live SPC chart repaints all shift.
_INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress,
})


class IdleWatch(QObject):
    """An application-wide event filter that only notes the time of the last input; one single-shot timer
    checks when the time could be up, so a moving mouse costs a clock read, not a timer restart.

    Signals:
        idled(): `timeout_ms` went by without input; the watch stops until `start()` is called again.
    """

    idled = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = timeout_ms  # 0: never; tests shorten it to milliseconds
        self._last = time.monotonic()
        self._installed = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._check)

    @property
    def active(self) -> bool:
        return self._installed

    def start(self) -> None:
        if self.timeout_ms <= 0:
            return
        self._last = time.monotonic()
        if not self._installed:
            QApplication.instance().installEventFilter(self)
            self._installed = True
        self._timer.start(self.timeout_ms)

    def stop(self) -> None:
        self._timer.stop()
        if self._installed:
            QApplication.instance().removeEventFilter(self)
            self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self._last = time.monotonic()
        return False

    def _check(self) -> None:
        remaining = self.timeout_ms - (time.monotonic() - self._last) * 1000
        if remaining > 0:
            self._timer.start(max(1, int(remaining)))
            return
        self.stop()
        self.idled.emit()
