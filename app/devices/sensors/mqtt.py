"""An MQTT source: one paho-mqtt client (callback API v2) subscribed to the topics of a station's equipment.
paho's network thread receives, decodes and reports; it also reconnects, and subscribes again each time."""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from app.devices.errors import DeviceError, FrameRejected
from app.devices.events import DeviceState
from app.devices.sensors.config import MQTT, SensorConfig
from app.devices.sensors.payload import parse_payload
from app.devices.sensors.values import (
    ConnectionChanged,
    PayloadRejected,
    SensorEvent,
    SensorValue,
    ValueReceived,
)

log = logging.getLogger(__name__)

Sink = Callable[[SensorEvent], None]


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None

    def describe(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def parse_broker_url(url: str) -> Broker:
    """`mqtt://[user:password@]host[:port]` (1883) or `mqtts://…` (8883, TLS)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise DeviceError(f"The MQTT broker '{url}' is not a broker address. Write it as mqtt://host:1883 "
                          "in Settings (sensors.mqtt_url).")
    tls = parts.scheme == "mqtts"
    return Broker(host=parts.hostname, port=port or (8883 if tls else 1883), tls=tls,
                  username=unquote(parts.username) if parts.username else None,
                  password=unquote(parts.password) if parts.password else None)


def close_leftover(client: mqtt.Client) -> None:
    """After `loop_stop`: a connection paho's thread opened while it was asked to stop (a reconnect racing
    the `disconnect`) is still open; a DISCONNECT sent now, with no thread running, closes it."""
    if client.socket() is not None:
        with contextlib.suppress(OSError):
            client.disconnect()


class MqttSource:
    """Subscribes to the topics of `sources` (MQTT ones) on the broker and reports, on paho's thread:
    ValueReceived for each payload that gives a value, PayloadRejected for each that does not, and
    ConnectionChanged (connection "mqtt") as the link comes and goes. A retained payload without a time
    stamp is skipped: its age is unknown, and it would pass for a fresh value."""

    def __init__(self, broker_url: str, sources: Sequence[SensorConfig], sink: Sink, *,
                 reconnect: tuple[float, float] = (0.5, 30.0), keepalive: int = 30) -> None:
        self.broker = parse_broker_url(broker_url)
        self._sink = sink
        self._topics: dict[str, list[SensorConfig]] = defaultdict(list)
        for config in sources:
            if config.kind == MQTT:
                self._topics[config.address].append(config)
        self._keepalive = keepalive
        self._lock = threading.Lock()
        self._state = ConnectionChanged("mqtt", DeviceState.DISCONNECTED)
        self._stopping = False
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2,
                                   client_id=f"threadline-{uuid.uuid4().hex[:8]}")
        self._client.reconnect_delay_set(*reconnect)  # type: ignore[arg-type]  # floats work: it sleeps
        if self.broker.username:
            self._client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            self._client.tls_set_context(ssl.create_default_context())
        self._client.on_connect = self._connected
        self._client.on_connect_fail = self._connect_failed
        self._client.on_disconnect = self._disconnected
        self._client.on_message = self._received
        self._client.on_subscribe = self._subscribed

    @property
    def topics(self) -> list[str]:
        return list(self._topics)

    @property
    def state(self) -> DeviceState:
        return self._state.state

    def start(self) -> None:
        self._set_state(DeviceState.CONNECTING, self.broker.describe())
        self._client.connect_async(self.broker.host, self.broker.port, self._keepalive)
        self._client.loop_start()  # paho's thread: it connects, retries and reconnects

    def stop(self) -> None:
        """Disconnect and end paho's thread (it notices within a second even while waiting to retry)."""
        self._stopping = True
        self._client.disconnect()
        self._client.loop_stop()
        close_leftover(self._client)
        self._set_state(DeviceState.DISCONNECTED, "stopped")

    def _connected(self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: ReasonCode,
                   _properties: Any) -> None:
        if reason.is_failure:
            self._set_state(DeviceState.ERROR, f"The MQTT broker at {self.broker.describe()} refused the "
                            f"connection ({reason}). Check the user name and password in Settings "
                            "(sensors.mqtt_url); Threadline keeps trying.")
            return
        if not self._topics:
            self._set_state(DeviceState.CONNECTED, self.broker.describe())
            return
        # Connected means values flow: that is once the broker has confirmed the subscriptions (on_subscribe).
        client.subscribe([(topic, 0) for topic in self._topics])

    def _subscribed(self, _client: mqtt.Client, _userdata: Any, _mid: int, reasons: list[ReasonCode],
                    _properties: Any) -> None:
        refused = [topic for topic, reason in zip(self._topics, reasons, strict=False) if reason.is_failure]
        if refused:
            self._set_state(DeviceState.ERROR, f"The MQTT broker at {self.broker.describe()} refused the "
                            f"subscription to {', '.join(refused)}. Ask whoever runs the broker to allow "
                            "this station to read those topics.")
            return
        self._set_state(DeviceState.CONNECTED, self.broker.describe())

    def _connect_failed(self, _client: mqtt.Client, _userdata: Any) -> None:
        self._set_state(DeviceState.ERROR, f"The MQTT broker at {self.broker.describe()} cannot be reached. "
                        "Check that it runs and that this PC's network is up; Threadline keeps trying.")

    def _disconnected(self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: ReasonCode,
                      _properties: Any) -> None:
        if self._stopping:
            return
        self._set_state(DeviceState.ERROR, f"The connection to the MQTT broker at {self.broker.describe()} "
                        f"was lost ({reason}). Threadline reconnects by itself; until then no sensor values "
                        "arrive.")

    def _received(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        received_at = datetime.now(UTC)
        for config in self._topics.get(message.topic, ()):
            try:
                payload = parse_payload(message.payload)
            except FrameRejected as exc:
                self._emit(PayloadRejected(config.ref, f"{config.label} on {message.topic}: {exc} Check what "
                                           "the sensor gateway publishes there.", raw=bytes(message.payload)))
                continue
            if message.retain and payload.ts is None:
                log.info("%s: retained payload without a time stamp skipped", message.topic)
                continue
            read_at = payload.ts.astimezone(UTC) if payload.ts else received_at
            self._emit(ValueReceived(SensorValue(payload.value, payload.unit or config.unit, read_at,
                                                 config.ref)))

    def _set_state(self, state: DeviceState, detail: str) -> None:
        change = ConnectionChanged("mqtt", state, detail)
        with self._lock:
            if change == self._state:
                return
            self._state = change
        if state is DeviceState.ERROR:
            log.warning("%s", detail)
        self._emit(change)

    def _emit(self, event: SensorEvent) -> None:
        try:
            self._sink(event)
        except Exception:  # a faulty consumer must not stop the values of the others
            log.exception("the sensor event sink failed on %s", event.kind)
