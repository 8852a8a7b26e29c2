"""Qt adapters for device readers: each reader thread's events re-emitted as signals on the GUI thread,
one adapter per device and a small set of them for the station. Starting and stopping never wait on a
reader: a stop is asked for, and `stopped` follows once the thread has let go of the port."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal, Slot

from app.devices.events import DeviceEvent, DeviceState
from app.devices.profiles import Profile
from app.devices.reader import Backoff, DeviceReader
from app.ui.thread_relay import ThreadRelay

# By DeviceEvent.kind: the signal that carries it, besides event_received.
_SIGNAL_FOR_KIND = {"scan": "scan_received", "tag": "tag_received", "measurement": "measurement_received",
                    "rejected": "device_rejected", "device_error": "device_failed"}
DEFAULT_BACKOFF = Backoff()
_STOPPED = object()  # what the joining thread sends once the reader thread has ended


class DeviceAdapter(QObject):
    """Runs one `DeviceReader` and re-emits what it reports, in order, on the GUI thread.

    Signals:
        event_received(object): every DeviceEvent (readings, rejections, faults and state changes).
        scan_received(object): a DeviceEvent whose reading is a Scan.
        tag_received(object): a DeviceEvent whose reading is a Tag (once per tag presence).
        measurement_received(object): a DeviceEvent whose reading is a Measurement.
        device_rejected(object): a DeviceEvent whose reading is a Rejected frame; its reason is for people.
        device_failed(object): a DeviceEvent whose reading is a DeviceFault (device error or port failure).
        state_changed(str, str): the connection state (a DeviceState value) and its detail: the port when
            connecting or connected, the sentence for people on error.
        stopped(): the reader thread has ended after `stop()`; the port is free again.
    """

    event_received = Signal(object)
    scan_received = Signal(object)
    tag_received = Signal(object)
    measurement_received = Signal(object)
    device_rejected = Signal(object)
    device_failed = Signal(object)
    state_changed = Signal(str, str)
    stopped = Signal()

    # Emitted from reader and joiner threads; queued to this object's (the GUI) thread.
    _delivered = Signal(object)

    def __init__(self, name: str, profile: Profile, *, backoff: Backoff = DEFAULT_BACKOFF,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.profile = profile
        self.backoff = backoff
        self.state = DeviceState.DISCONNECTED
        self.detail = ""
        self._reader: DeviceReader | None = None
        self._joiner: threading.Thread | None = None
        self._restart = False
        self._relay = ThreadRelay(self, self._delivered, self._dispatch)

    @property
    def running(self) -> bool:
        """A reader was started and has not been asked to stop."""
        return self._reader is not None and self._joiner is None

    def start(self) -> None:
        """Start reading; if a stop is still under way, start again once it is done (the port is busy)."""
        if self._joiner is not None:
            self._restart = True
            return
        if self._reader is not None:
            return
        # A thread runs once: every start is a new reader (new framer state, fresh backoff).
        self._reader = DeviceReader(self.name, self.profile, self._relay.post, backoff=self.backoff)
        self._reader.start()

    def stop(self) -> None:
        """Ask the reader to stop and return at once; `stopped` is emitted when its thread has ended."""
        self._restart = False
        reader = self._reader
        if reader is None or self._joiner is not None:
            return
        self._joiner = threading.Thread(target=self._join, args=(reader,), name=f"device-{self.name}-stop",
                                        daemon=True)
        self._joiner.start()

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until a stop has finished (shutdown, tests); True when no reader thread is left."""
        joiner = self._joiner
        if joiner is not None:
            joiner.join(timeout)
            return not joiner.is_alive()
        return self._reader is None

    def close(self) -> None:
        """Stop and wait: for the end of a window or of the application."""
        self.stop()
        self.wait()

    def _join(self, reader: DeviceReader) -> None:
        reader.stop(timeout=10.0)
        self._relay.post(_STOPPED)

    @Slot(object)
    def _dispatch(self, payload: object) -> None:
        if payload is _STOPPED:
            self._reader = self._joiner = None
            self.stopped.emit()
            if self._restart:
                self._restart = False
                self.start()
            return
        assert isinstance(payload, DeviceEvent)
        self.event_received.emit(payload)
        if payload.kind == "state":
            self.state, self.detail = payload.reading.state, payload.reading.detail
            self.state_changed.emit(str(self.state), self.detail)
        elif (signal := _SIGNAL_FOR_KIND.get(payload.kind)) is not None:
            getattr(self, signal).emit(payload)


