"""Pure decoding of sensor data: MQTT payloads (a bare number, or JSON with value, unit and time stamp) and
Modbus registers (int16, uint16, float32 with scale), each failure a sentence that says what was wrong."""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.devices.errors import FrameRejected

MAX_PAYLOAD = 1024  # a sensor value is a few dozen bytes; anything this long is not one
_EXAMPLE = '{"value": 2950, "unit": "rpm", "ts": "2026-03-01T10:15:00Z"}'


@dataclass(frozen=True)
class Payload:
    value: float
    unit: str | None = None
    ts: datetime | None = None  # the sensor's time stamp, if it sent one


def parse_payload(data: bytes) -> Payload:
    """`2950`, `2950.5` or JSON like `{"value": 2950, "unit": "rpm", "ts": "…Z"}`; FrameRejected else."""
    if len(data) > MAX_PAYLOAD:
        raise FrameRejected(f"The payload is {len(data)} bytes long, too long for one value.")
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise FrameRejected(f"The payload ({data[:16].hex(' ').upper()}…) is not text.") from None
    if not text:
        raise FrameRejected("The payload is empty.")
    try:
        bare = float(text)
    except ValueError:
        bare = None
    if bare is not None:
        return Payload(_finite(bare, text))
    try:
        document = json.loads(text)
    except ValueError:
        raise FrameRejected(f"'{_preview(text)}' is neither a number nor JSON like {_EXAMPLE}.") from None
    if not isinstance(document, dict) or "value" not in document:
        raise FrameRejected(f"'{_preview(text)}' has no \"value\"; expected a number or JSON like "
                            f"{_EXAMPLE}.")
    return Payload(_number(document["value"]), _unit(document.get("unit")), _timestamp(document.get("ts")))


def _finite(value: float, text: str) -> float:
    if not math.isfinite(value):
        raise FrameRejected(f"'{_preview(text)}' is not a measured value.")
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FrameRejected(f"\"value\" is {json.dumps(value)}, not a number.")
    try:
        number = float(value)
    except ValueError:
        raise FrameRejected(f"\"value\" is \"{_preview(str(value))}\", not a number.") from None
    return _finite(number, str(value))


def _unit(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > 16:
        raise FrameRejected(f"\"unit\" is {_preview(json.dumps(value))}, not a unit symbol like \"rpm\".")
    return value.strip() or None


def _timestamp(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FrameRejected(f"\"ts\" is {_preview(json.dumps(value))}, not an ISO-8601 time like "
                            "\"2026-03-01T10:15:00Z\".")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FrameRejected(f"\"ts\" is \"{_preview(value)}\", not an ISO-8601 time like "
                            "\"2026-03-01T10:15:00Z\".") from None
    if moment.tzinfo is None:
        raise FrameRejected(f"\"ts\" \"{_preview(value)}\" has no time zone: its moment is unknown. Send UTC "
                            "with a Z or an offset.")
    return moment


def _preview(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


_FORMATS = {"int16": (">h", 1), "uint16": (">H", 1), "float32": (">f", 2)}


def register_count(data_type: str) -> int:
    return _FORMATS[data_type][1]


def decode_registers(registers: Sequence[int], data_type: str, *, scale: float = 1.0,
                     word_swap: bool = False) -> float:
    """The value of 16-bit registers as the device sends them: big-endian words, the high word first
    unless `word_swap` (a common vendor variant for float32). Rounded to the digits the type carries, so
    that a controller's 10634 × 0.1 reads 1063.4, not 1063.4000000000001."""
    fmt, count = _FORMATS[data_type]
    if len(registers) != count:
        raise FrameRejected(f"The reply holds {len(registers)} registers; a {data_type} takes {count}.")
    words = list(reversed(registers)) if word_swap else list(registers)
    raw = struct.unpack(fmt, b"".join(word.to_bytes(2, "big") for word in words))[0]
    if not math.isfinite(raw):
        raise FrameRejected(f"The registers {' '.join(f'{w:04X}' for w in registers)} hold no number "
                            f"({raw} as {data_type}): the device reports no valid measurement.")
    if data_type == "float32":
        raw = float(f"{raw:.7g}")  # a float32 carries ~7 digits: 1063.4 arrives as 1063.4000244140625
    return float(f"{raw * scale:.10g}")


def encode_registers(value: float, data_type: str, *, scale: float = 1.0, word_swap: bool = False
                     ) -> list[int]:
    """The registers a device would hold for `value` (what the simulator serves); the inverse of
    `decode_registers`. Integers are rounded; ValueError when they do not fit their type."""
    fmt, _ = _FORMATS[data_type]
    raw: float | int = value / scale
    if data_type != "float32":
        raw = round(raw)
    try:
        data = struct.pack(fmt, raw)
    except struct.error:
        raise ValueError(f"{value:g} does not fit a {data_type} register at scale {scale:g}.") from None
    words = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
    return list(reversed(words)) if word_swap else words
