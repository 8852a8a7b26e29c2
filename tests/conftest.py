"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, each in isolation.

PostgreSQL comes from THREADLINE_TEST_PG_URL (default: the local server's `test` database); each test
gets a schema of its own, selected through the URL, so subprocesses given the URL see the same data.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

# Before anything imports Qt: no screen on CI or on the bench-test machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real settings or database.
_sandbox = tempfile.mkdtemp(prefix="threadline-tests-")
os.environ["THREADLINE_DATA_DIR"] = os.path.join(_sandbox, "data")
os.environ["THREADLINE_CONFIG_DIR"] = os.path.join(_sandbox, "config")
os.environ.pop("THREADLINE_DB", None)

import pytest  # noqa: E402
from sqlalchemy import Engine, create_engine  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from app.db import make_engine, make_session_factory  # noqa: E402
from app.models import Role  # noqa: E402
from app.services import schema  # noqa: E402
from app.services.permissions import SYSTEM, Actor  # noqa: E402
from app.services.users import actor_for, add_user  # noqa: E402

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
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest schema."""
    eng = make_engine(db_url)
    schema.upgrade(eng)
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
