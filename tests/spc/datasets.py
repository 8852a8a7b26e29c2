"""The textbook datasets in tests/spc/data (Montgomery, as shipped with R's qcc), as numpy arrays."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

DATA = Path(__file__).with_name("data")


def column(name: str, field: str) -> np.ndarray:
    with (DATA / f"{name}.csv").open(newline="") as handle:
        return np.array([float(row[field]) for row in csv.DictReader(handle)])


def trial(name: str) -> np.ndarray:
    """The rows the textbook uses as the phase I baseline."""
    with (DATA / f"{name}.csv").open(newline="") as handle:
        return np.array([row["trial"] == "TRUE" for row in csv.DictReader(handle)])


def pistonrings() -> np.ndarray:
    """40 samples × 5 diameters, one row per sample (the first 25 are phase I)."""
    return column("pistonrings", "diameter").reshape(40, 5)
