"""p, np, c and u charts on Montgomery's orange juice, circuit board, PC and dyed cloth data.

Published values: the qcc 3.0 vignette (luca-scr/qcc, docs/articles/qcc.html) prints centre, standard
deviation and limits for each of these, and the revised limits once the samples with assignable causes
are left out (15 and 23 of the orange juice data, 6 and 20 of the circuit boards).
"""

from __future__ import annotations

import numpy as np
import pytest

from app.spc import Limits, SpcInputError, Statistic, c_chart, detect, np_chart, p_chart, select, u_chart
from tests.spc.datasets import column, trial


def orangejuice() -> tuple[np.ndarray, np.ndarray]:
    return column("orangejuice", "D"), column("orangejuice", "size")


def test_p_chart_orangejuice_phase1_matches_qcc():
    chart = p_chart(*orangejuice(), baseline=30)
    assert chart.type is Statistic.P and chart.baseline == 30
    assert chart.center == pytest.approx(0.2313333, rel=1e-6)
    assert chart.sigma == pytest.approx(0.421685, rel=1e-6)
    assert (chart.lcl, chart.ucl) == pytest.approx((0.05242755, 0.4102391), rel=1e-6)
    assert list(np.flatnonzero(chart.beyond_limits()[:30])) == [14, 22]  # samples 15 and 23


def test_p_chart_orangejuice_revised_without_samples_15_and_23():
    chart = p_chart(*orangejuice(), baseline=30, exclude=[14, 22])
    assert chart.excluded == (14, 22)
    assert chart.center == pytest.approx(0.215, rel=1e-9)
    assert chart.sigma == pytest.approx(0.4108223, rel=1e-6)
    assert (chart.lcl, chart.ucl) == pytest.approx((0.04070284, 0.3892972), rel=1e-6)


def test_p_chart_after_the_adjustment_clips_the_lower_limit_at_zero():
    d, n = column("orangejuice2", "D"), column("orangejuice2", "size")
    chart = p_chart(d, n, baseline=int(trial("orangejuice2").sum()))
    assert chart.center == pytest.approx(0.1108333, rel=1e-6)
    assert chart.ucl == pytest.approx(0.2440207, rel=1e-6) and chart.lcl == 0.0


def test_np_chart_orangejuice_matches_qcc():
    chart = np_chart(*orangejuice(), baseline=30)
    assert chart.limits.center == pytest.approx(0.2313333, rel=1e-6)  # p̄ is what phase II needs
    assert chart.center == pytest.approx(11.56667, rel=1e-6)
    assert chart.sigma == pytest.approx(2.981763, rel=1e-6)
    assert (chart.lcl, chart.ucl) == pytest.approx((2.621377, 20.51196), rel=1e-6)


def test_c_chart_circuit_matches_qcc_and_iterating_finds_the_textbook_revision():
    x = column("circuit", "x")
    chart = c_chart(x, baseline=26)
    assert chart.center == pytest.approx(19.84615, rel=1e-6) and chart.sigma == pytest.approx(4.454902, rel=1e-6)
    assert (chart.lcl, chart.ucl) == pytest.approx((6.481447, 33.21086), rel=1e-6)
    revised = c_chart(x, baseline=26, exclude=[5, 19])
    assert revised.center == pytest.approx(19.66667, rel=1e-6)
    assert revised.sigma == pytest.approx(4.434712, rel=1e-6)
    assert (revised.lcl, revised.ucl) == pytest.approx((6.362532, 32.9708), rel=1e-6)
    iterated = c_chart(x, baseline=26, iterate=True)
    assert iterated.excluded == (5, 19) and iterated.ucl == revised.ucl


def test_u_chart_circuit_revised_matches_qcc():
    keep = np.setdiff1d(np.flatnonzero(trial("circuit")), [5, 19])
    chart = u_chart(column("circuit", "x")[keep], column("circuit", "size")[keep])
    assert chart.center == pytest.approx(0.1966667, rel=1e-6) and chart.sigma == pytest.approx(0.4434712, rel=1e-6)
    assert (chart.lcl, chart.ucl) == pytest.approx((0.06362532, 0.329708), rel=1e-6)


def test_u_chart_circuit_with_new_data_signals_once_under_qcc_default_rules():
    # qcc tests/testthat/test-qcc.R: samples 6 and 20 deleted, trial rows as phase I, the 20 new samples
    # judged; exactly one point violates rules 1 and 4.
    rows = np.setdiff1d(np.arange(46), [5, 19])
    chart = u_chart(column("circuit", "x")[rows], column("circuit", "size")[rows],
                    baseline=int(trial("circuit")[rows].sum()))
    flagged = {int(i) for hits in detect(chart, select("we-1,we-4")) for i in hits.index}
    assert len(flagged) == 1


def test_u_chart_pcmanufact_matches_qcc():
    chart = u_chart(column("pcmanufact", "x"), column("pcmanufact", "size"))
    assert chart.center == pytest.approx(1.93, rel=1e-9) and chart.sigma == pytest.approx(1.389244, rel=1e-6)
    assert (chart.lcl, chart.ucl) == pytest.approx((0.06613305, 3.793867), rel=1e-6)


def test_u_chart_dyedcloth_has_per_point_limits():
    # No printed per-point values were found to cite, so this checks against the textbook formula
    # ū ± 3·√(ū/nᵢ), evaluated point by point.
    x, n = column("dyedcloth", "x"), column("dyedcloth", "size")
    chart = u_chart(x, n)
    ubar = x.sum() / n.sum()
    assert chart.center == pytest.approx(153 / 107.5)
    assert isinstance(chart.ucl, np.ndarray) and isinstance(chart.se, np.ndarray)
    for i in range(x.size):
        half = 3 * (ubar / n[i]) ** 0.5
        assert chart.points[i] == pytest.approx(x[i] / n[i])
        assert chart.ucl[i] == pytest.approx(ubar + half) and chart.lcl[i] == pytest.approx(max(0.0, ubar - half))


def test_p_chart_with_varying_sizes_against_a_loop():
    d, n = np.array([3, 7, 2, 9, 4]), np.array([40, 80, 25, 100, 50])
    chart = p_chart(d, n)
    pbar = d.sum() / n.sum()
    for i in range(5):
        se = (pbar * (1 - pbar) / n[i]) ** 0.5
        assert chart.ucl[i] == pytest.approx(min(1.0, pbar + 3 * se))
        assert chart.lcl[i] == pytest.approx(max(0.0, pbar - 3 * se))
        assert chart.standardized()[i] == pytest.approx((d[i] / n[i] - pbar) / se)


def test_phase2_attribute_limits_from_a_known_fraction():
    chart = p_chart([1, 12], [50, 50], limits=Limits(0.1))
    assert chart.baseline == 0 and chart.center == 0.1
    assert list(np.flatnonzero(chart.beyond_limits())) == [1]
    assert p_chart([49], [50], limits=Limits(0.9)).ucl == 1.0  # never above the natural bound


@pytest.mark.parametrize(("build", "message"), [
    (lambda: np_chart([1, 2], [50, 60]), "use a p chart"),
    (lambda: c_chart([1, 2], [1, 2]), "use a u chart"),
    (lambda: p_chart([1, 60], [50, 50]), "Point 1 has more nonconforming"),
    (lambda: u_chart([1, -2], [5, 5]), "Point 1 has a negative count"),
    (lambda: u_chart([1, 2], [5, 0]), "not positive"),
    (lambda: u_chart([1, 2], [5]), "one sample size per count"),
])
def test_unusable_counts_are_refused(build, message):
    with pytest.raises(SpcInputError, match=message):
        build()
