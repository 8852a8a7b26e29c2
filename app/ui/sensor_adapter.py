"""The Qt adapter of the station's sensor hub: the MQTT and Modbus clients' events re-emitted as signals on
the GUI thread. Starting and stopping never wait on a client: a stop is asked for, `stopped` follows."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal, Slot

from app.config import Settings
from app.devices.events import DeviceState
from app.devices.reader import Backoff
from app.devices.sensors import SensorConfig, SensorHub, SensorValue, connection_of
from app.devices.sensors.values import ConnectionChanged, PayloadRejected, SensorEvent, ValueReceived
from app.ui.thread_relay import ThreadRelay

DEFAULT_BACKOFF = Backoff(initial=0.5, cap=10.0)
_STOPPED = object()  # what the joining thread sends once the hub's clients have ended


class SensorAdapter(QObject):
    """Runs a `SensorHub` over the station's sources and re-emits what it reports, in order, on the GUI
    thread. Give it the sources with `configure` (the service `station_sources` lists them), then `start`.

    Signals:
        value_received(str, object): a source's reference ("mqtt:<topic>", "modbus:<address>/<unit>/hr<n>")
            and its new SensorValue (value, unit, read_at, source_ref) — match it with ParameterSpec.sensor.
        status_changed(str, str, str): a link — "mqtt" or "modbus:<address>" — its state (a DeviceState
            value: connecting, connected, error, disconnected) and detail: the broker or server when
            connecting or connected, the sentence for people on error.
        payload_rejected(str, str, int): a source's reference, the sentence for people, and how many of its
            payloads could not be read since the hub started.
        event_received(object): every SensorEvent, for logs and tests.
        stopped(): after `stop()`, every client thread has ended.
    """

    value_received = Signal(str, object)
    status_changed = Signal(str, str, str)
    payload_rejected = Signal(str, str, int)
    event_received = Signal(object)
    stopped = Signal()

    # Emitted from client and joiner threads; queued to this object's (the GUI) thread.
    _delivered = Signal(object)

    def __init__(self, *, broker_url: str = "mqtt://127.0.0.1:1883", poll_interval: float = 1.0,
                 backoff: Backoff = DEFAULT_BACKOFF, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.broker_url = broker_url
        self.poll_interval = poll_interval
        self.backoff = backoff
        self.sources: tuple[SensorConfig, ...] = ()
        self._hub: SensorHub | None = None
        self._token: object | None = None  # marks the current hub's events; a stopped hub's are dropped
        self._joiner: threading.Thread | None = None
        self._start_when_stopped = False
        self._values: dict[str, SensorValue] = {}
        self._states: dict[str, tuple[str, str]] = {}
        self._relay = ThreadRelay(self, self._delivered, self._dispatch)

    @classmethod
    def from_settings(cls, settings: Settings, parent: QObject | None = None) -> SensorAdapter:
        """With the station's broker (`sensors.mqtt_url`) and poll interval (`sensors.modbus_poll_s`)."""
        return cls(broker_url=settings.get("sensors.mqtt_url"),
                   poll_interval=settings.get("sensors.modbus_poll_s"), parent=parent)

    @property
    def running(self) -> bool:
        return self._hub is not None

    def configure(self, sources: Iterable[SensorConfig]) -> None:
        """Replace the sources (not started); a running hub is stopped, and `start()` waits for it."""
        self.stop()
        self.sources = tuple(sources)
        self._values.clear()

    def start(self) -> None:
        """Connect to every link; if a stop is still under way, start once it is done (a serial line may
        still be held by the old client)."""
        if self._joiner is not None:
            self._start_when_stopped = True
            return
        if self._hub is not None or not self.sources:
            return
        token = object()
        self._hub = SensorHub(self.sources, lambda event: self._relay.post((token, event)),
                              broker_url=self.broker_url, poll_interval=self.poll_interval,
                              backoff=self.backoff)
        self._token = token
        self._hub.start()

    def stop(self) -> None:
        """Ask the hub to stop and return at once; `stopped` is emitted when its threads have ended."""
        self._start_when_stopped = False
        hub, token = self._hub, self._token
        if hub is None or self._joiner is not None:
            return
        self._hub = self._token = None
        self._joiner = threading.Thread(target=self._join, args=(hub, token), name="sensors-stop",
                                        daemon=True)
        self._joiner.start()

    def wait(self, timeout: float = 15.0) -> bool:
        """Block until a stop has finished (shutdown, tests); True when no client thread is left."""
        joiner = self._joiner
        if joiner is None:
            return True
        joiner.join(timeout)
        return not joiner.is_alive()

    def close(self) -> None:
        """Stop and wait: for the end of the station page or of the application."""
        self.stop()
        self.wait()

    def latest(self, source_ref: str) -> SensorValue | None:
        """The last value delivered on the GUI thread for `source_ref` (None: none since `configure`)."""
        return self._values.get(source_ref)

    def state_of(self, connection: str) -> tuple[str, str]:
        """(state, detail) of a link, "mqtt" or "modbus:<address>", as last reported."""
        return self._states.get(connection, (str(DeviceState.DISCONNECTED), ""))

    def state_of_source(self, source_ref: str) -> tuple[str, str]:
        """(state, detail) of the link a source (a ParameterSpec.sensor) is read over."""
        return self.state_of(connection_of(source_ref))

    def _join(self, hub: SensorHub, token: object) -> None:
        hub.stop()
        self._relay.post((token, _STOPPED))

    @Slot(object)
    def _dispatch(self, payload: object) -> None:
        token, event = payload  # type: ignore[misc]
        if event is _STOPPED:
            self._joiner = None
            self.stopped.emit()
            if self._start_when_stopped:
                self._start_when_stopped = False
                self.start()
            return
        if token is not self._token:
            return  # a stopped hub's last words must not pass for the current sources'
        self._deliver(event)

    def _deliver(self, event: SensorEvent) -> None:
        self.event_received.emit(event)
        if isinstance(event, ValueReceived):
            self._values[event.value.source_ref] = event.value
            self.value_received.emit(event.value.source_ref, event.value)
        elif isinstance(event, PayloadRejected):
            self.payload_rejected.emit(event.source_ref, event.reason, event.count)
        elif isinstance(event, ConnectionChanged):
            self._states[event.connection] = (str(event.state), event.detail)
            self.status_changed.emit(event.connection, str(event.state), event.detail)
