"""X̄-R, X̄-S and I-MR charts on Montgomery's piston rings and viscosity data.

Published values come from the qcc 3.0 vignette (luca-scr/qcc, docs/articles/qcc.html), which prints
qcc's output for exactly these datasets. qcc 3.0 used d2 from a 3-decimal table (2.326, 1.128), so
its sigma differs from the exact-d2 sigma here by (d2 − table)/d2: 3e-5 for n = 5, 3.4e-4 for n = 2.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.spc import Limits, SpcInputError, Statistic, Subgroups, detect, individuals, select, xbar_r, xbar_s
from app.spc.constants import c4, d2, d3
from tests.spc.datasets import column, pistonrings, trial

QCC_D2_2, QCC_D2_5 = 1.128, 2.326  # the rounded table values behind qcc 3.0's printed sigmas


@pytest.fixture
def rings() -> Subgroups:
    return Subgroups.from_matrix(pistonrings())


def test_xbar_r_pistonrings_phase1_matches_qcc(rings):
    chart = xbar_r(rings, baseline=25)
    assert chart.type is Statistic.XBAR and chart.baseline == 25 and chart.excluded == ()
    assert chart.center == pytest.approx(74.00118, abs=5e-6)
    assert chart.sigma == pytest.approx(0.009785039 * QCC_D2_5 / d2(5), rel=1e-6)
    assert chart.sigma == pytest.approx(0.009785039, rel=1e-4)
    assert (chart.lcl, chart.ucl) == pytest.approx((73.98805, 74.0143), abs=1e-5)
    r = chart.secondary
    assert r is not None and r.type is Statistic.RANGE
    assert r.center == pytest.approx(0.02276, rel=1e-9)
    assert r.ucl == pytest.approx(0.04812533, rel=5e-5) and r.lcl == 0.0
    # The textbook factor D4 = 2.114 for n = 5 (3 decimals); D3 = 0 clips the lower limit.
    assert r.ucl == pytest.approx(2.114 * 0.02276, rel=5e-4)


def test_the_issue_text_figures_are_not_this_dataset(rings):
    # The issue quoted R̄ 0.02324 and UCL 74.01458; the data (and qcc) give R̄ 0.02276 and UCL 74.01430.
    chart = xbar_r(rings, baseline=25)
    assert chart.secondary is not None and chart.secondary.center != pytest.approx(0.02324, rel=1e-3)
    assert chart.ucl != pytest.approx(74.01458, abs=1e-4)


def test_xbar_s_pistonrings_phase1_matches_qcc(rings):
    chart = xbar_s(rings, baseline=25)
    s = chart.secondary
    assert s is not None and s.type is Statistic.SD
    assert s.center == pytest.approx(0.009240037, rel=1e-6)  # qcc: S̄
    assert chart.sigma == pytest.approx(0.009829977, rel=1e-6)  # qcc: S̄/c4
    assert s.ucl == pytest.approx(0.01930242, rel=1e-6) and s.lcl == 0.0
    # The textbook factors for n = 5 (3 decimals): A3 = 1.427 for the X̄ limits, B4 = 2.089 for the S UCL.
    assert (chart.lcl, chart.ucl) == pytest.approx((74.00118 - 1.427 * 0.009240037, 74.00118 + 1.427 * 0.009240037),
                                                   abs=2e-5)
    assert s.ucl == pytest.approx(2.089 * 0.009240037, rel=5e-4)


def test_variable_subgroup_sizes_give_per_point_limits_as_in_qcc():
    # qcc vignette: twelve diameters removed, leaving subgroups of 3, 4 and 5 in the first 25 samples.
    removed = np.array([9, 10, 30, 35, 45, 64, 65, 74, 75, 85, 99, 100]) - 1
    keep = np.setdiff1d(np.arange(200), removed)
    data = Subgroups.from_labels(column("pistonrings", "diameter")[keep], column("pistonrings", "sample")[keep])
    chart = xbar_r(data, baseline=25)
    assert list(data.sizes[:25]).count(3) == 4 and list(data.sizes[:25]).count(5) == 17
    assert chart.center == pytest.approx(74.00075, abs=5e-6)
    assert chart.sigma == pytest.approx(0.009856701, rel=3e-4)  # the table d2(3), d2(4) are ≤2.5e-4 off
    assert isinstance(chart.ucl, np.ndarray) and isinstance(chart.lcl, np.ndarray)
    assert (chart.lcl[0], chart.ucl[0]) == pytest.approx((73.98753, 74.01398), abs=1e-5)  # n = 5
    assert (chart.lcl[1], chart.ucl[1]) == pytest.approx((73.98368, 74.01782), abs=1e-5)  # n = 3
    # The R chart follows d2(n)σ̂ ± 3·d3(n)σ̂ per point (qcc draws one R̄ line instead).
    r = chart.secondary
    assert r is not None
    for i in range(len(data)):
        n = int(data.sizes[i])
        assert r.center[i] == pytest.approx(d2(n) * chart.sigma)
        assert r.ucl[i] == pytest.approx((d2(n) + 3 * d3(n)) * chart.sigma)


def test_variable_sizes_against_a_loop_implementation():
    rng = np.random.default_rng(11)
    groups = [rng.normal(50, 2, size) for size in rng.integers(2, 9, size=30)]
    data = Subgroups.from_labels(np.concatenate(groups), np.repeat(np.arange(30), [g.size for g in groups]))
    chart = xbar_s(data)
    grand = sum(g.sum() for g in groups) / sum(g.size for g in groups)
    sigma = sum(np.std(g, ddof=1) / c4(g.size) for g in groups) / len(groups)
    assert chart.center == pytest.approx(grand) and chart.sigma == pytest.approx(sigma)
    s = chart.secondary
    assert s is not None
    for i, g in enumerate(groups):
        assert chart.points[i] == pytest.approx(g.mean())
        assert chart.ucl[i] == pytest.approx(grand + 3 * sigma / np.sqrt(g.size))
        assert s.points[i] == pytest.approx(np.std(g, ddof=1))
        assert s.lcl[i] == pytest.approx(max(0.0, (c4(g.size) - 3 * np.sqrt(1 - c4(g.size) ** 2)) * sigma))


def test_viscosity_individuals_match_qcc():
    x = column("viscosity", "viscosity")
    chart = individuals(x, baseline=20)
    mr = chart.secondary
    assert mr is not None and mr.type is Statistic.MOVING_RANGE
    assert chart.center == pytest.approx(34.088, rel=1e-9)
    # qcc prints σ = MR̄/1.128 = 0.5076521, so MR̄ = 0.5076521 × 1.128; ours divides by the exact d2(2).
    assert mr.center == pytest.approx(0.5076521 * QCC_D2_2, rel=1e-6)
    assert chart.sigma == pytest.approx(mr.center / d2(2), rel=1e-12)
    assert (chart.lcl, chart.ucl) == pytest.approx((34.088 - 3 * chart.sigma, 34.088 + 3 * chart.sigma))
    assert (34.088 - 3 * 0.5076521, 34.088 + 3 * 0.5076521) == pytest.approx((32.56504, 35.61096), abs=1e-5)
    assert (chart.lcl, chart.ucl) == pytest.approx((32.56504, 35.61096), rel=2e-5)
    assert mr.ucl == pytest.approx(3.267 * mr.center, rel=2e-4) and mr.lcl == 0.0  # table D4 for n = 2
    assert np.isnan(mr.points[0]) and mr.points[1] == pytest.approx(abs(x[1] - x[0]))


def test_viscosity_without_batch_4_matches_qcc_and_equals_excluding_it():
    x = column("viscosity", "viscosity")
    deleted = individuals(np.delete(x, 3), baseline=19)
    assert deleted.center == pytest.approx(33.98947, abs=5e-6)
    assert deleted.secondary is not None
    assert deleted.secondary.center == pytest.approx(0.4117415 * QCC_D2_2, rel=1e-6)
    excluded = individuals(x, baseline=20, exclude=[3])
    assert excluded.excluded == (3,)
    assert (excluded.center, excluded.sigma) == pytest.approx((deleted.center, deleted.sigma))


def test_viscosity_phase1_signals_once_under_qcc_default_rules():
    # qcc tests/testthat/test-qcc.R: the 20 trial batches give exactly one violating point (rules 1 and 4).
    x = column("viscosity", "viscosity")[trial("viscosity")]
    chart = individuals(x)
    flagged = {int(i) for hits in detect(chart, select("we-1,we-4")) for i in hits.index}
    assert flagged == {3}


def test_phase2_judges_new_subgroups_against_frozen_limits(rings):
    phase1 = xbar_r(Subgroups.from_matrix(pistonrings()[:25]))
    chart = xbar_r(rings, limits=phase1.limits)
    assert chart.baseline == 0 and (chart.center, chart.ucl, chart.lcl) == (phase1.center, phase1.ucl, phase1.lcl)
    means = pistonrings().mean(axis=1)
    assert list(np.flatnonzero(chart.beyond_limits())) == [i for i, m in enumerate(means)
                                                           if m > phase1.ucl or m < phase1.lcl]
    assert list(np.flatnonzero(chart.beyond_limits())) == [36, 37, 38]
    # --phase1 25 is the same thing in one call.
    combined = xbar_r(rings, baseline=25)
    assert combined.ucl == chart.ucl and combined.baseline == 25


def test_known_standards_as_frozen_limits():
    chart = individuals([9.0, 10.0, 14.0], limits=Limits(center=10.0, sigma=1.0))
    assert (chart.center, chart.ucl, chart.lcl) == (10.0, 13.0, 7.0)
    assert list(np.flatnonzero(chart.beyond_limits())) == [2]


def test_iterating_drops_out_of_control_subgroups_until_stable(rings):
    chart = xbar_r(rings, iterate=True)
    # An independent loop: drop every subgroup beyond the X̄ or R limits, re-estimate, repeat.
    means, ranges = pistonrings().mean(axis=1), np.ptp(pistonrings(), axis=1)
    keep = np.ones(40, dtype=bool)
    while True:
        center, sigma = means[keep].mean(), ranges[keep].mean() / d2(5)
        half = 3 * sigma / np.sqrt(5)
        out = keep & ((np.abs(means - center) > half) | (ranges > (d2(5) + 3 * d3(5)) * sigma))
        if not out.any():
            break
        keep &= ~out
    assert chart.excluded == tuple(np.flatnonzero(~keep))
    assert chart.center == pytest.approx(center) and chart.sigma == pytest.approx(sigma)


@pytest.mark.parametrize(("build", "message"), [
    (lambda: xbar_r(Subgroups.of_size([1.0, 2.0, 3.0], 1)), "single value"),
    (lambda: xbar_r(Subgroups.of_size([1.0, 2.0, 3.0, 4.0], 2), baseline=1), "at least 2 points"),
    (lambda: individuals([1.0, 2.0, 3.0], exclude=[0, 1]), "once 2 are excluded"),
    (lambda: individuals([1.0, 2.0, 3.0], baseline=2, exclude=[2]), "cannot be excluded"),
    (lambda: individuals([1.0, 2.0, 3.0], baseline=5), "between 1 and 3"),
    (lambda: individuals([], baseline=None), "none"),
    (lambda: individuals([1.0, 2.0], limits=Limits(1.0)), "standard deviation"),
    (lambda: Subgroups.of_size([1.0, 2.0, 3.0], 2), "last subgroup would have 1"),
])
def test_unusable_input_is_a_sentence(build, message):
    with pytest.raises(SpcInputError, match=message):
        build()


def test_zero_spread_puts_off_centre_points_infinitely_far():
    chart = individuals([5.0, 5.0, 5.0, 5.0], limits=Limits(5.0, 0.0))
    assert list(chart.standardized()) == [0.0, 0.0, 0.0, 0.0]
    off = individuals([5.0, 6.0], limits=Limits(5.0, 0.0))
    assert list(off.standardized()) == [0.0, np.inf]
