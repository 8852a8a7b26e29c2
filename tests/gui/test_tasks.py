"""The background helper: results, errors and progress arrive on the GUI thread; cancel is heard."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget
from sqlalchemy.exc import OperationalError

from app.services.errors import NotFound
from app.ui.tasks import TaskCancelled, describe_error


def _thread_name() -> str:
    return threading.current_thread().name


def test_result_arrives_on_the_gui_thread(qtbot, runner):
    seen = []
    runner.run(_thread_name, on_done=lambda r: seen.append((r, _thread_name())))
    qtbot.waitUntil(lambda: bool(seen))
    worker, callback = seen[0]
    assert worker.startswith("threadline-db") and callback == threading.main_thread().name


def test_domain_errors_reach_on_failed_with_their_sentence(qtbot, runner):
    def fails():
        raise NotFound("Serial S-1 is not known; scan again.")

    errors, results = [], []
    runner.run(fails, on_done=results.append, on_failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert results == []
    assert describe_error(errors[0]) == "Serial S-1 is not known; scan again."


def test_unexpected_errors_become_a_sentence_not_a_traceback(qtbot, runner):
    def breaks():
        raise ZeroDivisionError("division by zero")

    errors = []
    runner.run(breaks, on_failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    text = describe_error(errors[0])
    assert "did not expect" in text and "ZeroDivisionError" in text and "Traceback" not in text
    dropped = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
    assert "The database did not answer (server closed the connection unexpectedly)" in describe_error(dropped)


def test_progress_and_cancel(qtbot, runner):
    started = threading.Event()

    def long_job(progress, cancelled):
        for n in range(1, 1_000_000):
            progress(n, 1_000_000)
            started.set()
            if cancelled():
                return ("stopped at", n)
            threading.Event().wait(0.001)
        return ("ran to the end", None)

    reported, results = [], []
    task = runner.run(long_job, reports_progress=True, on_progress=lambda d, t: reported.append(d),
                      on_done=results.append)
    qtbot.waitUntil(lambda: bool(reported))
    task.cancel()
    qtbot.waitUntil(lambda: bool(results))
    assert results[0][0] == "stopped at"


def test_a_deleted_owner_hears_nothing_and_the_task_is_cancelled(qtbot, runner):
    gate = threading.Event()
    heard, ended = [], []

    def waits(progress, cancelled):
        gate.wait(5)
        return cancelled()

    owner = QWidget()
    task = runner.run(waits, reports_progress=True, owner=owner, on_done=heard.append)
    task.finished.connect(lambda: ended.append(True))
    owner.deleteLater()
    qtbot.waitUntil(task.cancelled)
    gate.set()
    qtbot.waitUntil(lambda: bool(ended))
    assert heard == []


def test_a_task_cancelled_before_it_starts_still_reports(qtbot, runner):
    gate = threading.Event()
    runner.run(gate.wait, 5)  # keeps the single worker busy
    failures, results = [], []
    queued = runner.run(_thread_name, on_done=results.append, on_failed=failures.append)
    queued.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], TaskCancelled) and results == []
