"""Keeping the database's query planner informed after bulk loads (demo plants, imports)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker


def refresh_statistics(factory: sessionmaker[Session]) -> None:
    """Tell PostgreSQL's planner about rows just loaded in bulk. Without it, after a big load the planner
    guesses and picks scans: a reverse trace on a million-unit plant took 20 s instead of 21 ms until
    autovacuum caught up. SQLite is left alone: with statistics its planner chose worse plans for the
    trace than without (benchmarks/bench_trace.py at a million units)."""
    with factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
