"""Guards against a broken Qt binding: PySide6 6.12.0 lost a reference to True on every signal emit,
which aborts the interpreter after some hours of device events."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    pinged = Signal()
    valued = Signal(bool)


def test_emitting_signals_keeps_reference_counts():
    emitter = _Emitter()
    received: list[bool] = []
    emitter.valued.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.pinged.emit()
        emitter.valued.emit(True)
    assert sys.getrefcount(True) - before >= len(received) - 1  # the list holds its own references
    assert len(received) == 200
