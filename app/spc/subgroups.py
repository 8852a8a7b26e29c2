"""Measurements grouped into rational subgroups, stored flat, with vectorised per-subgroup statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from app.spc.errors import SpcInputError


@dataclass(frozen=True, eq=False)
class Subgroups:
    """`values` in subgroup order; subgroup i holds `sizes[i]` consecutive values.

    Flat storage with `np.add.reduceat` handles variable subgroup sizes without NaN padding and stays
    vectorised for tens of thousands of subgroups.
    """

    values: np.ndarray
    sizes: np.ndarray

    def __post_init__(self) -> None:
        if self.sizes.size == 0 or (self.sizes < 1).any() or int(self.sizes.sum()) != self.values.size:
            raise ValueError("subgroup sizes must be positive and add up to the number of values")

    @classmethod
    def of_size(cls, values: Sequence[float] | np.ndarray, size: int) -> Subgroups:
        """Consecutive values taken `size` at a time (the usual `--subgroup-size N`)."""
        flat = np.asarray(values, dtype=float).ravel()
        if size < 1:
            raise SpcInputError(f"A subgroup size must be at least 1, not {size}.")
        if flat.size == 0:
            raise SpcInputError("There are no values to put into subgroups.")
        if flat.size % size:
            raise SpcInputError(f"{flat.size} values do not split into subgroups of {size}: the last subgroup "
                                f"would have {flat.size % size}. Give a subgroup column for uneven sizes.")
        return cls(flat, np.full(flat.size // size, size, dtype=np.int64))

    @classmethod
    def from_matrix(cls, matrix: Sequence[Sequence[float]] | np.ndarray) -> Subgroups:
        """One row per subgroup; NaN cells are missing measurements (qcc's layout)."""
        grid = np.asarray(matrix, dtype=float)
        present = ~np.isnan(grid)
        return cls(grid[present], present.sum(axis=1).astype(np.int64))

    @classmethod
    def from_labels(cls, values: Sequence[float] | np.ndarray, labels: Sequence[object] | np.ndarray) -> Subgroups:
        """Values tagged with a subgroup label; subgroups keep the order in which labels first appear."""
        flat = np.asarray(values, dtype=float).ravel()
        tags = np.asarray(labels)
        if tags.shape != flat.shape:
            raise ValueError("one label per value is needed")
        _, first, inverse = np.unique(tags, return_index=True, return_inverse=True)
        rank = np.empty_like(first)
        rank[np.argsort(first, kind="stable")] = np.arange(first.size)
        order = np.argsort(rank[inverse], kind="stable")
        return cls(flat[order], np.bincount(rank[inverse], minlength=first.size).astype(np.int64))

    def __len__(self) -> int:
        return int(self.sizes.size)

    @cached_property
    def _starts(self) -> np.ndarray:
        return np.concatenate(([0], np.cumsum(self.sizes)[:-1]))

    @cached_property
    def means(self) -> np.ndarray:
        return np.add.reduceat(self.values, self._starts) / self.sizes

    @cached_property
    def ranges(self) -> np.ndarray:
        return np.maximum.reduceat(self.values, self._starts) - np.minimum.reduceat(self.values, self._starts)

    @cached_property
    def stds(self) -> np.ndarray:
        """Sample standard deviations (n − 1 divisor); NaN for a subgroup of one value."""
        deviations = self.values - np.repeat(self.means, self.sizes)
        squares = np.add.reduceat(deviations * deviations, self._starts)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sqrt(squares / (self.sizes - 1))

    def equal_sizes(self) -> bool:
        return bool((self.sizes == self.sizes[0]).all())
