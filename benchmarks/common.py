"""Shared by the benchmark scripts: throw-away databases on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

PG_URL = os.environ.get("THREADLINE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def scratch_database(backend: str, pg_url: str = PG_URL) -> Iterator[str]:
    """The URL of an empty database: a temporary SQLite file, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="threadline-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    try:
        yield f"{pg_url}?options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()


def kept_schema(pg_url: str, name: str) -> str:
    """The URL of PostgreSQL schema `name`, created if missing and left in place for the next run."""
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{name}"')
    admin.dispose()
    return f"{pg_url}?options=-csearch_path%3D{name}"


def demo_plant(url: str, units: int, seed: int, label: str = "") -> tuple[Engine, sessionmaker[Session]]:
    """An engine and session factory on `url`, with a demo plant of `units` built there unless one is."""
    from app.db import make_engine, make_session_factory
    from app.models import Item
    from app.services import schema
    from app.services.demo import build_demo_plant
    from app.services.permissions import SYSTEM

    engine = make_engine(url)
    schema.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        built = session.scalar(select(func.count()).select_from(Item))
    if not built:
        start = time.perf_counter()
        build_demo_plant(factory, SYSTEM, units=units, seed=seed)
        print(f"{label}built a {units:,}-unit plant in {time.perf_counter() - start:.1f} s")
    return engine, factory
