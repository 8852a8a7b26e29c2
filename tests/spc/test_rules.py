"""Beyond-limits, Western Electric and Nelson rules: hand-built series and a naive loop as the oracle."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.spc import RULE_SETS, RULES, Limits, SpcInputError, detect, individuals, p_chart, select, violations
from app.spc.charts import ControlChart, Statistic


def unit_chart(z: list[float] | np.ndarray) -> ControlChart:
    """Points that are their own z values: centre 0, sigma 1, limits ±3."""
    return individuals(np.asarray(z, dtype=float), limits=Limits(0.0, 1.0))


def signals(chart: ControlChart, rule_id: str) -> list[tuple[int, tuple[int, ...]]]:
    return [(v.index, v.points) for v in violations(detect(chart, select(rule_id)))]


def span(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


QUIET = [0.5, -0.5, 1.5, 0.2, -1.2, -0.3, 0.8, 0.9, -0.4, 1.1, -0.6, 0.1]

HAND_BUILT = {
    "limits": ([0, 3.2, -0.5, -3.5, 2.9, 3.0], [(1, (1,)), (3, (3,))]),
    "we-2": ([0, 2.5, 1.0, 2.6, 0, -2.1, 0.5, -2.2, 0, 2.1, -2.1, 2.2], [(3, (1, 3)), (7, (5, 7)), (11, (9, 11))]),
    "we-3": ([0, 1.2, 1.3, 0.2, 1.4, 1.5, -1.2, -1.3, -0.1, -1.4, -1.5], [(5, (1, 2, 4, 5)), (10, (6, 7, 9, 10))]),
    "we-4": ([0] + [0.5] * 8 + [-0.5] + [0.5] * 7, [(8, span(1, 8))]),
    "nelson-2": ([0.5] * 10 + [-0.5] * 9 + [0.0, -0.5], [(8, span(0, 8)), (9, span(1, 9)), (18, span(10, 18))]),
    "nelson-3": ([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0],
                 [(5, span(0, 5)), (11, span(6, 11)), (12, span(7, 12))]),
    "nelson-4": ([0.0, 0.1] * 7 + [0.0, 0.0], [(13, span(0, 13)), (14, span(1, 14))]),
    "nelson-7": ([0.3] * 16 + [1.2], [(14, span(0, 14)), (15, span(1, 15))]),
    "nelson-8": ([1.2, -1.3, 1.1, -1.4, 1.5, -1.2, 1.3, -1.1, 0.2] + [1.5] * 8, [(7, span(0, 7))]),
}
HAND_BUILT["we-1"] = HAND_BUILT["nelson-1"] = HAND_BUILT["limits"]
HAND_BUILT["nelson-5"], HAND_BUILT["nelson-6"] = HAND_BUILT["we-2"], HAND_BUILT["we-3"]


@pytest.mark.parametrize("rule_id", list(RULES))
def test_each_rule_fires_exactly_where_built(rule_id):
    series, expected = HAND_BUILT[rule_id]
    assert signals(unit_chart(series), rule_id) == expected


@pytest.mark.parametrize("rule_id", list(RULES))
def test_an_ordinary_series_is_quiet(rule_id):
    assert signals(unit_chart(QUIET), rule_id) == []


def test_qcc_published_rule_cases():
    # qcc tests/testthat/test-rules.R (1-based there, 0-based here), where its semantics and ours agree.
    assert signals(unit_chart([0, 3.2, -3.5, 2.9]), "we-1") == [(1, (1,)), (2, (2,))]
    assert [i for i, _ in signals(unit_chart([0, 2.5, 1.0, 2.6, 0]), "we-2")] == [3]
    assert [i for i, _ in signals(unit_chart([0, 1.2, 1.3, 0.2, 1.4, 1.5]), "we-3")] == [5]
    assert [i for i, _ in signals(unit_chart([-1] * 8 + [1]), "we-4")] == [7]
    assert [i for i, _ in signals(unit_chart([0, 2.3, 0.4, 2.2, -2.4, -0.2, -2.5]), "nelson-5")] == [3, 6]
    assert [i for i, _ in signals(unit_chart([1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8]), "nelson-4")] == [13, 14]
    assert [i for i, _ in signals(unit_chart([*range(1, 8), 7, *range(6, 0, -1)]), "nelson-3")] == [5, 6, 12, 13]
    assert [i for i, _ in signals(unit_chart([1.2] * 8), "nelson-8")] == []


def test_a_window_cut_short_at_the_start_still_counts():
    # qcc only flags full windows, so it misses 2-of-3 when the first two points are the pattern;
    # two points beyond 2 sigma are 2 of any 3 that contain them, so they signal here.
    assert signals(unit_chart([2.5, 2.5, 0.0]), "we-2") == [(1, (0, 1))]


def test_zones_follow_per_point_limits():
    # A p chart with n = 400, 64, 400 at p = 0.2: se is 0.02, 0.05, 0.02. The outer points sit 2.5 se
    # above the centre, the middle one only 1.6 se, so 2 of 3 are beyond 2 sigma: Nelson 5 at point 2.
    chart = p_chart([100, 18, 100], [400, 64, 400], limits=Limits(0.2))
    assert chart.standardized() == pytest.approx([2.5, (18 / 64 - 0.2) / 0.05, 2.5])
    assert signals(chart, "nelson-5") == [(2, (0, 2))]
    assert signals(chart, "limits") == []


def test_rule_selection():
    assert [r.id for r in select("nelson")] == list(RULE_SETS["nelson"])
    assert [r.id for r in select(" WE ")] == ["we-1", "we-2", "we-3", "we-4"]
    assert [r.id for r in select("basic")] == ["limits"]
    assert [r.id for r in select("nelson-2, we-3")] == ["nelson-2", "we-3"]
    for bad in ("nelson-9", "", "wec"):
        with pytest.raises(SpcInputError, match="Unknown rule"):
            select(bad)
    assert all(RULES[r].name.split(":")[0] for r in RULES)
    assert RULES["nelson-2"].name == "Nelson 2: 9 points in a row on one side of the centre line"


# ---- the naive oracle: a direct reading of each rule, one point and one window at a time ----------

def _steps(p: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(p)]


RUNS: dict[str, tuple[int, Callable[[list[float], list[float]], bool]]] = {
    "we-4": (8, lambda p, z: all(v > 0 for v in z) or all(v < 0 for v in z)),
    "nelson-2": (9, lambda p, z: all(v > 0 for v in z) or all(v < 0 for v in z)),
    "nelson-3": (6, lambda p, z: all(s > 0 for s in _steps(p)) or all(s < 0 for s in _steps(p))),
    "nelson-4": (14, lambda p, z: all(a * b < 0 for a, b in itertools.pairwise(_steps(p)))),
    "nelson-7": (15, lambda p, z: all(abs(v) <= 1 for v in z)),
    "nelson-8": (8, lambda p, z: all(abs(v) > 1 for v in z) and any(v > 1 for v in z) and any(v < -1 for v in z)),
}
K_OF_M = {"we-2": (2, 3, 2.0), "nelson-5": (2, 3, 2.0), "we-3": (4, 5, 1.0), "nelson-6": (4, 5, 1.0)}


def naive(points: list[float], z: list[float], ucl: list[float], lcl: list[float],
          rule_id: str) -> list[tuple[int, tuple[int, ...]]]:
    n = len(points)
    if rule_id in ("limits", "we-1", "nelson-1"):
        return [(i, (i,)) for i in range(n) if points[i] > ucl[i] or points[i] < lcl[i]]
    found = []
    if rule_id in K_OF_M:
        k, m, zone = K_OF_M[rule_id]
        for i in range(n):
            for sign in (1, -1):
                members = tuple(j for j in range(max(0, i - m + 1), i + 1) if sign * z[j] > zone)
                if sign * z[i] > zone and len(members) >= k:
                    found.append((i, members))
        return found
    length, pattern = RUNS[rule_id]
    for i in range(length - 1, n):
        window = range(i - length + 1, i + 1)
        if pattern([points[j] for j in window], [z[j] for j in window]):
            found.append((i, tuple(window)))
    return found


# Series built from segments (flat runs, ramps, zig-zags, noise) so that long patterns actually occur;
# values on a quarter-sigma grid hit the zone boundaries, the centre line and ties exactly.
quarter = st.integers(-16, 16).map(lambda v: v / 4)
segment = st.one_of(
    st.tuples(quarter, st.integers(1, 17)).map(lambda t: [t[0]] * t[1]),
    st.tuples(quarter, st.sampled_from([-0.25, 0.25]), st.integers(2, 9)).map(
        lambda t: [t[0] + t[1] * k for k in range(t[2])]),
    st.tuples(quarter, quarter, st.integers(2, 18)).map(lambda t: [t[k % 2] for k in range(t[2])]),
    st.lists(quarter, min_size=1, max_size=6),
)
series = st.lists(segment, min_size=1, max_size=8).map(lambda parts: [v for part in parts for v in part])


@settings(max_examples=300, deadline=None, database=None)
@given(series)
def test_vectorised_rules_equal_the_naive_loop(values):
    chart = unit_chart(values)
    for rule_id in RULES:
        expected = naive(values, values, [3.0] * len(values), [-3.0] * len(values), rule_id)
        assert signals(chart, rule_id) == expected, rule_id


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(st.tuples(quarter, st.sampled_from([0.5, 1.0, 2.0, 4.0])), max_size=60))
def test_per_point_zones_equal_the_naive_loop(pairs):
    z_grid = np.array([z for z, _ in pairs], dtype=float)
    se = np.array([s for _, s in pairs], dtype=float)
    points = 10.0 + z_grid * se
    chart = ControlChart(Statistic.XBAR, points, 10.0, 10.0 + 3 * se, 10.0 - 3 * se, se, 1.0, Limits(10.0, 1.0))
    z = [(p - 10.0) / s for p, s in zip(points, se)]
    for rule_id in RULES:
        expected = naive(list(points), z, list(10.0 + 3 * se), list(10.0 - 3 * se), rule_id)
        assert signals(chart, rule_id) == expected, rule_id
