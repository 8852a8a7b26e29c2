"""Every built-in profile's framer and decoder under hypothesis: garbage, truncated, corrupted, overlong and
split frames. Nothing crashes, no event says anything its own bytes do not, and good frames get through."""

from __future__ import annotations

import itertools
import logging
import math
from datetime import UTC, datetime

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.devices.epc import describe_epc
from app.devices.errors import FrameRejected
from app.devices.events import DeviceEvent, Measurement
from app.devices.gauges import MahrDecoder, MitutoyoDecoder, SylvacDecoder
from app.devices.pipeline import Pipeline
from app.devices.profiles import BUILT_IN, Profile
from app.devices.scanner import ScanDecoder
from app.devices.simulators.frames import encode

SAMPLES = {
    "scanner-cr": ["]d201095011010209171726123110ABCD1234\\x1d2112345", "]C0WO-10233", "]E05901234123457",
                   "]C1hex"],
    "scanner-stx": ["]Q3400PO-2291\\x1d0109501101020917", "]d1PART 4711", "]d20109501101020918"],
    "rfid-125khz": ["0400B3BCE1", "1A00C0FFEE", "6F0012AB34"],
    "rfid-ru5102": ["3034257BF7194E4000001A85", "-", "3034257BF7194E4000001A85,E2801160600002054E3C2A5B"],
    "gauge-mitutoyo": ["01A+0000.123", "02A-0012.500", "91", "01A0.1"],
    "gauge-sylvac": ["+012.345", "-000.010<", "ERR2", "SY289", "+012.3x"],
    "gauge-mahr": ["+001.234mm", "MAHR GMBH,C1208", "-0.5um"],
}
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
PROFILES = sorted(SAMPLES)


def pipeline(profile: Profile) -> Pipeline:
    return Pipeline("fuzz", profile, monotonic=lambda: 0.0, utcnow=lambda: FIXED_TIME)


def run(profile: Profile, chunks: list[bytes]) -> list[DeviceEvent]:
    """Feed chunk by chunk, the line going quiet after each, as the reader thread does on a read timeout."""
    p = pipeline(profile)
    events = []
    for chunk in chunks:
        events += p.feed(chunk)
        events += p.idle()
    return events


def readings(events: list[DeviceEvent]) -> list[tuple[str, object]]:
    return [(e.kind, e.reading) for e in events]


def frames_of(name: str) -> list[bytes]:
    return [encode(BUILT_IN[name], spec) for spec in SAMPLES[name]]


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


def assert_true_to_its_bytes(profile: Profile, events: list[DeviceEvent]) -> None:
    """Each event's raw bytes, decoded alone, give that same event: no byte of a neighbour leaked in."""
    for event in events:
        assert (event.kind, event.reading) in readings(run(profile, [event.raw]))
        if event.kind == "measurement":
            assert math.isfinite(event.reading.value)


fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", PROFILES)
@fuzz
@given(data=st.binary(max_size=600), cuts=st.lists(st.integers(0, 600), max_size=8))
def test_garbage_never_crashes_and_every_event_is_true_to_its_bytes(name, data, cuts):
    profile = BUILT_IN[name]
    events = run(profile, split(data, cuts))
    assert_true_to_its_bytes(profile, events)


@pytest.mark.parametrize("name", PROFILES)
@fuzz
@given(picks=st.lists(st.integers(0, 9), min_size=1, max_size=6),
       cuts=st.lists(st.integers(0, 10**4), max_size=12))
def test_good_frames_split_anywhere_decode_as_if_whole(name, picks, cuts):
    profile, frames = BUILT_IN[name], frames_of(name)
    stream = b"".join(frames[i % len(frames)] for i in picks)
    assert readings(run(profile, split(stream, cuts))) == readings(run(profile, [stream]))


@pytest.mark.parametrize("name", PROFILES)
def test_every_frame_split_at_every_byte_boundary(name):
    profile = BUILT_IN[name]
    for frame in frames_of(name):
        whole = readings(run(profile, [frame]))
        for cut in range(1, len(frame)):
            assert readings(run(profile, [frame[:cut], frame[cut:]])) == whole, (frame, cut)
        assert readings(run(profile, [bytes([b]) for b in frame])) == whole


SYNC = {"cr": b"\r", "stx-etx": b"", "len-crc16": b""}  # what ends whatever garbage left open


@pytest.mark.parametrize("name", PROFILES)
@fuzz
@given(garbage=st.binary(max_size=300), picks=st.lists(st.integers(0, 9), min_size=1, max_size=4),
       cuts=st.lists(st.integers(0, 10**4), max_size=8))
