"""Capability indices, intervals and the normality check against qcc, nortest and direct formulas.

Published: qcc 3.0 vignette, processCapability() on the first 25 piston-ring samples (printed to 2 or 3
decimals; tolerance: half the last printed digit plus 5e-5 relative for qcc's 3-decimal d2 table);
nortest::ad.test documentation examples.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from app.spc import SpcInputError, Subgroups, WithinSigma, capability
from app.spc.capability import ad_p_value, anderson_darling
from app.spc.constants import c4, d2
from tests.spc.datasets import pistonrings


@pytest.fixture
def rings() -> Subgroups:
    return Subgroups.from_matrix(pistonrings()[:25])


@pytest.mark.parametrize(("lsl", "usl", "target", "qcc"), [
    (73.95, 74.05, None, {"cp": (1.70, 1.49, 1.91), "cpl": (1.74,), "cpu": (1.66,), "cpk": (1.66, 1.45, 1.88),
                          "cpm": (1.69, 1.48, 1.90)}),
    (73.95, 74.05, 74.02, {"cp": (1.703, 1.491, 1.915), "cpl": (1.743,), "cpu": (1.663,),
                           "cpk": (1.663, 1.448, 1.878), "cpm": (0.786,)}),
    (73.99, 74.01, None, {"cp": (0.341, 0.298, 0.383), "cpl": (0.381,), "cpu": (0.301,),
                          "cpk": (0.301, 0.231, 0.370), "cpm": (0.338, 0.296, 0.380)}),
    (73.99, 74.1, None, {"cp": (1.874, 1.641, 2.106), "cpl": (0.381,), "cpu": (3.367,),
                         "cpk": (0.381, 0.305, 0.456), "cpm": (0.408,)}),
])
def test_pistonrings_matches_qcc(rings, lsl, usl, target, qcc):
    result = capability(rings, lsl=lsl, usl=usl, target=target)
    assert result.n == 125 and result.within_method is WithinSigma.RANGE
    assert result.sigma_within == pytest.approx(0.009785039, rel=1e-4)
    for name, (value, *interval) in qcc.items():
        half_digit = 10 ** -len(str(value).split(".")[1]) / 2
        assert getattr(result, name) == pytest.approx(value, abs=half_digit + 5e-5 * value), name
        if interval:
            computed = (result.intervals[name].low, result.intervals[name].high)
            for published, ours in zip(interval, computed, strict=True):
                assert ours == pytest.approx(published, abs=half_digit + 5e-5 * published), name
    # The issue text's "Cp ≈ 1.68" is not what the data give: 0.1/(6 × 0.009785) = 1.703.
    assert result.cp != pytest.approx(1.68, abs=0.01)


def test_overall_indices_and_intervals_by_direct_formulas(rings):
    result = capability(rings, lsl=73.95, usl=74.05)
    x = pistonrings()[:25].ravel()
    s, n, mean = np.std(x, ddof=1), x.size, x.mean()
    assert result.sigma_overall == pytest.approx(0.010069968, rel=1e-6)
    assert result.pp == pytest.approx(0.1 / (6 * s)) and result.ppk == pytest.approx((74.05 - mean) / (3 * s))
    chi = stats.chi2.ppf([0.025, 0.975], n - 1)
    assert (result.intervals["pp"].low, result.intervals["pp"].high) == pytest.approx(
        tuple(result.pp * np.sqrt(chi / (n - 1))))
    half = 1.959964 * np.sqrt(1 / (9 * n) + result.ppk**2 / (2 * (n - 1)))
    assert (result.intervals["ppk"].low, result.intervals["ppk"].high) == pytest.approx(
        (result.ppk - half, result.ppk + half), rel=1e-6)


def test_cpm_interval_covers_at_its_level_where_qccs_degrees_of_freedom_do_not():
    # With the mean far from target, Boyles' ν = n(1+δ²)²/(1+2δ²) gives about the nominal 95 %;
    # qcc's n(1+δ²)/(1+2δ²) (no square) gives intervals so wide they almost always cover.
    rng = np.random.default_rng(2024)
    true_cpm = 10 / (6 * np.sqrt(1 + 1.9**2))
    ours = qccs = 0
    trials = 400
    for _ in range(trials):
        result = capability(Subgroups.of_size(rng.normal(0, 1, 125), 5), lsl=-5, usl=5, target=1.9)
        ours += result.intervals["cpm"].low <= true_cpm <= result.intervals["cpm"].high
        delta2 = ((result.mean - 1.9) / result.sigma_within) ** 2
        nu = 125 * (1 + delta2) / (1 + 2 * delta2)
        low, high = result.cpm * np.sqrt(stats.chi2.ppf([0.025, 0.975], nu) / nu)
        qccs += low <= true_cpm <= high
    assert 0.91 <= ours / trials <= 0.98
    assert qccs / trials > 0.99


def test_within_sigma_methods(rings):
    values = pistonrings()[:25]
    by_sd = capability(rings, lsl=73.95, usl=74.05, within=WithinSigma.SD)
    assert by_sd.sigma_within == pytest.approx(values.std(axis=1, ddof=1).mean() / c4(5))
    by_mr = capability(values.ravel(), lsl=73.95, usl=74.05)
    assert by_mr.within_method is WithinSigma.MOVING_RANGE
    assert by_mr.sigma_within == pytest.approx(np.abs(np.diff(values.ravel())).mean() / d2(2))


def test_one_sided_specification(rings):
    upper = capability(rings, usl=74.05)
    assert upper.cp is None and upper.pp is None and upper.cpm is None and upper.target is None
    assert upper.cpk == upper.cpu and set(upper.intervals) == {"cpk", "ppk"}
    lower = capability(rings, lsl=73.95)
    assert lower.cpk == lower.cpl


@pytest.mark.parametrize(("a2", "p"), [(0.84479, 0.02864), (1.8342, 0.0001015), (0.182, 0.9104), (1.3941, 0.001244)])
def test_anderson_darling_p_values_match_nortest(a2, p):
    # nortest::ad.test examples, n = 100 (A and p as printed in its documentation).
    assert ad_p_value(a2, 100) == pytest.approx(p, rel=2e-3)


def test_anderson_darling_statistic_by_the_textbook_sum():
    x = np.sort(pistonrings()[:25].ravel())
    n = x.size
    cdf = stats.norm.cdf((x - x.mean()) / x.std(ddof=1))
    a2 = -n - sum((2 * i - 1) * (np.log(cdf[i - 1]) + np.log(1 - cdf[n - i])) for i in range(1, n + 1)) / n
    result = anderson_darling(x)
    assert result is not None and result.statistic == pytest.approx(a2, rel=1e-10)
    assert result.p_value > 0.5  # piston-ring diameters look normal
    skewed = anderson_darling(np.random.default_rng(1).exponential(size=200))
    assert skewed is not None and skewed.p_value < 1e-6
    assert anderson_darling(x[:7]) is None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "at least one specification"),
    ({"lsl": 74.05, "usl": 73.95}, "must be below"),
    ({"lsl": 73.95, "usl": 74.05, "confidence": 1.5}, "between 0 and 1"),
    ({"lsl": 73.95, "within": WithinSigma.MOVING_RANGE}, "not moving ranges"),
])
def test_bad_requests_are_sentences(rings, kwargs, message):
    with pytest.raises(SpcInputError, match=message):
        capability(rings, **kwargs)


def test_no_spread_and_too_few_values_are_sentences():
    with pytest.raises(SpcInputError, match="no spread"):
        capability([5.0, 5.0, 5.0], lsl=4, usl=6)
    with pytest.raises(SpcInputError, match="at least 2 values"):
        capability([5.0], lsl=4, usl=6)
    with pytest.raises(SpcInputError, match="give subgroups"):
        capability([5.0, 6.0], lsl=4, within=WithinSigma.SD)
