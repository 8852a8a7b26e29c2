"""Keeping the database's query planner informed after bulk loads (demo plants, imports)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.models import Base


def refresh_statistics(factory: sessionmaker[Session]) -> None:
    """Tell PostgreSQL's planner about rows just loaded in bulk. Without it, after a big load the planner
    guesses and picks scans: a reverse trace on a million-unit plant took 20 s instead of 21 ms until
    autovacuum caught up. SQLite is left alone: with statistics its planner chose worse plans for the
    trace than without (benchmarks/bench_trace.py at a million units).

    Only Threadline's own tables, in the schema the connection uses: a bare ANALYZE walks every table of
    the database, which on a shared server may hold other applications' (or other tests') schemas."""
    with factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            names = ", ".join(session.get_bind().dialect.identifier_preparer.quote(table.name)
                              for table in Base.metadata.sorted_tables)
            session.execute(text(f"ANALYZE {names}"))
            session.commit()
