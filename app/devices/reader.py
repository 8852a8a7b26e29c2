"""One thread per device: it owns the serial port, decodes what arrives and reconnects with backoff."""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Self

import serial

from app.devices.errors import DeviceError
from app.devices.events import DeviceEvent, DeviceFault, DeviceState, Reading, StateChange
from app.devices.pipeline import Pipeline
from app.devices.ports import resolve
from app.devices.profiles import Profile
from app.devices.worker import ThreadWorker

log = logging.getLogger(__name__)

Sink = Callable[[DeviceEvent], None]


@dataclasses.dataclass(frozen=True)
class Backoff:
    """Delays between reconnection attempts: `initial` doubling up to `cap` seconds."""

    initial: float = 0.2
    cap: float = 5.0

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay
            delay = min(delay * 2, self.cap)


class DeviceReader(ThreadWorker):
    """Reads one device in a thread of its own, with blocking reads and a short timeout.

    Events go to `sink` on the reader thread, in the order they happen, as `DeviceEvent`s. The sink must
    be quick and thread-safe (`queue.Queue.put`; the Qt adapter emits a signal). By `event.kind`:
        state: the connection changed: disconnected, connecting, connected or error (StateChange).
        scan, tag, measurement: a reading decoded from the device (a tag once per presence).
        rejected: a complete frame whose content is wrong; the reason is for the operator.
        device_error: the device reported an error, or its port failed; after a port failure the reader
            reports state error and reconnects with backoff until it is stopped.
    """

    def __init__(self, device: str, profile: Profile, sink: Sink, *, backoff: Backoff = Backoff(),
                 read_timeout: float = 0.05) -> None:
        if not profile.port.is_set:
            raise DeviceError(f"Device {device!r} (profile {profile.name}) has no port: give its path, or "
                              "its USB vid/pid/serial number.")
        super().__init__(f"device-{device}")
        self.device = device
        self.profile = profile
        self.backoff = backoff
        self._sink = sink
        self._read_timeout = read_timeout
        self._pipeline = Pipeline(device, profile)
        self._state = StateChange(DeviceState.DISCONNECTED)
        self._requested = threading.Event()
        self._delays = backoff.delays()

    @property
    def state(self) -> DeviceState:
        return self._state.state

    def request(self) -> None:
        """Send the profile's request (a gauge's `?`) once, from the reader thread that owns the port."""
        if self.profile.request is None:
            raise DeviceError(f"Profile {self.profile.name} has no request command: the device sends by "
                              "itself.")
        self._requested.set()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        reported = False  # report a failure once per streak of attempts, not at every attempt
        while not self._stopping.is_set():
            path = resolve(self.profile.port)
            if path is None:
                reported = False  # whatever failed before, the next failure is news
                self._set_state(DeviceState.DISCONNECTED, f"waiting for {self.profile.port.describe()}")
            elif (failure := self._attempt(path)) is None:
                reported = False
            else:
                log.warning("%s: %s", self.device, failure)
                if not reported:
                    self._emit(b"", DeviceFault(failure))
                reported = True
                self._set_state(DeviceState.ERROR, failure)
            self._stopping.wait(next(self._delays))
        self._set_state(DeviceState.DISCONNECTED, "stopped")

    def _attempt(self, path: str) -> str | None:
        """Connect and read until stopped; the failure, said for the operator, if the port fails."""
        what = f"The {self.profile.kind} {self.device!r}"
        self._set_state(DeviceState.CONNECTING, path)
        try:
            port = self._open(path)
        except (serial.SerialException, OSError) as exc:
            return (f"{what} cannot be opened on {path} ({exc}). Is another program using it? Threadline "
                    "keeps trying.")
        try:
            with port:
                self._session(port, path)
        except (serial.SerialException, OSError) as exc:
            return (f"{what} stopped answering on {path} ({exc}): check its cable. Threadline reconnects by "
                    "itself when it is back.")
        return None

    def _session(self, port: serial.SerialBase, path: str) -> None:
        self._pipeline.reset()
        self._set_state(DeviceState.CONNECTED, path)
        self._delays = self.backoff.delays()
        next_poll = time.monotonic()
        while not self._stopping.is_set():
            next_poll = self._send_due(port, next_poll)
            data = port.read(1)  # returns at the first byte, or after the read timeout
            if data:
                waiting = port.in_waiting
                events = self._pipeline.feed(data + port.read(waiting) if waiting else data)
            else:
                events = self._pipeline.idle()
            for event in events:
                self._deliver(event)

    def _open(self, path: str) -> serial.SerialBase:
        port = serial.serial_for_url(path, do_not_open=True)
        settings = self.profile.serial
        port.baudrate, port.bytesize = settings.baudrate, settings.bytesize
        port.parity, port.stopbits = settings.parity, settings.stopbits
        port.timeout, port.write_timeout = self._read_timeout, 1.0
        if os.name == "posix" and "://" not in path:
            port.exclusive = True  # a second reader on the same port would steal half the bytes
        port.open()
        return port

    def _send_due(self, port: serial.SerialBase, next_poll: float) -> float:
        request, interval = self.profile.request, self.profile.poll_interval
        if request is None:
            return next_poll
        now = time.monotonic()
        if self._requested.is_set() or (interval is not None and now >= next_poll):
            self._requested.clear()
            port.write(request)
            if interval is not None:
                next_poll = now + interval
        return next_poll

    def _set_state(self, state: DeviceState, detail: str = "") -> None:
        change = StateChange(state, detail)
        if change != self._state:
            self._state = change
            self._emit(b"", change)

    def _emit(self, raw: bytes, reading: Reading) -> None:
        self._deliver(DeviceEvent(self.device, datetime.now(UTC), raw, reading))

    def _deliver(self, event: DeviceEvent) -> None:
        try:
            self._sink(event)
        except Exception:  # a faulty consumer must not stop the device from being read
            log.exception("%s: the event sink failed on %s", self.device, event.kind)