def test_after_garbage_the_next_good_frames_come_through(name, garbage, picks, cuts):
    profile, frames = BUILT_IN[name], frames_of(name)
    good = b"".join(frames[i % len(frames)] for i in picks)
    expected = readings(run(profile, [good]))
    got = readings(run(profile, split(garbage + SYNC[profile.framing] + good, cuts)))
    assert got[len(got) - len(expected):] == expected


@pytest.mark.parametrize("name", PROFILES)
@fuzz
@given(pick=st.integers(0, 9), cut=st.integers(1, 10**4))
def test_a_truncated_frame_costs_only_itself(name, pick, cut):
    """A frame cut short (a glitch, a reader reset) may be refused but never mixes into the next one."""
    profile, frames = BUILT_IN[name], frames_of(name)
    frame = frames[pick % len(frames)]
    truncated = frame[:1 + cut % (len(frame) - 1)]
    follower = frames[(pick + 1) % len(frames)]
    events = run(profile, [truncated + SYNC[profile.framing] + follower])
    assert_true_to_its_bytes(profile, events)
    expected = readings(run(profile, [follower]))
    assert readings(events)[len(readings(events)) - len(expected):] == expected


@pytest.mark.parametrize("name", ["rfid-125khz", "rfid-ru5102"])
@fuzz
@given(pick=st.integers(0, 9), position=st.integers(0, 10**4), xor=st.integers(1, 255))
def test_a_corrupted_rfid_frame_never_gives_a_wrong_tag(name, pick, position, xor):
    profile, frames = BUILT_IN[name], frames_of(name)
    original = frames[pick % len(frames)]
    frame = bytearray(original)
    frame[position % len(frame)] ^= xor
    tags = [e.reading for e in run(profile, [bytes(frame)]) if e.kind == "tag"]
    assert tags in ([], [e.reading for e in run(profile, [original])])  # 'e' for 'E' is the same hex digit


@pytest.mark.parametrize("chunk", [1, 7, 10**6])
@pytest.mark.parametrize("name", PROFILES)
def test_an_overlong_frame_is_dropped_whole_and_the_next_one_decoded(name, chunk):
    profile, frames = BUILT_IN[name], frames_of(name)
    filler = b"7" * (profile.max_frame + 10)
    overlong = {"cr": filler + b"\r", "stx-etx": b"\x02" + filler + b"\x03",
                "len-crc16": b"\xff" + filler[:255]}[profile.framing]
    stream = overlong + frames[0]
    expected = readings(run(profile, [frames[0]]))
    assert readings(run(profile, [stream[i:i + chunk] for i in range(0, len(stream), chunk)])) == expected


def test_each_rejection_is_logged_with_its_raw_bytes(caplog):
    caplog.set_level(logging.WARNING, logger="app.devices")
    events = run(BUILT_IN["rfid-125khz"], [b"xy\x020400B3BCE1EB\x03"])
    assert [e.kind for e in events] == ["rejected"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("dropped 2 bytes" in m and "78 79" in m for m in messages)
    assert any("rejected frame 02 30 34 30 30" in m and "checksum EB is wrong" in m for m in messages)


@fuzz
@given(symbology=st.sampled_from(["]d2", "]C1", "]Q3", "]e0", "]E0", "]C0", "]d1"]),
       body=st.text(alphabet="0123456789\x1dAL-./", max_size=60))
def test_gs1_like_scans_are_decoded_right_or_refused(symbology, body):
    """Text close to GS1 reaches biip's corners; what passes must carry valid check digits."""
    try:
        [scan] = ScanDecoder()((symbology + body).encode())
    except FrameRejected:
        return
    for ai in {"00", "01"} & set(scan.gs1 or {}):
        key = scan.gs1[ai]
        assert int(key[-1]) == gs1_standard_check_digit(key[:-1])


@pytest.mark.parametrize("decoder", [MitutoyoDecoder(), SylvacDecoder(), MahrDecoder()])
@fuzz
@given(text=st.text(alphabet="+-. 0123456789<=>ERSYAmuinµ٣", max_size=20))
def test_gauge_like_replies_are_decoded_or_refused(decoder, text):
    try:
        readings_ = decoder(text.encode("utf-8"))
    except FrameRejected:
        return
    assert all(math.isfinite(r.value) for r in readings_ if isinstance(r, Measurement))


@fuzz
@given(epc=st.binary(max_size=62), header=st.sampled_from([b"", b"\x30", b"\x36", b"\x31", b"\x3a", b"\xe2"]))
def test_any_epc_is_an_identifier(epc, header):
    tag = describe_epc((header + epc).hex())
    assert tag.epc == (header + epc).hex().upper()
