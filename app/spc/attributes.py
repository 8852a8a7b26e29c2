"""Attribute charts: p, np (nonconforming units) and c, u (nonconformities); formulas in `app.spc.charts`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from app.spc.charts import ControlChart, Limits, Statistic, band, fit, uniform
from app.spc.errors import SpcInputError

Numbers = Sequence[float] | np.ndarray


def p_chart(counts: Numbers, sizes: Numbers, *, baseline: int | None = None, exclude: Iterable[int] = (),
            iterate: bool = False, limits: Limits | None = None) -> ControlChart:
    """Fraction nonconforming dᵢ/nᵢ; per-point limits when the sample sizes differ."""
    d, n = _counts_and_sizes(counts, sizes, "A p chart", at_most_size=True)

    def build(lim: Limits) -> ControlChart:
        unit_sd = float(np.sqrt(lim.center * (1 - lim.center)))
        se = uniform(unit_sd / np.sqrt(n))
        ucl, lcl = band(lim.center, se, floor=0.0, ceiling=1.0)
        return ControlChart(Statistic.P, d / n, lim.center, ucl, lcl, se, unit_sd, lim, n)

    return fit(d.size, _pooled_rate(d, n), build, what="A p chart", baseline=baseline, exclude=exclude,
               iterate=iterate, limits=limits)


def np_chart(counts: Numbers, sizes: Numbers, *, baseline: int | None = None, exclude: Iterable[int] = (),
             iterate: bool = False, limits: Limits | None = None) -> ControlChart:
    """Number nonconforming dᵢ for a constant sample size n; `Limits.center` is p̄, the chart centre n·p̄."""
    d, n = _counts_and_sizes(counts, sizes, "An np chart", at_most_size=True)
    size = _constant_size(n, "An np chart", "a p chart")

    def build(lim: Limits) -> ControlChart:
        se = float(np.sqrt(size * lim.center * (1 - lim.center)))
        ucl, lcl = band(size * lim.center, se, floor=0.0, ceiling=size)
        return ControlChart(Statistic.NP, d, size * lim.center, ucl, lcl, se, se, lim, n)

    return fit(d.size, _pooled_rate(d, n), build, what="An np chart", baseline=baseline, exclude=exclude,
               iterate=iterate, limits=limits)


def c_chart(counts: Numbers, sizes: Numbers | None = None, *, baseline: int | None = None,
            exclude: Iterable[int] = (), iterate: bool = False, limits: Limits | None = None) -> ControlChart:
    """Nonconformities cᵢ per inspection unit of constant size (sizes, if given, must all be equal)."""
    c, n = _counts_and_sizes(counts, np.ones(len(counts)) if sizes is None else sizes, "A c chart")
    _constant_size(n, "A c chart", "a u chart")

    def build(lim: Limits) -> ControlChart:
        se = float(np.sqrt(lim.center))
        ucl, lcl = band(lim.center, se, floor=0.0)
        return ControlChart(Statistic.C, c, lim.center, ucl, lcl, se, se, lim, None if sizes is None else n)

    return fit(c.size, lambda keep: Limits(float(c[keep].mean())), build, what="A c chart", baseline=baseline,
               exclude=exclude, iterate=iterate, limits=limits)


def u_chart(counts: Numbers, sizes: Numbers, *, baseline: int | None = None, exclude: Iterable[int] = (),
            iterate: bool = False, limits: Limits | None = None) -> ControlChart:
    """Nonconformities per unit cᵢ/nᵢ (nᵢ may be fractional units); per-point limits when sizes differ."""
    c, n = _counts_and_sizes(counts, sizes, "A u chart")

    def build(lim: Limits) -> ControlChart:
        se = uniform(np.sqrt(lim.center / n))
        ucl, lcl = band(lim.center, se, floor=0.0)
        return ControlChart(Statistic.U, c / n, lim.center, ucl, lcl, se, float(np.sqrt(lim.center)), lim, n)

    return fit(c.size, _pooled_rate(c, n), build, what="A u chart", baseline=baseline, exclude=exclude,
               iterate=iterate, limits=limits)


def _pooled_rate(counts: np.ndarray, sizes: np.ndarray) -> Callable[[np.ndarray], Limits]:
    # p̄ and ū pool the baseline (Σ counts / Σ sizes), so large samples weigh more than small ones.
    return lambda keep: Limits(float(counts[keep].sum() / sizes[keep].sum()))


def _counts_and_sizes(counts: Numbers, sizes: Numbers, what: str,
                      at_most_size: bool = False) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(counts, dtype=float).ravel()
    n = np.asarray(sizes, dtype=float).ravel()
    if c.shape != n.shape:
        raise SpcInputError(f"{what} needs one sample size per count ({c.size} counts, {n.size} sizes).")
    checks = [(c < 0, "has a negative count"), (n <= 0, "has a sample size that is not positive"),
              (~np.isfinite(c) | ~np.isfinite(n), "has a missing value")]
    if at_most_size:
        checks.append((c > n, "has more nonconforming units than units inspected"))
    for bad, problem in checks:
        if bad.any():
            raise SpcInputError(f"Point {int(np.flatnonzero(bad)[0])} {problem}; {what} cannot use it.")
    return c, n


def _constant_size(sizes: np.ndarray, what: str, instead: str) -> float:
    if sizes.size and not (sizes == sizes[0]).all():
        raise SpcInputError(f"{what} needs the same sample size for every point; the sizes vary, so use {instead}.")
    return float(sizes[0]) if sizes.size else 1.0
