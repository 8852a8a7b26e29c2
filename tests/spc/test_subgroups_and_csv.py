"""Subgroup statistics (flat storage, variable sizes) and the CSV reader's tolerance and messages."""

from __future__ import annotations

import numpy as np
import pytest

from app.spc import SpcInputError, Subgroups
from app.spc.csvdata import read_columns, read_counts, read_subgroups


def test_statistics_match_a_loop_over_uneven_subgroups():
    groups = [[1.0, 4.0, 2.0], [7.0, 7.5], [3.0, 3.0, 9.0, 1.0], [5.0]]
    data = Subgroups.from_labels([v for g in groups for v in g], [i for i, g in enumerate(groups) for _ in g])
    assert list(data.sizes) == [3, 2, 4, 1]
    assert data.means == pytest.approx([np.mean(g) for g in groups])
    assert data.ranges == pytest.approx([np.ptp(g) for g in groups])
    assert data.stds[:3] == pytest.approx([np.std(g, ddof=1) for g in groups[:3]])
    assert np.isnan(data.stds[3])  # no spread estimate from one value


def test_labels_keep_their_first_appearance_order_even_when_interleaved():
    data = Subgroups.from_labels([1.0, 10.0, 2.0, 20.0, 3.0], ["b", "a", "b", "a", "c"])
    assert list(data.sizes) == [2, 2, 1] and list(data.values) == [1.0, 2.0, 10.0, 20.0, 3.0]


def test_matrix_rows_with_missing_cells():
    data = Subgroups.from_matrix([[1.0, 2.0, np.nan], [3.0, 4.0, 5.0]])
    assert list(data.sizes) == [2, 3] and not data.equal_sizes()


def test_csv_headers_are_case_insensitive_and_extra_columns_are_ignored(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffDate, VALUE ,Subgroup\n2026-01-01, 1.5 ,A\n\n2026-01-01,2.5,A\n".encode())
    data = read_subgroups(path, None)
    assert list(data.values) == [1.5, 2.5] and list(data.sizes) == [2]
    table = read_columns(path, ["value"])
    assert table.lines == [2, 4]  # the blank line 3 is skipped but still counted


def test_counts_with_optional_sizes(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text("count\n3\n4\n")
    counts, sizes = read_counts(path, sizes_required=False)
    assert list(counts) == [3.0, 4.0] and sizes is None


def test_a_label_cell_must_not_be_empty(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("value,subgroup\n1,a\n2,\n")
    with pytest.raises(SpcInputError, match="line 3: the 'subgroup' column is empty"):
        read_subgroups(path, None)


def test_text_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"value\n\xff\xfe\n")
    with pytest.raises(SpcInputError, match="not a readable CSV text file"):
        read_columns(path, ["value"])
