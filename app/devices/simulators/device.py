"""A simulated device on a pty: it pushes frames on a timer, or answers the app's requests."""

from __future__ import annotations

import itertools
import logging
import random
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Self

from app.devices.framing import Framer, LengthCrcFramer, SuffixFramer
from app.devices.profiles import Profile
from app.devices.rfid import RU5102_INVENTORY
from app.devices.simulators.frames import encode, random_spec
from app.devices.simulators.pty_port import PtyPair
from app.devices.worker import ThreadWorker

log = logging.getLogger(__name__)

# What a gauge says about itself: the Millimar in answer to ID?, a Sylvac at power-on.
_IDENTITY = {"mahr": "MAHR GMBH,C1208", "sylvac": "SY289 OPTO-RS"}


def read_script(path: Path) -> list[str]:
    """Frame specs, one per line; blank lines and lines starting with # are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


class Simulator(ThreadWorker):
    """Open a pty and behave like a device of `profile` on it; `path` is the port to configure.

    Devices that send by themselves (no request in the profile) send the next spec every `interval`
    seconds. Polled devices answer each request with the next spec (RU5102 inventory, `?` of Sylvac and
    Mahr; `ID?` gets the identity) and, once a script is used up, keep answering with its last line, the
    way a gauge keeps showing its last value and a tag keeps lying on the reader. Without `specs`, frames
    are random. A Sylvac sends its power-on banner first.
    """

    def __init__(self, profile: Profile, specs: Iterable[str] | None = None, *, interval: float = 1.0,
                 seed: int | None = None) -> None:
        super().__init__(f"simulator-{profile.name}")
        self.profile = profile
        self.interval = interval
        self.polled = profile.request is not None
        rng = random.Random(seed)
        self._specs: Iterator[str] = iter(specs) if specs is not None else (
            random_spec(profile, rng) for _ in itertools.count())
        self._last: str | None = None
        self._pty = PtyPair()
        self.path = self._pty.path

    def start(self) -> Self:
        if self.profile.decoder == "sylvac":
            self.send(_IDENTITY["sylvac"])
        super().start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread and close the pty: for the app that is an unplug."""
        super().stop(timeout)
        self._pty.close()

    unplug = stop

    def send(self, spec: str) -> None:
        """Send one frame now, whatever the script says next."""
        self._pty.write(encode(self.profile, spec))

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _next_spec(self) -> str | None:
        self._last = next(self._specs, self._last if self.polled else None)
        return self._last

    def _run(self) -> None:
        requests = self._request_framer()
        next_push = time.monotonic() + self.interval
        while not self._stopping.is_set():
            wait = 0.05 if self.polled else max(0.0, min(0.05, next_push - time.monotonic()))
            data = self._pty.read(wait)
            if self.polled:
                for frame in requests.feed(data):
                    self._answer(frame.payload)
            elif time.monotonic() >= next_push:
                next_push += self.interval
                if (spec := self._next_spec()) is not None:
                    self.send(spec)

    def _request_framer(self) -> Framer:
        if self.profile.decoder == "ru5102":
            return LengthCrcFramer(min_length=4)  # the app's commands are shorter than replies
        return SuffixFramer(b"\r", max_length=64)

    def _answer(self, request: bytes) -> None:
        if self.profile.decoder == "ru5102" and request[2] != RU5102_INVENTORY:
            log.info("simulated RU5102 ignores command 0x%02X", request[2])
        elif request.strip() == b"ID?" and self.profile.decoder in _IDENTITY:
            self.send(_IDENTITY[self.profile.decoder])
        elif self.profile.decoder == "ru5102" or request.strip() == b"?":
            if (spec := self._next_spec()) is not None:
                self.send(spec)
        else:
            log.info("simulated %s ignores request %r", self.profile.name, request)
