"""A simulated IIoT gateway: it publishes process values to an MQTT broker, on a timer around a nominal
value, or one value (or any bytes) when a test says so."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Self

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from app.devices.errors import DeviceError
from app.devices.sensors.mqtt import close_leftover, parse_broker_url
from app.devices.worker import ThreadWorker


@dataclass(frozen=True)
class Signal:
    """A value the gateway publishes on `topic`: `nominal` ± normal noise of `spread`, rounded."""

    topic: str
    nominal: float
    spread: float = 0.0
    unit: str | None = None
    decimals: int = 2

    def sample(self, rng: random.Random) -> float:
        return round(rng.gauss(self.nominal, self.spread) if self.spread else self.nominal, self.decimals)


def parse_signal(spec: str) -> Signal:
    """`TOPIC=VALUE[:SPREAD[:UNIT]]`, e.g. `plant/LTH-01/spindle_speed=2950:10:rpm`."""
    topic, sep, rest = spec.partition("=")
    parts = rest.split(":", 2)
    try:
        if not sep or not topic.strip():
            raise ValueError
        nominal = float(parts[0])
        spread = float(parts[1]) if len(parts) > 1 and parts[1] else 0.0
    except ValueError:
        raise DeviceError(f"'{spec}' is not a signal: write TOPIC=VALUE[:SPREAD[:UNIT]], e.g. "
                          "plant/LTH-01/spindle_speed=2950:10:rpm.") from None
    unit = parts[2].strip() if len(parts) > 2 and parts[2].strip() else None
    return Signal(topic.strip(), nominal, spread, unit)


class MqttPublisher(ThreadWorker):
    """Connects to `broker_url` and, once started, publishes every signal every `interval` seconds as JSON
    `{"value", "unit", "ts"}` (or as a bare number with `bare=True`). `publish` and `publish_raw` send one
    message now and wait until the broker has it, so a test can wait for its effect."""

    def __init__(self, broker_url: str, signals: Iterable[Signal] = (), *, interval: float = 1.0,
                 bare: bool = False, seed: int | None = None) -> None:
        super().__init__("mqtt-simulator")
        self.broker = parse_broker_url(broker_url)
        self.signals = tuple(signals)
        self.interval = interval
        self.bare = bare
        self.published = 0
        self._rng = random.Random(seed)
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"tl-sim-{uuid.uuid4().hex[:8]}")
        if self.broker.username:
            self._client.username_pw_set(self.broker.username, self.broker.password)

    def start(self) -> Self:
        try:
            self._client.connect(self.broker.host, self.broker.port, keepalive=30)
        except OSError as exc:
            raise DeviceError(f"The MQTT broker at {self.broker.describe()} cannot be reached ({exc}). Start "
                              "it, or give another with --broker.") from None
        self._client.loop_start()
        if self.signals:
            super().start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        super().stop(timeout)
        self._client.disconnect()
        self._client.loop_stop()
        close_leftover(self._client)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def publish(self, topic: str, value: float, *, unit: str | None = None, ts: datetime | None | bool = True,
                retain: bool = False) -> bytes:
        """Publish one value: JSON with `unit` and `ts` (True: now; False: none; or the time given), or a
        bare number when the publisher is `bare`. Returns the payload sent."""
        if self.bare:
            payload = format(value, "g").encode()
        else:
            document: dict[str, object] = {"value": value}
            if unit is not None:
                document["unit"] = unit
            if ts is not False:
                moment = datetime.now(UTC) if ts is True or ts is None else ts
                document["ts"] = moment.isoformat().replace("+00:00", "Z")
            payload = json.dumps(document, ensure_ascii=False).encode()
        self.publish_raw(topic, payload, retain=retain)
        return payload

    def publish_raw(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(5.0)
        if not info.is_published():
            raise DeviceError(f"The MQTT broker at {self.broker.describe()} did not take the message on "
                              f"{topic}. Check that it is running.")
        self.published += 1

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            for signal in self.signals:
                try:
                    self.publish(signal.topic, signal.sample(self._rng), unit=signal.unit)
                except (DeviceError, RuntimeError):
                    pass  # the broker went away: paho reconnects, the next round publishes again
