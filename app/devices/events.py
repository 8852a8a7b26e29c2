"""What readers report: decoded readings, wrapped in events that carry device id, UTC time and raw bytes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar


class DeviceState(StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Scan:
    """A barcode. `gs1` maps AI → value (dates as ISO dates) for GS1 symbologies, else None."""

    kind: ClassVar[str] = "scan"
    data: str
    symbology: str | None = None
    gs1: dict[str, str] | None = None

    @property
    def lookup_text(self) -> str:
        """What to look the scan up by: a GS1 message keeps its symbology identifier, because without it
        a message such as `240…<GS>21…` cannot be told from a plain code."""
        return f"{self.symbology}{self.data}" if self.gs1 is not None and self.symbology else self.data


@dataclass(frozen=True, slots=True)
class Tag:
    """An RFID tag. `epc` is the identifier in upper-case hex (the 5-byte ID of a 125 kHz tag);
    `uri`, `gtin` and `serial` are set when the EPC is a GS1 encoding."""

    kind: ClassVar[str] = "tag"
    epc: str
    uri: str | None = None
    gtin: str | None = None
    serial: str | None = None


@dataclass(frozen=True, slots=True)
class Measurement:
    """A gauge reading. `tolerance` is "below", "within" or "above" when the gauge judges it."""

    kind: ClassVar[str] = "measurement"
    value: float
    unit: str
    tolerance: str | None = None
    channel: int | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A complete frame that was refused; `reason` is the sentence the operator sees."""

    kind: ClassVar[str] = "rejected"
    reason: str


@dataclass(frozen=True, slots=True)
class DeviceFault:
    """The device reported an error, or its port failed; `message` is for the operator."""

    kind: ClassVar[str] = "device_error"
    message: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class StateChange:
    kind: ClassVar[str] = "state"
    state: DeviceState
    detail: str = ""


Reading = Scan | Tag | Measurement | Rejected | DeviceFault | StateChange


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """One thing a device did. `raw` holds the frame's bytes as received (empty for state changes)."""

    device: str
    at: datetime
    raw: bytes
    reading: Reading

    @property
    def kind(self) -> str:
        return self.reading.kind

    def to_json(self) -> dict[str, object]:
        """A flat dict for JSON lines: kind, the reading's fields (None left out), device, at, raw hex."""
        fields = {k: v for k, v in dataclasses.asdict(self.reading).items() if v is not None}
        return {"kind": self.kind, **fields, "device": self.device, "at": self.at.isoformat(),
                "raw": self.raw.hex().upper()}
