"""Fixtures for device tests: readers and simulators that are always stopped, and waits with timeouts (the
sensor tests wait on their own events with the same EventQueue)."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

import pytest

from app.devices.events import DeviceEvent, DeviceState
from app.devices.profiles import Profile
from app.devices.reader import Backoff, DeviceReader
from app.devices.simulators import Simulator

READINGS = {"scan", "tag", "measurement", "rejected", "device_error"}
FAST = Backoff(initial=0.01, cap=0.05)  # reconnect quickly: tests wait on events, never on the clock
E = TypeVar("E")


class EventQueue(Generic[E]):
    """The queue a reader or sensor hub delivers to, with waits that fail after a timeout instead of hanging."""

    def __init__(self) -> None:
        self.queue: queue.Queue[E] = queue.Queue()
        self.seen: list[E] = []

    def put(self, event: E) -> None:
        self.queue.put(event)

    def next(self, accept: Callable[[E], bool], timeout: float = 5.0) -> E:
        while True:
            try:
                event = self.queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no matching event within {timeout} s; seen: {self.seen}") from None
            self.seen.append(event)
            if accept(event):
                return event


class Events(EventQueue[DeviceEvent]):
    """What a device reader delivered."""

    def state(self, state: DeviceState) -> DeviceEvent:
        return self.next(lambda e: e.kind == "state" and e.reading.state == state)

    def readings(self, count: int) -> list[DeviceEvent]:
        """The next `count` non-state events (readings, rejections, device errors), in order."""
        return [self.next(lambda e: e.kind in READINGS) for _ in range(count)]

    def pending_readings(self) -> list[DeviceEvent]:
        found = []
        while not self.queue.empty():
            event = self.queue.get_nowait()
            if event.kind in READINGS:
                found.append(event)
        return found


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def start_reader(events: Events) -> Iterator[Callable[..., DeviceReader]]:
    readers: list[DeviceReader] = []

    def start(profile: Profile, device: str = "bench") -> DeviceReader:
        reader = DeviceReader(device, profile, events.put, backoff=FAST)
        readers.append(reader)
        reader.start()
        return reader

    yield start
    for reader in readers:
        reader.stop()


@pytest.fixture
def simulator() -> Iterator[Callable[..., Simulator]]:
    simulators: list[Simulator] = []

    def make(profile: Profile, specs: list[str] | None = None, *, start: bool = True,
             **kwargs: float) -> Simulator:
        sim = Simulator(profile, specs, **kwargs)
        simulators.append(sim)
        return sim.start() if start else sim

    yield make
    for sim in simulators:
        sim.stop()
