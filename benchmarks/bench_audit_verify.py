"""Audit chain speed: append N audit rows through the sealing hook (as bulk services do, 10,000 per
statement), then `verify_chain` over all of them, on SQLite and PostgreSQL; prints rows/s.

    .venv/bin/python benchmarks/bench_audit_verify.py --backend both --rows 1000000
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from app.db import make_engine, make_session_factory  # noqa: E402
from app.models import AuditEvent  # noqa: E402
from app.services import schema  # noqa: E402
from app.services.audit import event_row  # noqa: E402
from app.services.audit_verify import verify_chain  # noqa: E402
from app.services.permissions import SYSTEM  # noqa: E402
from benchmarks.common import PG_URL, scratch_database  # noqa: E402

CHUNK = 10_000


def rows(start: int, count: int) -> list[dict]:
    """Realistic entries: measurement updates with old and new values, and serial creations."""
    made = []
    for i in range(start, start + count):
        if i % 2:
            made.append(event_row(SYSTEM, "update", table="measurements", row_id=str(uuid.uuid4()),
                                  old={"value": 10.0 + i % 97 / 1000, "passed": True},
                                  new={"value": 10.1 + i % 89 / 1000, "passed": i % 7 != 0},
                                  reason="re-measured after gauge swap"))
        else:
            made.append(event_row(SYSTEM, "create", table="items", row_id=str(uuid.uuid4()),
                                  new={"id": str(uuid.uuid4()), "code": f"S{i:08d}", "status": "quarantined",
                                       "quantity": 1.0, "is_serial": True, "heat_number": None}))
    return made


def run(backend: str, url: str, total: int) -> None:
    engine = make_engine(url)
    schema.upgrade(engine)
    factory = make_session_factory(engine)
    start = time.perf_counter()
    for offset in range(0, total, CHUNK):
        batch = rows(offset, min(CHUNK, total - offset))
        with engine.begin() as conn:
            conn.execute(insert(AuditEvent), batch)
    took = time.perf_counter() - start
    print(f"[{backend}] appended {total:,} sealed audit rows in {took:6.1f} s  "
          f"({total / took:10,.0f} rows/s, row generation included)")
    for _ in range(2):
        report = verify_chain(factory)
        assert report.intact and report.checked == total, report.describe()
        print(f"[{backend}] verified {report.checked:,} entries in {report.seconds:6.1f} s  "
              f"({report.checked / report.seconds:10,.0f} rows/s)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        with scratch_database(backend, args.pg_url) as url:
            run(backend, url, args.rows)


if __name__ == "__main__":
    main()
