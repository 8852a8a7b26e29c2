"""GUI fixtures: the background helper, a small demo plant, a logged-in page context.

The database fixtures come from tests/conftest.py, so every GUI test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.services.permissions import SYSTEM
from app.services.users import authenticate
from app.ui.tasks import TaskRunner
from app.ui.workspaces import PageContext

DEMO_UNITS = 60

# The offscreen platform cannot do these; on a real screen they work. Nothing else is tolerated.
OFFSCREEN_LIMITS = (
    r"^This plugin does not support propagateSizeHints\(\)",
    r"^This plugin does not support raise\(\)",
    r"^This plugin does not support grabbing the keyboard",  # completer popups
)

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_LIMITS))


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.shutdown(wait=True)
    runner.deleteLater()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(tmp_path / "settings.json")


@pytest.fixture
def plant(factory):
    from app.services.demo import build_demo_plant

    return build_demo_plant(factory, SYSTEM, units=DEMO_UNITS, seed=3)


@pytest.fixture
def context(factory, plant, runner, settings) -> PageContext:
    from app.services.demo import DEMO_PASSWORD

    return PageContext(factory, authenticate(factory, "admin", DEMO_PASSWORD), runner, settings)
