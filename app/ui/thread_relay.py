"""How worker threads (device readers, sensor clients, the threads that join them) hand events to a QObject
on the GUI thread without outliving it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, SignalInstance


class ThreadRelay:
    """Threads `post` into `owner`'s `signal`, which is queued to `deliver` on the owner's thread. Posts stop
    when the owner is destroyed: never into a deleted QObject (an adapter may go with its window while a
    reader is still letting go of its port)."""

    def __init__(self, owner: QObject, signal: SignalInstance, deliver: Callable[[object], None]) -> None:
        self._lock = threading.Lock()
        self._signal = signal
        self._open = True
        signal.connect(deliver, Qt.ConnectionType.QueuedConnection)
        owner.destroyed.connect(self.close)

    def post(self, payload: object) -> None:
        with self._lock:
            if self._open:
                self._signal.emit(payload)

    def close(self, *_: object) -> None:
        with self._lock:
            self._open = False
