"""Incremental framers: fed chunks as they arrive, they return complete frames and hand every byte that
belongs to no frame to an `on_discard(data, reason)` callback (the owner logs it under the device's name)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple, Protocol

from app.devices.checksums import crc16_mcrf4xx

log = logging.getLogger(__name__)

Discard = Callable[[bytes, str], None]

STX, ETX = 0x02, 0x03


class Frame(NamedTuple):
    raw: bytes  # as received, delimiters and checksum included
    payload: bytes  # what the decoder reads


class Framer(Protocol):
    def feed(self, data: bytes) -> list[Frame]: ...

    def idle(self) -> list[Frame]:
        """The line went quiet (a read timed out): frames that were waiting on a doubtful prefix."""
        ...

    def pending(self) -> bytes:
        """Bytes held back, waiting for the rest of their frame."""
        ...


def log_discard(data: bytes, reason: str) -> None:
    log.warning("dropped %d bytes (%s): %s", len(data), reason, data.hex(" ").upper())


class SuffixFramer:
    """Frames ending in a terminator: CR for most scanners and gauges. With CR, an LF right after it is
    the second half of a CRLF suffix and is dropped, so one profile serves both scanner settings.
    Past `max_length` the frame is dropped up to its terminator: its tail must not pass for a frame."""

    def __init__(self, terminator: bytes = b"\r", max_length: int = 4096,
                 on_discard: Discard = log_discard) -> None:
        self._term = terminator
        self._max = max_length
        self._discard = on_discard
        self._buf = bytearray()
        self._skip_lf = False
        self._overlong = False

    def feed(self, data: bytes) -> list[Frame]:
        buf = self._buf
        buf += data
        frames: list[Frame] = []
        start = 0
        while True:
            if self._skip_lf and start < len(buf):
                self._skip_lf = False
                if buf[start] == 0x0A:
                    start += 1
            end = buf.find(self._term, start)
            if end < 0:
                break
            payload = bytes(buf[start:end])
            start = end + len(self._term)
            self._skip_lf = self._term == b"\r"
            if self._overlong:
                self._overlong = False
                self._discard(payload + self._term, "end of an overlong frame")
            elif len(payload) > self._max:
                self._discard(payload + self._term, f"frame longer than {self._max} bytes")
            elif payload:
                frames.append(Frame(payload + self._term, payload))
        del buf[:start]
        if buf and (self._overlong or len(buf) > self._max + len(self._term) - 1):
            self._discard(bytes(buf), f"frame longer than {self._max} bytes")
            buf.clear()
            self._overlong = True
        return frames

    def idle(self) -> list[Frame]:
        return []

    def pending(self) -> bytes:
        return bytes(self._buf)


class StxEtxFramer:
    """Frames between STX and ETX. Bytes outside a frame are dropped; an STX inside an open frame means
    that frame was cut short, so framing restarts there: that is how it resynchronises."""

    def __init__(self, max_length: int = 4096, on_discard: Discard = log_discard) -> None:
        self._max = max_length
        self._discard = on_discard
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        buf = self._buf
        buf += data
        frames: list[Frame] = []
        pos = 0
        while pos < len(buf):
            if buf[pos] != STX:
                stx = buf.find(STX, pos)
                end = len(buf) if stx < 0 else stx
                self._discard(bytes(buf[pos:end]), "bytes outside STX…ETX")
                pos = end
                continue
            etx = buf.find(ETX, pos + 1)
            restart = buf.find(STX, pos + 1, etx if etx >= 0 else len(buf))
            if restart >= 0:
                self._discard(bytes(buf[pos:restart]), "frame cut short by a new STX")
                pos = restart
            elif etx < 0:
                if len(buf) - pos - 1 > self._max:
                    self._discard(bytes(buf[pos:]), f"frame longer than {self._max} bytes")
                    pos = len(buf)
                break
            else:
                payload = bytes(buf[pos + 1:etx])
                if len(payload) > self._max:
                    self._discard(bytes(buf[pos:etx + 1]), f"frame longer than {self._max} bytes")
                else:
                    frames.append(Frame(bytes(buf[pos:etx + 1]), payload))
                pos = etx + 1
        del buf[:pos]
        return frames

    def idle(self) -> list[Frame]:
        return []

    def pending(self) -> bytes:
        return bytes(self._buf)


class LengthCrcFramer:
    """`Len Adr Cmd Data… CRClo CRChi` frames (CF-RU5102 / UHFReader18): Len counts the bytes after itself
    and CRC-16/MCRF4XX covers Len…Data. Any byte may look like a length, so the CRC finds frame starts:
    a candidate that fails it loses its first byte and the search goes on from the next one."""

    def __init__(self, min_length: int = 5, max_length: int = 256, on_discard: Discard = log_discard) -> None:
        self._min = min_length  # a reply carries at least Adr reCmd Status CRC CRC
        self._max = max_length
        self._discard = on_discard
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        return self._scan(quiet=False)

    def idle(self) -> list[Frame]:
        """A garbage length byte would otherwise hold good frames back until enough bytes arrive to
        disprove it; on a quiet line, skip ahead to the next complete frame whose CRC holds."""
        return self._scan(quiet=True)

    def pending(self) -> bytes:
        return bytes(self._buf)

    def _next_complete(self, start: int) -> int:
        return next((k for k in range(start, len(self._buf)) if self._complete_at(k)), -1)

    def _complete_at(self, pos: int) -> bool:
        size = self._buf[pos] + 1
        return (self._min <= size - 1 and size <= self._max and pos + size <= len(self._buf)
                and _crc_holds(self._buf[pos:pos + size]))

    def _scan(self, *, quiet: bool) -> list[Frame]:
        buf = self._buf
        frames: list[Frame] = []
        pos = 0
        dropped_from = 0
        while pos < len(buf):
            size = buf[pos] + 1
            if size - 1 < self._min or size > self._max:
                pos += 1
            elif pos + size > len(buf):
                later = self._next_complete(pos + 1) if quiet else -1
                if later < 0:
                    break
                pos = later
            elif _crc_holds(buf[pos:pos + size]):
                if dropped_from < pos:
                    self._discard(bytes(buf[dropped_from:pos]), "no frame with a valid CRC starts here")
                raw = bytes(buf[pos:pos + size])
                frames.append(Frame(raw, raw))
                pos += size
                dropped_from = pos
            else:
                pos += 1
        if dropped_from < pos:
            self._discard(bytes(buf[dropped_from:pos]), "no frame with a valid CRC starts here")
        del buf[:pos]
        return frames


def _crc_holds(frame: bytes | bytearray) -> bool:
    crc = crc16_mcrf4xx(frame[:-2])
    return frame[-2] == crc & 0xFF and frame[-1] == crc >> 8