class StationDevices(QObject):
    """The devices of one station (or of a test on the Devices page): an adapter per device, their
    signals merged. Devices whose configuration cannot be used are listed with state error and their
    sentence, so the status bar shows them instead of leaving them out.

    Signals:
        event_received(object), scan_received(object), tag_received(object), measurement_received(object),
        device_rejected(object), device_failed(object): as DeviceAdapter's, from any device; the
            DeviceEvent names the device.
        state_changed(str, str, str): device name, state (a DeviceState value), detail.
        devices_changed(): `configure` replaced the set of devices.
        stopped(): after `stop()`, every reader thread has ended.
    """

    event_received = Signal(object)
    scan_received = Signal(object)
    tag_received = Signal(object)
    measurement_received = Signal(object)
    device_rejected = Signal(object)
    device_failed = Signal(object)
    state_changed = Signal(str, str, str)
    devices_changed = Signal()
    stopped = Signal()

    def __init__(self, *, backoff: Backoff = DEFAULT_BACKOFF, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backoff = backoff
        self.adapters: dict[str, DeviceAdapter] = {}
        self.problems: dict[str, str] = {}
        self._stopping: set[DeviceAdapter] = set()  # asked to stop; their ports are not free yet
        self._then: list[Callable[[], None]] = []
        self._start_when_stopped = False

    @property
    def names(self) -> list[str]:
        return list(self.adapters) + [n for n in self.problems if n not in self.adapters]

    @property
    def running(self) -> bool:
        return any(a.running for a in self.adapters.values())

    def state_of(self, name: str) -> tuple[str, str]:
        if name in self.problems:
            return str(DeviceState.ERROR), self.problems[name]
        adapter = self.adapters.get(name)
        return (str(adapter.state), adapter.detail) if adapter else (str(DeviceState.DISCONNECTED), "")

    def configure(self, devices: Mapping[str, Profile], problems: Mapping[str, str] | None = None) -> None:
        """Replace the devices (not started); the old ones stop, and `start()` waits for their ports."""
        for adapter in self.adapters.values():
            self._retire(adapter)
        self.adapters = {}
        for name, profile in devices.items():
            adapter = DeviceAdapter(name, profile, backoff=self.backoff, parent=self)
            self._forward(adapter)
            self.adapters[name] = adapter
        self.problems = dict(problems or {})
        self.devices_changed.emit()

    def start(self) -> None:
        if self._stopping:
            self._start_when_stopped = True  # a device may reopen a port an old reader still holds
            return
        for adapter in self.adapters.values():
            adapter.start()

    def stop(self, then: Callable[[], None] | None = None) -> None:
        """Ask every reader to stop; `stopped` (and `then`) follow when all threads have ended."""
        self._start_when_stopped = False
        if then is not None:
            self._then.append(then)
        for adapter in self.adapters.values():
            if adapter.running:
                self._stopping.add(adapter)
                adapter.stop()
        self._check_stopped()

    def wait(self, timeout: float = 10.0) -> bool:
        ended = [a.wait(timeout) for a in [*self._stopping, *self.adapters.values()]]  # every one, no short cut
        return all(ended)

    def close(self) -> None:
        """Stop and wait for every reader: the end of the window or application that owns the devices."""
        self.stop()
        self.wait()

    def _retire(self, adapter: DeviceAdapter) -> None:
        if adapter.running:
            self._stopping.add(adapter)
            adapter.stop()  # deleted once stopped, so that `stopped` still reaches this set
        else:
            adapter.deleteLater()

    def _forward(self, adapter: DeviceAdapter) -> None:
        adapter.event_received.connect(lambda event, a=adapter: self._relay(a, event))
        adapter.stopped.connect(lambda a=adapter: self._adapter_stopped(a))

    def _relay(self, adapter: DeviceAdapter, event: DeviceEvent) -> None:
        if self.adapters.get(adapter.name) is not adapter:
            return  # a replaced device's last words must not pass for the new device of that name
        self.event_received.emit(event)
        if event.kind == "state":
            self.state_changed.emit(adapter.name, str(event.reading.state), event.reading.detail)
        elif (signal := _SIGNAL_FOR_KIND.get(event.kind)) is not None:
            getattr(self, signal).emit(event)

    def _adapter_stopped(self, adapter: DeviceAdapter) -> None:
        if adapter not in self._stopping:
            return
        self._stopping.discard(adapter)
        if self.adapters.get(adapter.name) is not adapter:
            adapter.deleteLater()
        self._check_stopped()

    def _check_stopped(self) -> None:
        if self._stopping:
            return
        then, self._then = self._then, []
        self.stopped.emit()
        for callback in then:
            callback()
        if self._start_when_stopped:
            self._start_when_stopped = False
            self.start()
