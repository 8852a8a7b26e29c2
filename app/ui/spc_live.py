"""Live SPC views without a server push: poll the cheap `change_marker` aggregate on the background helper
and say when it moved, so an inspector's new sample at another bench shows within seconds.

Polling works the same on SQLite (which has no cross-process notification) and PostgreSQL. On PostgreSQL a
trigger on measurements that calls `pg_notify('measurements', characteristic_id)` and a LISTEN on one
dedicated connection could replace the poll; the watch's `changed` signal would stay the same.
"""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session, sessionmaker

from app.services.spc_data import change_marker
from app.ui.spc_work import Marker
from app.ui.tasks import TaskRunner, describe_error

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 2_000


class ChangeWatch(QObject):
    """Polls the change marker of one characteristic (or of all measurements) while started.

    Signals:
        changed(): the marker moved since the one last seen; the owner reloads, then calls `seen(marker)`
            with the marker its reload read.
        poll_failed(str): a poll did not get through (the sentence to show); polling goes on.
    """

    changed = Signal()
    poll_failed = Signal(str)

    def __init__(self, runner: TaskRunner, factory: sessionmaker[Session], *,
                 interval_ms: int = POLL_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._factory = factory
        self._target: uuid.UUID | None = None
        self._marker: Marker | None = None  # None: nothing loaded yet, so nothing to compare with
        self._asking = False  # one poll at a time: a slow database must not pile them up on the worker
        self._generation = 0  # answers about an earlier target are dropped
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def watch(self, characteristic_id: uuid.UUID | None, marker: Marker) -> None:
        """Watch this characteristic (None: every measurement), whose data was loaded at `marker`."""
        if characteristic_id != self._target:
            self._generation += 1
            self._asking = False
        self._target = characteristic_id
        self._marker = marker

    def seen(self, marker: Marker) -> None:
        self._marker = marker

    def start(self) -> None:
        """Poll now (the view may have been away a while), then every interval."""
        if not self.timer.isActive():
            self.timer.start()
            self.poll()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> None:
        if self._asking or self._marker is None:
            return
        self._asking = True
        generation = self._generation
        self._runner.run(change_marker, self._factory, self._target, name="spc_change_marker", owner=self,
                         on_done=lambda marker: self._answered(generation, marker),
                         on_failed=lambda error: self._failed(generation, error))

    def _answered(self, generation: int, marker: Marker) -> None:
        if generation != self._generation:
            return
        self._asking = False
        if marker != self._marker:
            self._marker = marker  # told once; the reload's own marker follows through `seen`
            self.changed.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._asking = False
        log.info("Live update poll failed: %s", error)
        self.poll_failed.emit(describe_error(error))
