"""Label tests: the station tests' small plant, and an empty folder for the PDFs."""

from __future__ import annotations

import pytest

from tests.station.conftest import plant  # noqa: F401 - the fixture, for goods in and serialize


@pytest.fixture
def out_dir(tmp_path):
    """An empty folder for the PDFs (an SQLite test database lives in tmp_path itself)."""
    folder = tmp_path / "labels"
    folder.mkdir()
    return folder
