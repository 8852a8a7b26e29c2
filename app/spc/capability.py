"""Process capability (Cp, Cpk, Cpm, Pp, Ppk) with confidence intervals and a normality check.

Sigmas: ``sigma_within`` is the short-term σ̂ of the control chart (R̄/d2 or S̄/c4 for subgroups, MR̄/d2(2)
for individuals; see `app.spc.sigma`); ``sigma_overall`` is the sample standard deviation s of all values.
With μ̂ the mean of all n values:

- Cp = (USL − LSL)/(6σw),  Cpu = (USL − μ̂)/(3σw),  Cpl = (μ̂ − LSL)/(3σw),  Cpk = min(Cpu, Cpl)
- Pp, Ppu, Ppl, Ppk: the same with s
- Cpm = (USL − LSL)/(6·√(σw² + (μ̂ − T)²)), target T defaulting to the middle of the specification

Confidence intervals (two-sided, level 1 − α, z = Φ⁻¹(1 − α/2)); n is the number of individual values:

- Cp, Pp: chi-square, ``Ĉ·√(χ²(α/2; n−1)/(n−1))`` … ``Ĉ·√(χ²(1−α/2; n−1)/(n−1))`` (Chou, Owen & Borrego 1990)
- Cpk, Ppk: Bissell (1990), ``Ĉ ± z·√(1/(9n) + Ĉ²/(2(n−1)))``
- Cpm: Boyles (1991), chi-square with ν = n(1 + δ²)²/(1 + 2δ²) degrees of freedom, δ = (μ̂ − T)/σw —
  the Patnaik approximation to the non-central χ² of Σ(x − T)². (qcc uses n(1 + δ²)/(1 + 2δ²), which
  agrees only when μ̂ ≈ T.)

Normality: Anderson-Darling A² against a normal with estimated mean and sd, p-value from the modified
statistic A²(1 + 0.75/n + 2.25/n²) by D'Agostino & Stephens (1986), Table 4.9 — as R's nortest::ad.test.
Needs n ≥ 8. A small p-value means the normal-theory indices above should not be trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from app.spc import sigma as estimators
from app.spc.errors import SpcInputError
from app.spc.sigma import WithinSigma
from app.spc.subgroups import Subgroups


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Normality:
    test: str
    statistic: float
    p_value: float


@dataclass(frozen=True, eq=False)
class Capability:
    n: int
    mean: float
    sigma_within: float
    within_method: WithinSigma
    sigma_overall: float
    lsl: float | None
    usl: float | None
    target: float | None
    cp: float | None
    cpl: float | None
    cpu: float | None
    cpk: float
    cpm: float | None
    pp: float | None
    ppl: float | None
    ppu: float | None
    ppk: float
    intervals: dict[str, Interval]  # keys among cp, cpk, cpm, pp, ppk
    confidence: float
    normality: Normality | None


def capability(data: Subgroups | Sequence[float] | np.ndarray, *, lsl: float | None = None,
               usl: float | None = None, target: float | None = None, within: WithinSigma | None = None,
               confidence: float = 0.95) -> Capability:
    """Capability of `data` (subgroups, or individual values in time order) against the specification."""
    values, method, sigma_w = _within(data, within)
    if lsl is None and usl is None:
        raise SpcInputError("Capability needs at least one specification limit (LSL or USL).")
    if lsl is not None and usl is not None and not lsl < usl:
        raise SpcInputError(f"The lower specification limit {lsl:g} must be below the upper one {usl:g}.")
    if not 0 < confidence < 1:
        raise SpcInputError(f"The confidence level must be between 0 and 1, not {confidence:g}.")
    n = values.size
    sigma_o = float(values.std(ddof=1))
    if not (sigma_w > 0 and sigma_o > 0):
        raise SpcInputError("All values are the same, so there is no spread to compare with the specification.")
    mean = float(values.mean())
    if target is None and lsl is not None and usl is not None:
        target = (lsl + usl) / 2
    within_idx, overall_idx = _indices(mean, sigma_w, lsl, usl), _indices(mean, sigma_o, lsl, usl)
    cp, cpl, cpu, cpk = within_idx
    pp, ppl, ppu, ppk = overall_idx
    alpha = 1 - confidence
    intervals = {"cpk": _bissell(cpk, n, alpha), "ppk": _bissell(ppk, n, alpha)}
    cpm = None
    if cp is not None and pp is not None:
        intervals["cp"] = _chi_square(cp, n - 1, alpha)
        intervals["pp"] = _chi_square(pp, n - 1, alpha)
        if target is not None:
            delta2 = ((mean - target) / sigma_w) ** 2
            cpm = cp / float(np.sqrt(1 + delta2))
            intervals["cpm"] = _chi_square(cpm, n * (1 + delta2) ** 2 / (1 + 2 * delta2), alpha)
    return Capability(n, mean, sigma_w, method, sigma_o, lsl, usl, target, cp, cpl, cpu, cpk, cpm,
                      pp, ppl, ppu, ppk, intervals, confidence, anderson_darling(values))


def anderson_darling(values: np.ndarray) -> Normality | None:
    """A² and its p-value (D'Agostino & Stephens 1986); None below 8 values or without spread."""
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    s = x.std(ddof=1) if n > 1 else 0.0
    if n < 8 or s == 0:
        return None
    z = (x - x.mean()) / s
    weights = 2 * np.arange(1, n + 1) - 1
    # log_ndtr(-z) is log(1 − Φ(z)) without cancellation in the upper tail.
    a2 = float(-n - np.sum(weights * (special.log_ndtr(z) + special.log_ndtr(-z[::-1]))) / n)
    return Normality("anderson-darling", a2, ad_p_value(a2, n))


def ad_p_value(a2: float, n: int) -> float:
    m = a2 * (1 + 0.75 / n + 2.25 / n**2)
    if m < 0.2:
        p = 1 - np.exp(-13.436 + 101.14 * m - 223.73 * m**2)
    elif m < 0.34:
        p = 1 - np.exp(-8.318 + 42.796 * m - 59.938 * m**2)
    elif m < 0.6:
        p = np.exp(0.9177 - 4.279 * m - 1.38 * m**2)
    elif m < 10:
        p = np.exp(1.2937 - 5.709 * m + 0.0186 * m**2)
    else:
        p = 3.7e-24
    return float(p)


def _within(data: Subgroups | Sequence[float] | np.ndarray,
            within: WithinSigma | None) -> tuple[np.ndarray, WithinSigma, float]:
    if isinstance(data, Subgroups):
        method = within or WithinSigma.RANGE
        if (data.sizes < 2).any() or len(data) < 2:
            raise SpcInputError("Within-subgroup sigma needs at least 2 subgroups of at least 2 values each.")
        if method is WithinSigma.RANGE:
            return data.values, method, estimators.from_ranges(data.ranges, data.sizes)
        if method is WithinSigma.SD:
            return data.values, method, estimators.from_stds(data.stds, data.sizes)
        raise SpcInputError("Subgrouped data takes its within sigma from ranges or standard deviations, "
                            "not moving ranges.")
    values = np.asarray(data, dtype=float).ravel()
    if within not in (None, WithinSigma.MOVING_RANGE):
        raise SpcInputError("Individual values take their within sigma from moving ranges; give subgroups "
                            "to use ranges or standard deviations.")
    if values.size < 2:
        raise SpcInputError(f"Capability needs at least 2 values; there are {values.size}.")
    return values, WithinSigma.MOVING_RANGE, estimators.from_moving_ranges(values)


def _indices(mean: float, sigma: float, lsl: float | None,
             usl: float | None) -> tuple[float | None, float | None, float | None, float]:
    lower = None if lsl is None else (mean - lsl) / (3 * sigma)
    upper = None if usl is None else (usl - mean) / (3 * sigma)
    both = None if lsl is None or usl is None else (usl - lsl) / (6 * sigma)
    return both, lower, upper, min(v for v in (lower, upper) if v is not None)


def _chi_square(index: float, df: float, alpha: float) -> Interval:
    low, high = stats.chi2.ppf([alpha / 2, 1 - alpha / 2], df)
    return Interval(float(index * np.sqrt(low / df)), float(index * np.sqrt(high / df)))


def _bissell(index: float, n: int, alpha: float) -> Interval:
    half = stats.norm.ppf(1 - alpha / 2) * np.sqrt(1 / (9 * n) + index**2 / (2 * (n - 1)))
    return Interval(float(index - half), float(index + half))
