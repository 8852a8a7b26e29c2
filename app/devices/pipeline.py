"""Bytes in, events out for one device: framer → decoder → tag de-duplication. Pure but for the clocks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from app.devices.dedup import TagPresence
from app.devices.errors import FrameRejected
from app.devices.events import DeviceEvent, Rejected, Tag
from app.devices.framing import Frame
from app.devices.profiles import Profile

log = logging.getLogger(__name__)


class Pipeline:
    """Every dropped byte and refused frame is logged with its hex under the device's name; the first
    problem and their count are kept for a caller that must explain bad input (the `decode` command)."""

    def __init__(self, device: str, profile: Profile, *, monotonic: Callable[[], float] = time.monotonic,
                 utcnow: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.device = device
        self.profile = profile
        self.first_problem: str | None = None
        self.problem_count = 0
        self._monotonic = monotonic
        self._utcnow = utcnow
        self._decode = profile.make_decoder()
        self._presence = TagPresence(profile.hold)
        self._framer = profile.make_framer(self._on_discard)

    def feed(self, data: bytes) -> list[DeviceEvent]:
        return self._events(self._framer.feed(data))

    def idle(self) -> list[DeviceEvent]:
        return self._events(self._framer.idle())

    def pending(self) -> bytes:
        return self._framer.pending()

    def reset(self) -> None:
        """After a reconnect: half a frame from before the unplug must not join the bytes after it.
        Tag presence survives, so a tag still lying on the reader is not reported twice."""
        self._framer = self.profile.make_framer(self._on_discard)

    def _events(self, frames: list[Frame]) -> list[DeviceEvent]:
        events = []
        for frame in frames:
            at = self._utcnow()
            try:
                readings = self._decode(frame.payload)
            except FrameRejected as exc:
                log.warning("%s: rejected frame %s: %s", self.device, frame.raw.hex(" ").upper(), exc)
                self._problem(str(exc))
                events.append(DeviceEvent(self.device, at, frame.raw, Rejected(str(exc))))
                continue
            now = self._monotonic()
            events.extend(DeviceEvent(self.device, at, frame.raw, reading) for reading in readings
                          if not isinstance(reading, Tag) or self._presence.is_new(reading.epc, now))
        return events

    def _on_discard(self, data: bytes, reason: str) -> None:
        level = logging.DEBUG if not data.strip() else logging.WARNING  # stray CR/LF between frames is normal
        log.log(level, "%s: dropped %d bytes (%s): %s", self.device, len(data), reason, data.hex(" ").upper())
        if data.strip():
            self._problem(f"{reason}: {data.hex(' ').upper()}")

    def _problem(self, text: str) -> None:
        self.problem_count += 1
        if self.first_problem is None:
            self.first_problem = text
