"""Control-chart results and the phase I / phase II machinery shared by every chart type.

Every chart plots a statistic with 3-sigma limits ``centre ± 3·seᵢ``, where ``seᵢ`` is the standard
deviation of point i (it varies with the subgroup size nᵢ). Lower limits are clipped at the natural
bound (0 for R, S, MR, p, np, c, u) and the p / np upper limits at 1 / n. Formulas (Montgomery,
*Introduction to Statistical Quality Control*, 7th ed., ch. 6–7; the same as R's qcc):

=========  =====================  ==================  ===============================  ==================
chart      point                  centre              seᵢ                              σ̂ (``sigma``)
=========  =====================  ==================  ===============================  ==================
X̄ (R)     subgroup mean x̄ᵢ       x̿ = Σnᵢx̄ᵢ/Σnᵢ       σ̂/√nᵢ                            mean(Rᵢ/d2(nᵢ))
R          range Rᵢ               d2(nᵢ)·σ̂           d3(nᵢ)·σ̂                         (same σ̂)
X̄ (S)     subgroup mean x̄ᵢ       x̿                  σ̂/√nᵢ                            mean(sᵢ/c4(nᵢ))
S          std. deviation sᵢ      c4(nᵢ)·σ̂           √(1 − c4(nᵢ)²)·σ̂                 (same σ̂)
I          individual xᵢ          x̄                  σ̂                               MR̄/d2(2)
MR         |xᵢ − xᵢ₋₁| (i ≥ 1)    d2(2)·σ̂            d3(2)·σ̂                          (same σ̂)
p          dᵢ/nᵢ                  p̄ = Σdᵢ/Σnᵢ         √(p̄(1 − p̄)/nᵢ)                   √(p̄(1 − p̄))
np         dᵢ (constant n)        n·p̄                √(n·p̄(1 − p̄))                    √(n·p̄(1 − p̄))
c          cᵢ                     c̄                  √c̄                              √c̄
u          cᵢ/nᵢ                  ū = Σcᵢ/Σnᵢ         √(ū/nᵢ)                          √ū
=========  =====================  ==================  ===============================  ==================

With equal subgroup sizes these are the textbook A2·R̄, D3·R̄, D4·R̄, A3·S̄, B3·S̄, B4·S̄, 2.66·MR̄ and
3.267·MR̄ limits, but with d2, d3, c4 computed exactly (``app.spc.constants``). With unequal sizes the R
and S centre lines follow d2(nᵢ)σ̂ and c4(nᵢ)σ̂ point by point (qcc draws one R̄ line instead). The MR
chart's point 0 is NaN so that its indices line up with the individuals.

Phase I estimates the parameters from the baseline points (the first ``baseline`` points, minus
``exclude``); with ``iterate`` the baseline points beyond the limits are dropped and the limits
re-estimated until none remain. Phase II takes frozen ``Limits`` and judges every point against them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

import numpy as np

from app.spc.errors import SpcInputError

NSIGMAS = 3.0
MIN_BASELINE = 2


class Statistic(str, Enum):
    XBAR = "xbar"
    RANGE = "r"
    SD = "s"
    INDIVIDUALS = "i"
    MOVING_RANGE = "mr"
    P = "p"
    NP = "np"
    C = "c"
    U = "u"


@dataclass(frozen=True)
class Limits:
    """The frozen parameters of a chart: phase I estimates, or known standards (μ₀, σ₀, p₀ …).

    ``center`` is the process mean for X̄ and I charts, and p̄, c̄ or ū (per unit) for attribute charts;
    ``sigma`` is the process standard deviation, needed only by the variables charts.
    """

    center: float
    sigma: float | None = None


@dataclass(frozen=True, eq=False)
class ControlChart:
    type: Statistic
    points: np.ndarray
    center: float | np.ndarray
    ucl: float | np.ndarray
    lcl: float | np.ndarray
    se: float | np.ndarray  # the standard deviation of each point: the width of one rule zone
    sigma: float
    limits: Limits
    sizes: np.ndarray | None = None
    baseline: int = 0  # points 0 … baseline−1 estimated the limits; 0 when the limits were given
    excluded: tuple[int, ...] = ()
    secondary: ControlChart | None = None

    def beyond_limits(self) -> np.ndarray:
        return (self.points > self.ucl) | (self.points < self.lcl)

    def standardized(self) -> np.ndarray:
        """(point − centre)/se: the per-point zones of the run rules become fixed ±1, ±2, ±3 bands."""
        offset = self.points - self.center
        with np.errstate(divide="ignore", invalid="ignore"):
            z = offset / self.se
        # A zero-width chart (σ̂ = 0) puts an off-centre point infinitely far out (x/0 = ±inf), a centred one at 0.
        return np.where(np.isnan(z) & (offset == 0), 0.0, z)


def uniform(values: np.ndarray) -> float | np.ndarray:
    """A scalar when every point shares the value (equal subgroup sizes), else the per-point array."""
    flat = np.asarray(values, dtype=float)
    return float(flat[0]) if flat.size and (flat == flat[0]).all() else flat


def band(center: float | np.ndarray, se: float | np.ndarray, *, floor: float | None = None,
         ceiling: float | np.ndarray | None = None) -> tuple[float | np.ndarray, float | np.ndarray]:
    """(UCL, LCL) at ±3 se, clipped to the statistic's natural range."""
    ucl = np.asarray(center) + NSIGMAS * np.asarray(se)
    lcl = np.asarray(center) - NSIGMAS * np.asarray(se)
    if ceiling is not None:
        ucl = np.minimum(ucl, ceiling)
    if floor is not None:
        lcl = np.maximum(lcl, floor)
    return uniform(np.atleast_1d(ucl)), uniform(np.atleast_1d(lcl))


