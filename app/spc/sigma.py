"""Within-subgroup (short-term) sigma estimators shared by the control charts and capability.

Each is the unweighted average of per-subgroup unbiased estimates (qcc's "UWAVE"), which reduces to the
textbook R̄/d2 and S̄/c4 when all subgroups have the same size:

- ``from_ranges``:  σ̂ = mean(Rᵢ / d2(nᵢ))
- ``from_stds``:    σ̂ = mean(sᵢ / c4(nᵢ))
- ``from_moving_ranges``: σ̂ = MR̄ / d2(2), MRᵢ = |xᵢ − xᵢ₋₁| over consecutive individuals
"""

from __future__ import annotations

from enum import Enum

import numpy as np

from app.spc.constants import c4, d2, per_size


class WithinSigma(str, Enum):
    RANGE = "range"
    SD = "sd"
    MOVING_RANGE = "moving-range"

    @property
    def formula(self) -> str:
        return {"range": "R̄/d2", "sd": "S̄/c4", "moving-range": "MR̄/d2(2)"}[self.value]


def from_ranges(ranges: np.ndarray, sizes: np.ndarray) -> float:
    return float(np.mean(ranges / per_size(d2, sizes)))


def from_stds(stds: np.ndarray, sizes: np.ndarray) -> float:
    return float(np.mean(stds / per_size(c4, sizes)))


def moving_ranges(values: np.ndarray) -> np.ndarray:
    return np.abs(np.diff(values))


def from_moving_ranges(values: np.ndarray) -> float:
    return float(moving_ranges(values).mean() / d2(2))
