"""The keyboard-wedge classifier over synthetic key timings: scanner bursts become scans, people's typing
is typed, nothing is lost, reordered or doubled; and a burst's text decodes like any scanner frame."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.devices.errors import FrameRejected
from app.devices.events import Scan
from app.devices.wedge import ENTER, WedgeClassifier, WedgeDecoder, WedgeTiming, classify


def keys(text: str, start: float, gap: float | list[float], enter: bool = True) -> list[tuple[float, str]]:
    """Presses for `text` (then Enter) starting at `start` ms, `gap` ms apart (or per-key gaps)."""
    gaps = gap if isinstance(gap, list) else [gap] * (len(text) + enter)
    presses, at = [], start
    for char, step in zip(list(text) + ([ENTER] if enter else []), gaps, strict=True):
        presses.append((at, char))
        at += step
    return presses


def test_a_scanner_burst_is_one_scan_and_nothing_is_typed():
    scans, typed = classify(keys("]C0WO-10233", 1000, 9))
    assert scans == ["]C0WO-10233"] and typed == ""


def test_jittery_scanner_gaps_within_the_limit_are_still_a_scan():
    rng = random.Random(7)
    text = "01095011010209171726123110ABCD1234"
    scans, typed = classify(keys(text, 0, [rng.uniform(7, 16) for _ in range(len(text) + 1)]))
    assert scans == [text] and typed == ""


def test_a_person_typing_is_typed_with_their_enter():
    scans, typed = classify(keys("WO-10233", 0, 110))
    assert scans == [] and typed == "WO-10233\r"


def test_a_fast_typist_with_some_short_gaps_is_still_a_person():
    # Rolled digraphs can be 30 ms apart, but not a whole word ending in a quick Enter.
    gaps = [95, 30, 120, 28, 140, 90, 85, 130]
    scans, typed = classify(keys("serial1", 0, gaps))
    assert scans == [] and typed == "serial1\r"


def test_too_short_a_burst_is_typing():
    scans, typed = classify(keys("y", 0, 10) + keys("abc", 500, 10))
    assert scans == [] and typed == "y\rabc\r"


def test_a_burst_without_enter_is_released_as_typing():
    scans, typed = classify(keys("ABCDEF", 0, 10, enter=False))
    assert scans == [] and typed == "ABCDEF"


def test_a_slow_enter_after_a_burst_is_not_a_scan():
    presses = keys("ABCDEF", 0, 10, enter=False) + [(60 + 200, ENTER)]
    scans, typed = classify(presses)
    assert scans == [] and typed == "ABCDEF\r"


def test_typing_then_a_scan_then_typing_keeps_every_key_in_place():
    presses = keys("ab", 0, 150, enter=False) + keys("]C0LOT-7", 600, 8) + keys("cd", 1200, 150)
    scans, typed = classify(presses)
    assert scans == ["]C0LOT-7"] and typed == "abcd\r"


def test_a_key_no_scanner_types_ends_the_burst_and_passes_through():
    presses = keys("ABC", 0, 10, enter=False) + [(30, None)] + keys("DEFG", 40, 10)
    scans, typed = classify(presses)
    assert scans == ["DEFG"] and typed == "ABC"


def test_an_overlong_burst_is_not_a_scan():
    timing = WedgeTiming(max_length=8)
    scans, typed = classify(keys("0123456789", 0, 10), timing)
    assert scans == [] and typed == "0123456789\r"


def test_thresholds_are_configurable():
    presses = keys("ABCD", 0, 50)
    assert classify(presses)[0] == []
    assert classify(presses, WedgeTiming(max_gap_ms=60))[0] == ["ABCD"]
    assert classify(keys("ABC", 0, 10), WedgeTiming(min_length=3))[0] == ["ABC"]


@pytest.mark.parametrize("kwargs", [{"max_gap_ms": 0}, {"max_gap_ms": 90}, {"min_length": 0},
                                    {"min_length": 9, "max_length": 8},
                                    {"max_gap_ms": 50, "release_after_ms": 40}])
def test_impossible_thresholds_are_refused(kwargs):
    with pytest.raises(ValueError):
        WedgeTiming(**kwargs)


def test_key_releases_travel_with_the_held_keys():
    classifier: WedgeClassifier[str] = WedgeClassifier()
    assert not classifier.attach("release-before")  # nothing held: let it through
    assert classifier.press(0, "A", "press-A").hold
    assert classifier.attach("release-A")
    decision = classifier.press(500, "B", "press-B")  # a person: A and its release are typed first
    assert decision.release == ["press-A", "release-A"] and decision.hold
    assert classifier.flush() == ["press-B"] and not classifier.holding


@given(st.lists(st.tuples(st.floats(0, 300), st.sampled_from(["a", "b", "7", ENTER, None])), max_size=60))
def test_every_key_is_either_typed_once_in_order_or_part_of_exactly_one_scan(steps):
    presses, at = [], 0.0
    for gap, char in steps:
        at += gap
        presses.append((at, char))
    scans, typed = classify(presses)
    # Removing each scan (and its Enter) from the key stream leaves exactly what was typed.
    stream = "".join(c or "" for _, c in presses)
    for scan in scans:
        stream = stream.replace(scan + ENTER, "", 1)
    assert stream == typed
    assert all(len(s) >= 4 and ENTER not in s for s in scans)


def test_the_decoder_reads_aim_and_gs1_and_passes_plain_text():
    decode = WedgeDecoder(gs_substitute="~")
    assert decode("]C0WO-10233") == Scan("WO-10233", "]C0")
    gs1 = decode("]d201095011010209171726123110ABCD1234~2112345")
    assert gs1.data == "01095011010209171726123110ABCD1234\x1d2112345"
    assert gs1.gs1 == {"01": "09501101020917", "17": "2026-12-31", "10": "ABCD1234", "21": "12345"}
    assert decode("SN-000123") == Scan("SN-000123")


def test_the_decoder_refuses_a_bad_check_digit_with_a_sentence():
    with pytest.raises(FrameRejected, match="check digit"):
        WedgeDecoder()("]C10109501101020918")
