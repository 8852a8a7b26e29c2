"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, each in isolation.

PostgreSQL comes from THREADLINE_TEST_PG_URL (default: the local server's `test` database); each test
gets a schema of its own, selected through the URL, so subprocesses given the URL see the same data.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

# Before anything imports Qt: no screen on CI or on the bench-test machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real settings or database.
_sandbox = tempfile.mkdtemp(prefix="threadline-tests-")
os.environ["THREADLINE_DATA_DIR"] = os.path.join(_sandbox, "data")
os.environ["THREADLINE_CONFIG_DIR"] = os.path.join(_sandbox, "config")
os.environ.pop("THREADLINE_DB", None)

# Tests only: argon2 at 1 MiB and 1 pass instead of 64 MiB and 3 (≈0.2–0.8 s per hash or check on the CI
# machine, and nearly every test makes a user or logs one in). Patched before app/ makes its hasher, so the
# app and tests that build a `PasswordHasher()` agree on what "the current parameters" are; production
# keeps argon2-cffi's defaults.
import argon2  # noqa: E402

argon2.PasswordHasher.__init__.__defaults__ = (1, 1024, 1) + argon2.PasswordHasher.__init__.__defaults__[3:]

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import Engine, create_engine, event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from app.db import make_engine, make_session_factory  # noqa: E402
from app.models import Role  # noqa: E402
from app.models.base import Base  # noqa: E402
from app.services import schema  # noqa: E402
from app.services.permissions import SYSTEM, Actor  # noqa: E402
from app.services.users import actor_for, add_user  # noqa: E402
from app.ui.gc_timer import collect_due  # noqa: E402

PG_URL = os.environ.get("THREADLINE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ADMIN_PASSWORD = "admin-secret-1"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL to an empty, private database (a file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'threadline.db'}"
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{name}"
    finally:
        drop_schema(admin, name)
        admin.dispose()


def drop_schema(admin: Engine, name: str) -> None:
    """Drop a test's schema without hanging the suite: a connection that a test leaked "idle in transaction"
    (a worker thread's session never closed, say) holds locks that DROP SCHEMA would wait for forever.
    After a short wait, those connections — only the ones locking this schema's tables — are ended and
    named on stderr, so the leak shows instead of a CI run that never finishes."""
    with admin.connect() as conn:
        conn.exec_driver_sql("SET lock_timeout = '15s'")
        try:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            return
        except Exception:  # noqa: BLE001 - lock timeout: find who holds the schema, below
            pass
        holders = conn.exec_driver_sql(
            "SELECT DISTINCT a.pid, a.state, left(a.query, 120) FROM pg_locks l "
            "JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE n.nspname = %s AND l.pid <> pg_backend_pid()",
            (name,)).all()
        for pid, state, query in holders:
            print(f"\nleaked PostgreSQL connection {pid} ({state}) held schema {name}: {query}", file=sys.stderr)
            conn.exec_driver_sql("SELECT pg_terminate_backend(%s)", (pid,))
        conn.exec_driver_sql("SET lock_timeout = 0")
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def engine(db_url: str, migrated: MigratedTemplates) -> Iterator[Engine]:
    """An engine on a database migrated to the newest schema."""
    migrated.fill_sqlite(db_url)
    eng = make_engine(db_url)
    migrated.fill_postgresql(eng)
    schema.upgrade(eng)  # a no-op after a fill; migrates a database the template could not serve
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def admin(factory: sessionmaker[Session]) -> Actor:
    user = add_user(factory, SYSTEM, username="admin", full_name="Ada Admin", role=Role.ADMIN,
                    password=ADMIN_PASSWORD)
    return actor_for(user)


def make_actor(factory: sessionmaker[Session], admin: Actor, role: Role, username: str | None = None) -> Actor:
    """A real user of `role` created through the service, for permission tests."""
    user = add_user(factory, admin, username=username or role.value, full_name=f"Test {role.label}",
                    role=role, password="password-123")
    return actor_for(user)


# -- the newest schema, made once per run by the real migrations and copied for each test ----------------
# Running the Alembic chain took 1–2 s per test and backend. The copy is exactly what the migrations made
# (triggers and all): the SQLite file itself, and on PostgreSQL the statements the migrations ran, replayed
# into the test's own schema. tests/test_schema*.py still migrate real databases step by step.


class MigratedTemplates:
    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._sqlite: Path | None = None
        self._statements: list[tuple[str, object, bool]] | None = None

    def fill_sqlite(self, url: str) -> None:
        """Copy the migrated file to a SQLite URL whose file does not exist yet (a fresh `db_url`)."""
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite" or not parsed.database or Path(parsed.database).exists():
            return
        if self._sqlite is None:
            path = self._directory / "migrated.db"
            eng = make_engine(f"sqlite:///{path}")
            try:
                schema.upgrade(eng)
                with eng.connect() as conn:  # everything in the main file: the copy is one file
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                eng.dispose()
            self._sqlite = path
        shutil.copyfile(self._sqlite, parsed.database)

    def fill_postgresql(self, eng: Engine) -> None:
        """Replay the migrations' statements into an engine's schema if it is still empty."""
        if eng.dialect.name != "postgresql":
            return
        with eng.connect() as conn:
            if conn.exec_driver_sql("SELECT count(*) FROM information_schema.tables "
                                    "WHERE table_schema = current_schema()").scalar():
                return
        statements = self._postgresql_statements()
        if not statements:
            return
        with eng.begin() as conn:
            cursor = conn.connection.dbapi_connection.cursor()
            try:
                for statement, parameters, many in statements:
                    if many:
                        cursor.executemany(statement, parameters)
                    else:
                        cursor.execute(statement, parameters or None)
            finally:
                cursor.close()

    def _postgresql_statements(self) -> list[tuple[str, object, bool]]:
        if self._statements is None:
            name = f"tpl_{uuid.uuid4().hex[:16]}"
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE SCHEMA {name}")
            seen: list[tuple[str, object, bool]] = []

            def record(_conn, _cursor, statement, parameters, _context, executemany) -> None:
                seen.append((statement, parameters, executemany))

            eng = make_engine(f"{PG_URL}?options=-csearch_path%3D{name}")
            try:
                event.listen(eng, "before_cursor_execute", record)
                schema.upgrade(eng)
            finally:
                eng.dispose()
                with admin.connect() as conn:
                    conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
                admin.dispose()
            # Reads (reflection, the empty backfill) change nothing; a statement naming the template's
            # schema could not be replayed elsewhere, so then every test migrates for itself as before.
            replay = [s for s in seen if not s[0].lstrip().upper().startswith("SELECT")]
            self._statements = [] if any(name in s[0] for s in replay) else replay
        return self._statements


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> MigratedTemplates:
    return MigratedTemplates(tmp_path_factory.mktemp("migrated"))


@contextmanager
def shared_database(backend: str, folder: Path, migrated: MigratedTemplates | None = None
                    ) -> Iterator[tuple[str, Engine]]:
    """A private migrated database for a module- or session-scoped fixture (a file in `folder`, or a fresh
    PostgreSQL schema), dropped afterwards. With `migrated` it is copied from the template, else migrated."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin: Engine | None = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'threadline.db'}"
    else:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {name}")
        url = f"{PG_URL}?options=-csearch_path%3D{name}"
    if migrated is not None:
        migrated.fill_sqlite(url)
    engine = make_engine(url)
    try:
        if migrated is not None:
            migrated.fill_postgresql(engine)
        schema.upgrade(engine)
        yield url, engine
    finally:
        engine.dispose()
        if admin is not None:
            drop_schema(admin, name)
            admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _garbage_collected_on_the_main_thread() -> Iterator[None]:
    """As in the application (app/ui/gc_timer.py): automatic collection off, so a cycle holding a Qt object
    is never destroyed by a background thread (a deadlock between the GIL and the object's mutex hung CI in
    tests/gui/test_spc_gui.py); `_collected` runs the collections between tests, on this thread."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collected() -> Iterator[None]:
    yield
    collect_due()


@pytest.fixture(autouse=True)
def _forget_engines() -> Iterator[None]:
    """Drop what the ORM cached per engine once the test is over.

    A mapper keeps the statements of bulk UPDATEs (the demo plant's lot balances, …) in an LRU cache keyed
    by the engine's dialect, so up to ~150 dead engines per mapper stayed reachable, each with every type
    and table its migrations had built: about 9,000 objects per test, which every garbage collection
    (and the final one at interpreter exit) had to walk.
    """
    yield
    for mapper in Base.registry.mappers:
        cache = mapper.__dict__.get("_compiled_cache")
        if cache is not None:
            cache.clear()