def fit(n_points: int, estimate: Callable[[np.ndarray], Limits], build: Callable[[Limits], ControlChart], *,
        what: str, baseline: int | None, exclude: Iterable[int], iterate: bool, limits: Limits | None,
        judged: Callable[[ControlChart], np.ndarray] = ControlChart.beyond_limits) -> ControlChart:
    """Phase II when `limits` is given, else phase I over the baseline (see the module docstring).

    `estimate` turns a mask of baseline points into `Limits`; `build` draws the chart for given limits;
    `judged` says which points are out when iterating (for X̄-R both charts, for I-MR only I).
    """
    if n_points == 0:
        raise SpcInputError(f"{what} needs points to plot; there are none.")
    if limits is not None:
        return build(limits)
    stop = n_points if baseline is None else baseline
    keep = _baseline_mask(n_points, stop, exclude)
    while True:
        kept = int(keep.sum())
        if kept < MIN_BASELINE:
            dropped = f" once {stop - kept} are excluded" if kept < stop else ""
            raise SpcInputError(f"{what} needs at least {MIN_BASELINE} points to estimate its limits; the "
                                f"baseline has {kept}{dropped}.")
        chart = build(estimate(keep))
        out = judged(chart) & keep
        if not iterate or not out.any():
            excluded = tuple(int(i) for i in np.flatnonzero(~keep[:stop]))
            secondary = chart.secondary and dataclasses.replace(chart.secondary, baseline=stop, excluded=excluded)
            return dataclasses.replace(chart, baseline=stop, excluded=excluded, secondary=secondary)
        keep &= ~out


def _baseline_mask(n_points: int, stop: int, exclude: Iterable[int]) -> np.ndarray:
    if not 0 < stop <= n_points:
        raise SpcInputError(f"The phase I baseline must be between 1 and {n_points} points, not {stop}.")
    keep = np.zeros(n_points, dtype=bool)
    keep[:stop] = True
    for index in exclude:
        if not 0 <= index < stop:
            raise SpcInputError(f"Point {index} cannot be excluded: the baseline holds points 0 to {stop - 1}.")
        keep[index] = False
    return keep
