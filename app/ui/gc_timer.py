"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, a collection starts in whichever thread happens to allocate — often the background helper —
and a cycle that holds a Qt object (a closed dialog, a page's lambda) is then destroyed off the GUI thread.
Qt does not allow that: we saw the worker wait for the GIL inside a QObject destructor while the GUI thread
waited for that object's mutex, a deadlock (and, other times, a crash). So automatic collection is switched
off and the GUI thread collects on a timer, generation by generation as the thresholds say, as pyqtgraph's
GarbageCollector does (not imported from there: it would load all of pyqtgraph at start-up).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


def collect_due() -> int:
    """Collect the oldest generation whose count passed its threshold; the number of objects freed."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if counts[generation] > thresholds[generation]:
            return gc.collect(generation)
    return 0


class GuiThreadCollector(QObject):
    """Owns the timer; `stop()` gives automatic collection back (at exit, in tests)."""

    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(collect_due)

    def start(self) -> None:
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
