"""The one way the GUI does background work: run a function on a worker thread, hear about it on the
main thread.

Database work goes through a single worker (like Anki's task manager): one request at a time, in the
order asked, so a lookup never races a login. Results, errors and progress come back as queued signals
on a `Task` that lives in the GUI thread; callbacks therefore always run on the GUI thread. The worker
function never sees a widget, only plain arguments and, if it asks for them, `progress` and
`cancelled` callables.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from shiboken6 import isValid

from app.services.errors import DomainError

log = logging.getLogger(__name__)

# Progress from a tight loop would flood the event queue; the bar cannot show more than this anyway.
_PROGRESS_INTERVAL_S = 0.05


class TaskCancelled(DomainError):
    """Delivered to `on_failed` when a task was cancelled before the worker got to it."""


def describe_error(error: BaseException) -> str:
    """The sentence to show a person: a domain error's own, or a plain one for everything else."""
    if isinstance(error, DomainError):
        return str(error)
    from sqlalchemy.exc import DBAPIError  # loaded by then; not at start-up, before the first window

    if isinstance(error, DBAPIError):
        detail = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        return (f"The database did not answer ({detail}). Check the network connection of this bench PC, "
                "then try again.")
    return (f"Something went wrong that Threadline did not expect ({type(error).__name__}: {error}). "
            "Try again; if it keeps happening, tell your supervisor. Details are in the log.")


class Task(QObject):
    """A handle on one piece of background work.

    Signals (all delivered on the GUI thread):
        progressed(int, int): done and total, throttled.
        succeeded(object): the function's return value.
        failed(object): the exception it raised (DomainError or anything else), or TaskCancelled when
            it was cancelled before it started.
        finished(): after succeeded or failed.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    # Emitted from the worker thread; the receiver lives in the GUI thread, so Qt queues the call.
    _delivered = Signal(str, object)

    def __init__(self, name: str, parent: QObject | None = None, owner: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.owner = owner
        self._cancel = threading.Event()
        self._last_progress = 0.0
        self.done = False
        self._delivered.connect(self._on_delivered)

    def cancel(self) -> None:
        """Ask the function to stop; it notices when it next calls `cancelled()`."""
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report_progress(self, done: int, total: int) -> None:
        """Called from the worker; forwards at most every 50 ms, and always the final step."""
        now = time.monotonic()
        if done < total and now - self._last_progress < _PROGRESS_INTERVAL_S:
            return
        self._last_progress = now
        self._delivered.emit("progress", (done, total))

    @Slot(str, object)
    def _on_delivered(self, kind: str, payload: Any) -> None:
        # The widget that asked may be gone (logged out, dialog closed): then nobody is told.
        orphaned = self.owner is not None and not isValid(self.owner)
        if kind == "progress":
            if not self.done and not orphaned:
                self.progressed.emit(*payload)
            return
        self.done = True
        if orphaned:
            log.debug("Task %s finished after its owner was deleted; result dropped", self.name)
        elif kind == "result":
            self.succeeded.emit(payload)
        elif kind == "error":
            self.failed.emit(payload)
        self.finished.emit()


def _deliver(task: Task, kind: str, payload: Any) -> None:
    """From the worker: a runner deleted without waiting for its thread (which it must not be) would leave a
    dead Task here; emitting on it would crash the process, so the result is dropped and logged instead."""
    if isValid(task):
        task._delivered.emit(kind, payload)
    else:
        log.warning("Task %s finished after its runner was deleted; result dropped", task.name)


class TaskRunner(QObject):
    """Owns the worker thread. Create one per application; `shutdown()` before the event loop ends."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="threadline-db")
        self._running: set[Task] = set()

    def run(self, func: Callable[..., Any], *args: Any,
            on_done: Callable[[Any], None] | None = None,
            on_failed: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[int, int], None] | None = None,
            reports_progress: bool = False, owner: QObject | None = None, name: str = "",
            **kwargs: Any) -> Task:
        """Run `func(*args, **kwargs)` on the worker; `reports_progress` also passes it `progress=` and
        `cancelled=` callables. Callbacks run on the GUI thread; without `on_failed` a failure is logged.

        `owner` is the widget the callbacks belong to: when it is deleted the task is asked to cancel and
        its callbacks are not called."""
        task = Task(name or getattr(func, "__name__", "task"), self, owner)
        if owner is not None:
            flag = task._cancel
            owner.destroyed.connect(lambda *_: flag.set())
        if on_done is not None:
            task.succeeded.connect(on_done)
        if on_failed is not None:
            task.failed.connect(on_failed)
        else:
            task.failed.connect(lambda err: log.error("Background task %s failed: %s", task.name, err))
        if on_progress is not None:
            task.progressed.connect(on_progress)
        if reports_progress:
            kwargs.update(progress=task.report_progress, cancelled=task.cancelled)
        task.finished.connect(lambda: self._forget(task))
        self._running.add(task)
        self._executor.submit(self._work, task, func, args, kwargs)
        return task

    @staticmethod
    def _work(task: Task, func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        if task.cancelled():
            _deliver(task, "error", TaskCancelled(f"{task.name} was cancelled before it started."))
            return
        try:
            result = func(*args, **kwargs)
        except DomainError as exc:
            log.info("Task %s: %s", task.name, exc)
            _deliver(task, "error", exc)
        except Exception as exc:
            log.exception("Task %s failed", task.name)
            _deliver(task, "error", exc)
        else:
            _deliver(task, "result", result)

    def _forget(self, task: Task) -> None:
        self._running.discard(task)
        task.deleteLater()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def shutdown(self, *, wait: bool = True) -> None:
        """Cancel what has not started, ask the running function to stop, and wait for the thread."""
        for task in list(self._running):
            task.cancel()
        self._executor.shutdown(wait=wait, cancel_futures=True)
