"""Keyboard-wedge scanners: telling a scanner's burst of keys from a person typing, by the gaps between
key presses alone, and decoding a finished burst like any scanner frame. Pure: timestamps in, verdicts out.

A wedge scanner types a key every ~7–16 ms with steady gaps and ends with Enter; people type at 80 ms and
more. The classifier holds each key that could start or continue a scan until it knows: a gap longer than
`max_gap_ms` (or a quiet line) means a person, and the held keys are released to be typed after all; Enter
within the gap after at least `min_length` keys means a scan, and the held keys are dropped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.devices.events import Scan
from app.devices.scanner import ScanDecoder

T = TypeVar("T")

ENTER = "\r"  # what the Qt filter passes for Return/Enter; any other key is its text, or None


@dataclass(frozen=True)
class WedgeTiming:
    """`max_gap_ms`: the longest gap between two keys of one scan (scanners: 7–16 ms, USB jitter on top).
    `min_length`: fewer characters before Enter are a person (a quick "y" + Enter is not a scan).
    `release_after_ms`: how long a held key waits for the next one on a quiet line before it is typed;
    long enough that a stalled event loop does not split a scan, short enough that nobody notices."""

    max_gap_ms: float = 35.0
    min_length: int = 4
    max_length: int = 512
    release_after_ms: int = 100

    def __post_init__(self) -> None:
        if not (0 < self.max_gap_ms < 80):
            raise ValueError(f"max_gap_ms must be above 0 and below a person's 80 ms, not {self.max_gap_ms}")
        if not (1 <= self.min_length <= self.max_length):
            raise ValueError(f"min_length must be between 1 and {self.max_length}, not {self.min_length}")
        if self.release_after_ms < self.max_gap_ms:
            raise ValueError("release_after_ms must be at least max_gap_ms")


@dataclass
class Decision(Generic[T]):
    """What to do after one key press: first type the `release`d tokens (held keys that turned out to be a
    person's), then hold this key (`hold`) or let it through; `scan` is a finished scan's text."""

    release: list[T] = field(default_factory=list)
    hold: bool = False
    scan: str | None = None


class WedgeClassifier(Generic[T]):
    """Fed every key press with its time; a token (the Qt filter's copy of the event) travels with each
    key so that the caller gets back exactly the keys to replay, in order. Key releases and other events
    that belong with held keys are `attach`ed, so they are replayed or dropped with them."""

    def __init__(self, timing: WedgeTiming = WedgeTiming()) -> None:
        self.timing = timing
        self._tokens: list[T] = []
        self._chars: list[str] = []
        self._last: float = 0.0

    @property
    def holding(self) -> bool:
        return bool(self._tokens)

    @property
    def held_text(self) -> str:
        return "".join(self._chars)

    def press(self, at_ms: float, char: str | None, token: T) -> Decision[T]:
        """`char` is the key's text, `ENTER`, or None for keys no scanner types (arrows, Ctrl+C, F2)."""
        decision: Decision[T] = Decision()
        if self._tokens:
            quick = 0 <= at_ms - self._last <= self.timing.max_gap_ms
            if quick and char == ENTER and len(self._chars) >= self.timing.min_length:
                decision.scan = self.held_text
                self._clear()
                return decision  # the Enter is the scan's suffix: swallowed with it
            if quick and char not in (None, ENTER) and len(self._chars) < self.timing.max_length:
                self._keep(at_ms, char, token)
                decision.hold = True
                return decision
            decision.release = self.flush()  # a person's keys, or not a key a scanner types
        if char not in (None, ENTER):
            self._keep(at_ms, char, token)
            decision.hold = True
        return decision

    def attach(self, token: T) -> bool:
        """Keep `token` with the held keys (a key release); False when nothing is held: let it through."""
        if not self._tokens:
            return False
        self._tokens.append(token)
        return True

    def flush(self) -> list[T]:
        """The line went quiet, or something else happened: the held keys are typing; type them."""
        tokens = self._tokens
        self._clear()
        return tokens

    def _keep(self, at_ms: float, char: str, token: T) -> None:
        self._tokens.append(token)
        self._chars.append(char)
        self._last = at_ms

    def _clear(self) -> None:
        self._tokens = []
        self._chars = []


def classify(presses: Sequence[tuple[float, str | None]], timing: WedgeTiming = WedgeTiming()
             ) -> tuple[list[str], str]:
    """Scans found in a sequence of (time, key) presses, and what was typed (with Enter as CR): the
    classifier run over a recording, for tests and for tuning thresholds from a captured log."""
    classifier: WedgeClassifier[str] = WedgeClassifier(timing)
    scans: list[str] = []
    typed: list[str] = []
    for at_ms, char in presses:
        decision = classifier.press(at_ms, char, char or "")
        typed += decision.release
        if decision.scan is not None:
            scans.append(decision.scan)
        elif not decision.hold:
            typed.append(char or "")
    typed += classifier.flush()
    return scans, "".join(typed)


class WedgeDecoder:
    """A wedge scan's text through the scanner decoder: AIM identifiers and GS1 element strings are
    checked when present; plain text (a scanner without AIM ids) passes as it is. `gs_substitute` is the
    character the scanner types for GS (FNC1), which a keyboard cannot send."""

    def __init__(self, gs_substitute: str | None = None) -> None:
        self._decode = ScanDecoder(require_aim=False, gs_substitute=gs_substitute or None)

    def __call__(self, text: str) -> Scan:
        """The scan; raises `FrameRejected` with a sentence for the operator when the content is wrong."""
        (scan,) = self._decode(text.encode("utf-8"))
        assert isinstance(scan, Scan)
        return scan
