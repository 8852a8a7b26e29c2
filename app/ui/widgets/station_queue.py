"""Scans handled one at a time, in the order they came: each waits until the answer to the one before it is
on screen, because what a scan means (the part, its machine, a lot, COMPLETE) depends on what came before.
The work itself runs on the application's background helper; nothing here blocks the GUI thread."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.models.base import utcnow
from app.ui.tasks import TaskRunner


class ScanQueue(QObject):
    """Signals:
        busy_changed(bool): a service call started (True) or its answer was handled (False).
    """

    busy_changed = Signal(bool)

    def __init__(self, runner: TaskRunner, handle: Callable[[str, datetime], None], parent: QObject) -> None:
        super().__init__(parent)
        self._runner = runner
        self._handle = handle  # called with each scan and when it came, on the GUI thread, in turn
        self._waiting: deque[tuple[str, datetime]] = deque()
        self.busy = False

    def submit(self, text: str) -> None:
        self._waiting.append((text.strip(), utcnow()))
        self._next()

    def run(self, func: Callable[..., Any], *args: Any, on_done: Callable[[Any], None],
            on_failed: Callable[[BaseException], None], **kwargs: Any) -> None:
        """The service call for the scan being handled; the next scan waits for its answer."""
        self.busy = True
        self.busy_changed.emit(True)
        self._runner.run(func, *args, owner=self.parent(), name=getattr(func, "__name__", "station"),
                         on_done=lambda result: self._finish(on_done, result),
                         on_failed=lambda error: self._finish(on_failed, error), **kwargs)

    def _finish(self, callback: Callable[[Any], None], payload: Any) -> None:
        self.busy = False
        self.busy_changed.emit(False)
        callback(payload)
        self._next()

    def _next(self) -> None:
        while self._waiting and not self.busy:
            self._handle(*self._waiting.popleft())
