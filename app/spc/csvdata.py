"""Reading the SPC CSV formats: `value[,subgroup]` for measurements, `count[,size]` for attribute counts.

Headers are matched case-insensitively and other columns are ignored, so an export with extra
columns (sample number, date, operator) reads as it is. Every problem names the file and the line.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.spc.errors import SpcInputError
from app.spc.subgroups import Subgroups


@dataclass(frozen=True)
class CsvColumns:
    source: str
    cells: dict[str, list[str]]
    lines: list[int]  # the file line of each data row, for messages

    def has(self, name: str) -> bool:
        return name in self.cells

    def numbers(self, name: str) -> np.ndarray:
        values = np.empty(len(self.lines))
        for i, (cell, line) in enumerate(zip(self.cells[name], self.lines, strict=True)):
            if not cell:
                raise SpcInputError(f"{self.source} line {line}: the '{name}' column is empty.")
            try:
                values[i] = float(cell)
            except ValueError:
                raise SpcInputError(f"{self.source} line {line}: '{cell}' in the '{name}' column is not a "
                                    "number.") from None
            if not np.isfinite(values[i]):
                raise SpcInputError(f"{self.source} line {line}: '{cell}' in the '{name}' column is not a "
                                    "finite number.")
        return values

    def texts(self, name: str) -> list[str]:
        for cell, line in zip(self.cells[name], self.lines, strict=True):
            if not cell:
                raise SpcInputError(f"{self.source} line {line}: the '{name}' column is empty.")
        return self.cells[name]


def read_columns(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> CsvColumns:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            # line_num is the file line where the row ends; blank lines are skipped, not data.
            rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except OSError as exc:
        raise SpcInputError(f"Cannot read {path}: {exc.strerror}.") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SpcInputError(f"{path.name} is not a readable CSV text file ({exc}).") from exc
    if not rows:
        raise SpcInputError(f"{path.name} is empty: a header line such as '{','.join(required)}' is expected.")
    (_, header), data = rows[0], rows[1:]
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in required if name not in names]
    if missing:
        raise SpcInputError(f"{path.name} has no '{missing[0]}' column (its header is: {', '.join(header)}).")
    if not data:
        raise SpcInputError(f"{path.name} has a header but no data lines.")
    wanted = [name for name in dict.fromkeys((*required, *optional)) if name in names]
    cells: dict[str, list[str]] = {name: [] for name in wanted}
    for line, row in data:
        for name in wanted:
            position = names.index(name)
            cells[name].append(row[position].strip() if position < len(row) else "")
    return CsvColumns(path.name, cells, [line for line, _ in data])


def read_individuals(path: Path) -> np.ndarray:
    return read_columns(path, ["value"]).numbers("value")


def read_subgroups(path: Path, subgroup_size: int | None) -> Subgroups:
    """Fixed-size consecutive subgroups with `subgroup_size`, else the `subgroup` column's labels."""
    table = read_columns(path, ["value"], ["subgroup"])
    values = table.numbers("value")
    if subgroup_size is not None:
        return Subgroups.of_size(values, subgroup_size)
    if not table.has("subgroup"):
        raise SpcInputError(f"{path.name} has no 'subgroup' column: add one, or give the subgroup size.")
    return Subgroups.from_labels(values, table.texts("subgroup"))


def read_counts(path: Path, *, sizes_required: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """`count` and, when present (or required), `size`: units inspected or inspection units."""
    table = read_columns(path, ["count", "size"] if sizes_required else ["count"], ["size"])
    return table.numbers("count"), table.numbers("size") if table.has("size") else None
