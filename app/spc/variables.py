"""Variables charts: X̄-R, X̄-S and individuals / moving range (formulas in `app.spc.charts`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from app.spc import sigma as estimators
from app.spc.charts import ControlChart, Limits, Statistic, band, fit, uniform
from app.spc.constants import c4, d2, d3, per_size
from app.spc.errors import SpcInputError
from app.spc.subgroups import Subgroups


def xbar_r(data: Subgroups, *, baseline: int | None = None, exclude: Iterable[int] = (), iterate: bool = False,
           limits: Limits | None = None) -> ControlChart:
    """X̄ chart with an R chart as `secondary`; σ̂ = mean(Rᵢ/d2(nᵢ)) (R̄/d2 for equal sizes)."""
    return _xbar_pair(data, Statistic.RANGE, "An X̄-R chart", baseline, exclude, iterate, limits)


def xbar_s(data: Subgroups, *, baseline: int | None = None, exclude: Iterable[int] = (), iterate: bool = False,
           limits: Limits | None = None) -> ControlChart:
    """X̄ chart with an S chart as `secondary`; σ̂ = mean(sᵢ/c4(nᵢ)) (S̄/c4 for equal sizes)."""
    return _xbar_pair(data, Statistic.SD, "An X̄-S chart", baseline, exclude, iterate, limits)


def individuals(values: Sequence[float] | np.ndarray, *, baseline: int | None = None, exclude: Iterable[int] = (),
                iterate: bool = False, limits: Limits | None = None) -> ControlChart:
    """Individuals chart with a moving-range chart as `secondary`; σ̂ = MR̄/d2(2).

    Moving ranges for σ̂ are taken between consecutive *retained* baseline points, so excluding a point
    is the same as deleting it from the baseline (as qcc does when a row is removed). Iterating looks
    at the I chart only: one wild value makes two large moving ranges, and MR points are not independent.
    """
    x = np.asarray(values, dtype=float).ravel()
    mr_points = np.concatenate(([np.nan], estimators.moving_ranges(x)))

    def estimate(keep: np.ndarray) -> Limits:
        kept = x[keep]
        return Limits(float(kept.mean()), estimators.from_moving_ranges(kept))

    def build(limits: Limits) -> ControlChart:
        sigma = _require_sigma(limits)
        ucl, lcl = band(limits.center, sigma)
        mr = _dispersion_chart(Statistic.MOVING_RANGE, mr_points, d2(2) * sigma, d3(2) * sigma, sigma, limits)
        return ControlChart(Statistic.INDIVIDUALS, x, limits.center, ucl, lcl, sigma, sigma, limits, secondary=mr)

    return fit(x.size, estimate, build, what="An I-MR chart", baseline=baseline, exclude=exclude,
               iterate=iterate, limits=limits)


def _xbar_pair(data: Subgroups, dispersion: Statistic, what: str, baseline: int | None, exclude: Iterable[int],
               iterate: bool, limits: Limits | None) -> ControlChart:
    single = np.flatnonzero(data.sizes < 2)
    if single.size:
        raise SpcInputError(f"Subgroup {single[0]} has a single value: {what} needs at least 2 values in every "
                            "subgroup (use an I-MR chart for single values).")
    n = data.sizes
    if dispersion is Statistic.RANGE:
        spread, sigma_of = data.ranges, estimators.from_ranges
        center_factor, se_factor = per_size(d2, n), per_size(d3, n)
    else:
        spread, sigma_of = data.stds, estimators.from_stds
        center_factor = per_size(c4, n)
        se_factor = np.sqrt(1.0 - center_factor**2)

    def estimate(keep: np.ndarray) -> Limits:
        grand_mean = float(np.sum(data.means[keep] * n[keep]) / np.sum(n[keep]))
        return Limits(grand_mean, sigma_of(spread[keep], n[keep]))

    def build(limits: Limits) -> ControlChart:
        sigma = _require_sigma(limits)
        se = uniform(sigma / np.sqrt(n))
        ucl, lcl = band(limits.center, se)
        second = _dispersion_chart(dispersion, spread, center_factor * sigma, se_factor * sigma, sigma, limits, n)
        return ControlChart(Statistic.XBAR, data.means, limits.center, ucl, lcl, se, sigma, limits, n,
                            secondary=second)

    return fit(len(data), estimate, build, what=what, baseline=baseline, exclude=exclude, iterate=iterate,
               limits=limits, judged=_either_chart_out)


def _either_chart_out(chart: ControlChart) -> np.ndarray:
    # A subgroup with an assignable cause on the X̄ or on the R/S chart leaves both estimates.
    assert chart.secondary is not None
    return chart.beyond_limits() | chart.secondary.beyond_limits()


def _dispersion_chart(kind: Statistic, points: np.ndarray, center: float | np.ndarray, se: float | np.ndarray,
                      sigma: float, limits: Limits, sizes: np.ndarray | None = None) -> ControlChart:
    center, se = uniform(np.atleast_1d(center)), uniform(np.atleast_1d(se))
    ucl, lcl = band(center, se, floor=0.0)
    return ControlChart(kind, points, center, ucl, lcl, se, sigma, limits, sizes)


def _require_sigma(limits: Limits) -> float:
    if limits.sigma is None or not limits.sigma >= 0:
        raise SpcInputError("Frozen limits for a variables chart need the process standard deviation (sigma).")
    return float(limits.sigma)
