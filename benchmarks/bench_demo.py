"""Demo plant generator speed: build a plant of --units finished valves in an empty database (a temporary
SQLite file, a fresh PostgreSQL schema) and print units, seconds, units/s and rows/s per backend.

    .venv/bin/python benchmarks/bench_demo.py --units 100000 --backend both
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.db import make_engine, make_session_factory  # noqa: E402
from app.services import schema  # noqa: E402
from app.services.demo import build_demo_plant  # noqa: E402
from app.services.permissions import SYSTEM  # noqa: E402
from benchmarks.common import PG_URL, scratch_database  # noqa: E402


def bench(backend: str, units: int, seed: int, pg_url: str) -> None:
    with scratch_database(backend, pg_url) as url:
        engine = make_engine(url)
        try:
            schema.upgrade(engine)
            summary = build_demo_plant(make_session_factory(engine), SYSTEM, units=units, seed=seed)
        finally:
            engine.dispose()
    rows, seconds = sum(summary.counts.values()), summary.seconds
    print(f"{backend:<10} {summary.units:>9,} units {seconds:8.1f} s {summary.units / seconds:9,.0f} units/s "
          f"{rows:>12,} rows {rows / seconds:9,.0f} rows/s ({rows / summary.units:.1f} rows/unit)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_URL,
                        help="PostgreSQL server for the throw-away schema "
                             "(default: THREADLINE_TEST_PG_URL or the local server)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        bench(backend, args.units, args.seed, args.pg_url)


if __name__ == "__main__":
    main()
