"""GUI fixtures: the background helper, a small demo plant, a logged-in page context.

The database fixtures come from tests/conftest.py, so every GUI test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.config import Settings
from app.devices.simulators import Simulator
from app.db import make_engine, make_session_factory
from app.services import schema
from app.services.permissions import SYSTEM
from app.services.users import authenticate
from app.ui.tasks import TaskRunner
from app.ui.workspaces import PageContext
from tests.conftest import PG_URL

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
def plant(factory, demo_plants: DemoPlants):
    """The demo plant (DEMO_UNITS units, seed 3) in this test's own database, copied from one built once
    per run and backend; returns its DemoSummary."""
    return demo_plants.copy_into(factory)


class DemoPlants:
    """One demo plant per backend, built by `build_demo_plant` on first use, then copied into each test's
    freshly migrated database: SQLite with the online backup API, PostgreSQL table by table from a schema
    of its own. Building took ≈1 s per test; a copy is a fraction of that, and the data is the same."""

    def __init__(self, directory: Path, migrated) -> None:
        self._directory, self._migrated = directory, migrated
        self._built: dict[str, tuple[str, object]] = {}  # backend → (SQLite file or schema, summary)
        self._admin = None

    def copy_into(self, factory):
        engine = factory.kw["bind"]
        backend = engine.dialect.name
        source, summary = self._built.get(backend) or self._build(backend)
        engine.dispose()  # no pooled connection may hold the old (empty) database
        if backend == "sqlite":
            with (closing(sqlite3.connect(source)) as src,
                  closing(sqlite3.connect(engine.url.database)) as dst):
                src.backup(dst)
        else:
            self._copy_schema(engine, source)
        return summary

    def _build(self, backend: str) -> tuple[str, object]:
        from app.services.demo import build_demo_plant

        if backend == "sqlite":
            source = str(self._directory / f"plant-{uuid.uuid4().hex[:8]}.db")
            url = f"sqlite:///{source}"
        else:
            source = f"plant_{uuid.uuid4().hex[:16]}"
            with self._admin_engine().connect() as conn:
                conn.exec_driver_sql(f"CREATE SCHEMA {source}")
            url = f"{PG_URL}?options=-csearch_path%3D{source}"
        self._migrated.fill_sqlite(url)
        engine = make_engine(url)
        try:
            self._migrated.fill_postgresql(engine)
            schema.upgrade(engine)
            summary = build_demo_plant(make_session_factory(engine), SYSTEM, units=DEMO_UNITS, seed=3)
            if backend == "sqlite":
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        self._built[backend] = (source, summary)
        return source, summary

    @staticmethod
    def _copy_schema(engine, source: str) -> None:
        with engine.begin() as conn:
            # Triggers (foreign keys, the audit trail's guards) off for the copy: rows arrive in any order.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            tables = conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %(s)s "
                "AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'",
                {"s": source}).scalars().all()
            for table in tables:
                conn.exec_driver_sql(f'INSERT INTO "{table}" SELECT * FROM {source}."{table}"')
                conn.exec_driver_sql(f'ANALYZE "{table}"')  # as build_demo_plant leaves it
            for name, value in conn.exec_driver_sql(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %(s)s "
                    "AND last_value IS NOT NULL", {"s": source}).all():
                conn.exec_driver_sql("SELECT setval(%(q)s, %(v)s)", {"q": f'"{name}"', "v": value})

    def _admin_engine(self):
        if self._admin is None:
            self._admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        return self._admin

    def close(self) -> None:
        if self._admin is not None:
            with self._admin.connect() as conn:
                for backend, (source, _) in self._built.items():
                    if backend != "sqlite":
                        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {source} CASCADE")
            self._admin.dispose()


@pytest.fixture(scope="session")
def demo_plants(tmp_path_factory, migrated) -> Iterator[DemoPlants]:
    plants = DemoPlants(tmp_path_factory.mktemp("plants"), migrated)
    yield plants
    plants.close()


@pytest.fixture
def context(factory, plant, runner, settings) -> PageContext:
    from app.services.demo import DEMO_PASSWORD

    return PageContext(factory, authenticate(factory, "admin", DEMO_PASSWORD), runner, settings)


@pytest.fixture
def simulator() -> Iterator[Callable[..., Simulator]]:
    """Simulated serial devices on real ptys (a scanner by default), stopped after the test."""
    from app.devices.profiles import BUILT_IN
    from app.devices.simulators import Simulator

    made: list[Simulator] = []

    def make(profile=None, specs: list[str] | None = None, **kwargs) -> Simulator:
        sim = Simulator(profile or BUILT_IN["scanner-cr"], [] if specs is None else specs, **kwargs)
        made.append(sim)
        return sim.start()

    yield make
    for sim in made:
        sim.stop()
