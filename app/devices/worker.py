"""The thread behind a device reader, a sensor poller or a simulator: one daemon thread running the owner's
`_run` loop until a stop is asked for."""

from __future__ import annotations

import threading


class ThreadWorker:
    """`_run` loops while `self._stopping` is not set; it waits on that event rather than sleeping, so a stop
    is noticed at once. `stop` waits for the thread at most `timeout` seconds plus `_stop_slack` (a request
    or read already under way)."""

    _stop_slack: float = 0.0

    def __init__(self, name: str) -> None:
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(self._stop_slack + timeout)
