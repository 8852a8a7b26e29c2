"""The station's sensor hub: it owns the MQTT client and the Modbus pollers of the station's equipment, each
on its own thread, keeps the latest value per source and counts what could not be read."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Self

from app.devices.events import DeviceState
from app.devices.reader import Backoff
from app.devices.sensors.config import MQTT, SensorConfig
from app.devices.sensors.modbus import ModbusPoller
from app.devices.sensors.mqtt import MqttSource
from app.devices.sensors.values import ConnectionChanged, PayloadRejected, SensorEvent, SensorValue

log = logging.getLogger(__name__)

Sink = Callable[[SensorEvent], None]


class SensorHub:
    """Reads every source in `sources`: MQTT ones through one client on `broker_url`, Modbus ones through a
    poller per link. `start()` returns at once; connecting and reconnecting happen in the clients' threads.

    Events go to `sink` on those threads, in the order each client sees them; the sink must be quick and
    thread-safe (`queue.Queue.put`; the Qt adapter emits a signal). By `event.kind`:
        value: ValueReceived — a new SensorValue; `latest(ref)` already holds it when the sink is called.
        rejected: PayloadRejected — a garbled payload or a register reply that gives no value; its reason is
            a sentence for people and `count` how many that source has had. Never raised into the caller.
        state: ConnectionChanged — a link (connection "mqtt" or "modbus:<address>") is connecting,
            connected, in error (the sentence says what to do; the client keeps reconnecting) or stopped.
    """

    def __init__(self, sources: Iterable[SensorConfig], sink: Sink | None = None, *,
                 broker_url: str = "mqtt://127.0.0.1:1883", poll_interval: float = 1.0,
                 backoff: Backoff = Backoff(initial=0.5, cap=10.0)) -> None:
        self.sources = tuple(sources)
        self._sink = sink
        self._lock = threading.Lock()
        self._latest: dict[str, SensorValue] = {}
        self._rejected: Counter[str] = Counter()
        self._states: dict[str, ConnectionChanged] = {}
        self._clients: list[MqttSource | ModbusPoller] = []
        mqtt_sources = [s for s in self.sources if s.kind == MQTT]
        if mqtt_sources:
            self._clients.append(MqttSource(broker_url, mqtt_sources, self._deliver,
                                            reconnect=(backoff.initial, backoff.cap)))
        links: dict[str, list[SensorConfig]] = defaultdict(list)
        for source in self.sources:
            if source.kind != MQTT:
                links[source.connection].append(source)
        self._clients.extend(ModbusPoller(group, self._deliver, interval=poll_interval, backoff=backoff)
                             for group in links.values())
        self._started = False

    @property
    def connections(self) -> list[str]:
        return ["mqtt" if isinstance(c, MqttSource) else c.connection for c in self._clients]

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        for client in self._clients:
            client.start()

    def stop(self) -> None:
        """Stop every client and wait for its thread (a few seconds at most: a pending request's timeout)."""
        if not self._started:
            return
        self._started = False
        for client in self._clients:
            client.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def latest(self, source_ref: str) -> SensorValue | None:
        with self._lock:
            return self._latest.get(source_ref)

    def values(self) -> dict[str, SensorValue]:
        with self._lock:
            return dict(self._latest)

    def rejected(self, source_ref: str) -> int:
        with self._lock:
            return self._rejected[source_ref]

    def state(self, connection: str) -> tuple[DeviceState, str]:
        with self._lock:
            change = self._states.get(connection)
        return (change.state, change.detail) if change else (DeviceState.DISCONNECTED, "")

    def _deliver(self, event: SensorEvent) -> None:
        with self._lock:
            if event.kind == "value":
                self._latest[event.value.source_ref] = event.value  # type: ignore[union-attr]
            elif isinstance(event, PayloadRejected):
                self._rejected[event.source_ref] += 1
                event = dataclasses.replace(event, count=self._rejected[event.source_ref])
            elif isinstance(event, ConnectionChanged):
                self._states[event.connection] = event
        if self._sink is not None:
            try:
                self._sink(event)
            except Exception:  # a faulty consumer must not stop the sensors
                log.exception("the sensor hub's sink failed on %s", event.kind)
