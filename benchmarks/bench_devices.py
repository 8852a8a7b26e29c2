"""Device throughput and latency: frames decoded per second per profile (framer + decoder over one large
buffer), and the time from bytes written to a pty to the event handed over by a real reader thread.

Run: .venv/bin/python benchmarks/bench_devices.py [--frames N] [--samples N]
"""

from __future__ import annotations

import argparse
import dataclasses
import queue
import random
import statistics
import time

from app.devices.events import DeviceEvent, DeviceState
from app.devices.pipeline import Pipeline
from app.devices.profiles import BUILT_IN, Profile
from app.devices.reader import DeviceReader
from app.devices.simulators.frames import encode, random_spec
from app.devices.simulators.pty_port import PtyPair

CHUNK = 4096  # what one read of a busy port returns at most
READING = {"scanner": "scan", "rfid": "tag", "gauge": "measurement"}


def throughput(profile: Profile, frames: int) -> tuple[float, int]:
    rng = random.Random(1)
    stream = b"".join(encode(profile, random_spec(profile, rng)) for _ in range(frames))
    pipeline = Pipeline("bench", dataclasses.replace(profile, hold=0.0))  # count every frame, repeats too
    start = time.perf_counter()
    events = 0
    for offset in range(0, len(stream), CHUNK):
        events += len(pipeline.feed(stream[offset:offset + CHUNK]))
    elapsed = time.perf_counter() - start
    assert pipeline.problem_count == 0, pipeline.first_problem
    return frames / elapsed, events


def latency(profile: Profile, samples: int) -> tuple[float, float]:
    """Milliseconds from os.write on the pty master to the sink call on the reader thread."""
    arrivals: queue.Queue[tuple[float, DeviceEvent]] = queue.Queue()

    def next_event(kind: str) -> tuple[float, DeviceEvent]:
        while (arrival := arrivals.get(timeout=5))[1].kind != kind:
            pass
        return arrival

    profile = dataclasses.replace(profile, hold=0.0)
    rng = random.Random(2)
    frames = [encode(profile, random_spec(profile, rng)) for _ in range(samples)]
    delays = []
    with PtyPair() as pty, DeviceReader("bench", profile.on_port(pty.path),
                                        lambda event: arrivals.put((time.perf_counter(), event))):
        while next_event("state")[1].reading.state != DeviceState.CONNECTED:
            pass
        for frame in frames:
            sent = time.perf_counter()
            pty.write(frame)
            delays.append((next_event(READING[profile.kind])[0] - sent) * 1000)
    delays.sort()
    return statistics.median(delays), delays[int(len(delays) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20000, help="frames per profile for throughput")
    parser.add_argument("--samples", type=int, default=1000, help="frames per profile for latency")
    args = parser.parse_args()
    print(f"Throughput: {args.frames} random frames per profile, fed in {CHUNK}-byte reads")
    for name, profile in BUILT_IN.items():
        rate, events = throughput(profile, args.frames)
        print(f"  {name:<16} {rate:>10,.0f} frames/s   ({events} events)")
    print(f"Latency: pty write → event from a DeviceReader thread, {args.samples} frames each")
    for name in ("scanner-cr", "rfid-125khz", "gauge-mitutoyo"):
        median, p99 = latency(BUILT_IN[name], args.samples)
        print(f"  {name:<16} median {median:.3f} ms   p99 {p99:.3f} ms")


if __name__ == "__main__":
    main()
