"""What the sensor clients report: values with their provenance, garbled payloads, connection states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from app.devices.events import DeviceState


@dataclass(frozen=True, slots=True)
class SensorValue:
    """The latest value of a source. `read_at` is the sensor's own time stamp when its payload has one,
    else when Threadline received it (UTC, timezone-aware)."""

    value: float
    unit: str | None
    read_at: datetime
    source_ref: str


@dataclass(frozen=True, slots=True)
class ValueReceived:
    kind: ClassVar[str] = "value"
    value: SensorValue


@dataclass(frozen=True, slots=True)
class PayloadRejected:
    """A payload or register reply that gives no value; `reason` is the sentence for people, `count` how
    many this source has had rejected since the hub started."""

    kind: ClassVar[str] = "rejected"
    source_ref: str
    reason: str
    count: int = 1
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    """A link's state: `connection` is "mqtt" or "modbus:<address>" (see `SensorConfig.connection`);
    `detail` is the broker or server when connecting or connected, the sentence for people on error."""

    kind: ClassVar[str] = "state"
    connection: str
    state: DeviceState
    detail: str = ""


SensorEvent = ValueReceived | PayloadRejected | ConnectionChanged
