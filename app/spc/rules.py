"""Out-of-control rules (beyond limits, Western Electric, Nelson), detected in vectorised passes.

Zone rules work on standardised points z = (x − centre)/seᵢ, so charts with per-point limits (p, u,
X̄ with unequal n) get per-point zones. "Beyond limits" compares with the drawn (clipped) limits.
Each signal is reported at the point that completes the pattern (``index``), with the points that
make it up (``points``): the whole run for run rules, the points beyond the zone for k-of-m rules.
A k-of-m window may be cut short at the start of the series (2 of the first 2 points is 2 of 3).
Runs use strict comparisons: a point exactly on the centre line, or a tie, ends a run.

Every pass is a cumulative sum over a boolean series, O(n) in numpy with no per-point Python loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np

from app.spc.charts import ControlChart
from app.spc.errors import SpcInputError


@dataclass(frozen=True)
class Series:
    """What the detectors look at: the points, their z values and where they cross the drawn limits."""

    points: np.ndarray
    z: np.ndarray
    beyond: np.ndarray

    @classmethod
    def of(cls, chart: ControlChart) -> Series:
        return cls(chart.points, chart.standardized(), chart.beyond_limits())


@dataclass(frozen=True, eq=False)
class Hits:
    """All signals of one rule: ``index[k]`` completes a pattern spanning ``start[k]`` … ``index[k]``."""

    rule: Rule
    index: np.ndarray
    start: np.ndarray
    members: np.ndarray | None = None  # for k-of-m rules: which points in a window count

    def points(self, k: int) -> tuple[int, ...]:
        span = np.arange(self.start[k], self.index[k] + 1)
        return tuple(int(i) for i in (span if self.members is None else span[self.members[span]]))


@dataclass(frozen=True)
class Violation:
    rule: str
    name: str
    index: int
    points: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    name: str
    find: Callable[[Rule, Series], list[Hits]]

    def __call__(self, series: Series) -> list[Hits]:
        return [hits for hits in self.find(self, series) if hits.index.size]


def _window_counts(flags: np.ndarray, width: int) -> np.ndarray:
    """How many of the last `width` flags (fewer at the start) are true, at every position."""
    counts = np.cumsum(flags, dtype=np.int64)
    # counts[i] − counts[i − width], in place; the right-hand slice is copied before the subtraction.
    counts[width:] -= counts[:-width].copy()
    return counts


def _runs(rule: Rule, condition: np.ndarray, length: int, span: int = 0) -> Hits:
    """Signals where `condition` held `length` times in a row; condition j spans points j … j+span."""
    end = np.flatnonzero(_window_counts(condition, length) == length)
    return Hits(rule, end + span, end - length + 1)


def _beyond_limits(rule: Rule, s: Series) -> list[Hits]:
    index = np.flatnonzero(s.beyond)
    return [Hits(rule, index, index)]


def _k_of_m(k: int, m: int, zone: float, rule: Rule, s: Series) -> list[Hits]:
    hits = []
    for out in (s.z > zone, s.z < -zone):
        index = np.flatnonzero(out & (_window_counts(out, m) >= k))
        hits.append(Hits(rule, index, np.maximum(index - m + 1, 0), out))
    return hits


def _same_side(length: int, rule: Rule, s: Series) -> list[Hits]:
    return [_runs(rule, s.z > 0, length), _runs(rule, s.z < 0, length)]


def _trend(length: int, rule: Rule, s: Series) -> list[Hits]:
    step = np.diff(s.points)
    return [_runs(rule, step > 0, length - 1, span=1), _runs(rule, step < 0, length - 1, span=1)]


def _alternating(length: int, rule: Rule, s: Series) -> list[Hits]:
    step = np.diff(s.points)
    flips = step[1:] * step[:-1] < 0  # flip j: points j, j+1, j+2 zig-zag
    return [_runs(rule, flips, length - 2, span=2)]


def _hugging(length: int, rule: Rule, s: Series) -> list[Hits]:
    return [_runs(rule, np.abs(s.z) <= 1.0, length)]


def _avoiding_centre(length: int, rule: Rule, s: Series) -> list[Hits]:
    above, below = s.z > 1.0, s.z < -1.0
    run = _runs(rule, above | below, length)
    # Only the few run ends need the "both sides" check, so count there instead of everywhere.
    total = np.cumsum(above, dtype=np.int64)
    ups = total[run.index] - total[run.start] + above[run.start]
    keep = (ups > 0) & (ups < length)  # every point is above or below, so some above and some below
    return [Hits(rule, run.index[keep], run.start[keep])]


_ALL = (
    Rule("limits", "Beyond limits: 1 point outside the control limits", _beyond_limits),
    Rule("we-1", "WE 1: 1 point outside the 3-sigma control limits", _beyond_limits),
    Rule("we-2", "WE 2: 2 of 3 points in a row beyond 2 sigma, on the same side", partial(_k_of_m, 2, 3, 2.0)),
    Rule("we-3", "WE 3: 4 of 5 points in a row beyond 1 sigma, on the same side", partial(_k_of_m, 4, 5, 1.0)),
    Rule("we-4", "WE 4: 8 points in a row on one side of the centre line", partial(_same_side, 8)),
    Rule("nelson-1", "Nelson 1: 1 point more than 3 sigma from the centre line", _beyond_limits),
    Rule("nelson-2", "Nelson 2: 9 points in a row on one side of the centre line", partial(_same_side, 9)),
    Rule("nelson-3", "Nelson 3: 6 points in a row steadily increasing or decreasing", partial(_trend, 6)),
    Rule("nelson-4", "Nelson 4: 14 points in a row alternating up and down", partial(_alternating, 14)),
    Rule("nelson-5", "Nelson 5: 2 of 3 points in a row more than 2 sigma from the centre line, same side",
          partial(_k_of_m, 2, 3, 2.0)),
    Rule("nelson-6", "Nelson 6: 4 of 5 points in a row more than 1 sigma from the centre line, same side",
          partial(_k_of_m, 4, 5, 1.0)),
    Rule("nelson-7", "Nelson 7: 15 points in a row within 1 sigma of the centre line", partial(_hugging, 15)),
    Rule("nelson-8", "Nelson 8: 8 points in a row more than 1 sigma from the centre line, on both sides",
          partial(_avoiding_centre, 8)),
)
RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
RULE_SETS: dict[str, tuple[str, ...]] = {
    "basic": ("limits",),
    "we": ("we-1", "we-2", "we-3", "we-4"),
    "nelson": tuple(f"nelson-{i}" for i in range(1, 9)),
}


def select(spec: str) -> tuple[Rule, ...]:
    """A rule set by name ("nelson", "we", "basic") or a comma-separated list of rule ids."""
    names = RULE_SETS.get(spec.strip().lower()) or tuple(p.strip().lower() for p in spec.split(",") if p.strip())
    unknown = [name for name in names if name not in RULES]
    if unknown or not names:
        raise SpcInputError(f"Unknown rule '{(unknown or [spec])[0]}': choose nelson, we or basic, or rule ids "
                            f"such as {', '.join(list(RULES)[:3])} ….")
    return tuple(RULES[name] for name in names)


def detect(chart: ControlChart, rules: Iterable[Rule]) -> list[Hits]:
    series = Series.of(chart)
    return [hits for rule in rules for hits in rule(series)]


def violations(hits: Iterable[Hits]) -> list[Violation]:
    """One `Violation` per signal, ordered by point and then by rule (the GUI and the JSON list them)."""
    found = [Violation(h.rule.id, h.rule.name, int(h.index[k]), h.points(k))
             for h in hits for k in range(h.index.size)]
    order = {rule_id: position for position, rule_id in enumerate(RULES)}
    return sorted(found, key=lambda v: (v.index, order[v.rule], v.points))
