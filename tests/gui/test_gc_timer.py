"""Garbage with Qt objects in it is collected on the GUI thread, never by a background thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, Qt, Slot

from app.ui.gc_timer import GuiThreadCollector, collect_due


class Recorder(QObject):
    """Told, in the deleting thread itself (a direct connection), that a QObject was destroyed."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[str] = []

    @Slot()
    def record(self) -> None:
        self.threads.append(threading.current_thread().name)


class Holder:
    """A reference cycle around a QObject: only the cyclic collector frees it."""

    def __init__(self, recorder: Recorder) -> None:
        self.me = self
        self.qobject = QObject()
        self.qobject.destroyed.connect(recorder.record, Qt.ConnectionType.DirectConnection)


def test_cycles_with_qt_objects_die_on_the_gui_thread(qtbot):
    collector = GuiThreadCollector(interval_ms=20)
    collector.start()
    recorder = Recorder()
    try:
        assert not gc.isenabled()

        kept: list[list[object]] = []

        def work() -> None:  # a background helper allocating plenty: no collection may start here
            Holder(recorder)
            kept.extend([object()] for _ in range(5 * gc.get_threshold()[0]))

        worker = threading.Thread(target=work, name="helper")
        worker.start()
        worker.join()
        assert recorder.threads == [] and gc.get_count()[0] > gc.get_threshold()[0]  # due, not done there
        qtbot.waitUntil(lambda: recorder.threads == ["MainThread"], timeout=5_000)  # the GUI thread's timer
    finally:
        collector.stop()
    assert gc.isenabled()


def test_nothing_is_collected_before_a_threshold_passes():
    gc.collect()
    assert collect_due() == 0
