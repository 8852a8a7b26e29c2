"""SPC and defect-analysis reads on a big demo plant: the grinding bore's series (~one point per unit), the
grinding operation's dashboard, the picker, the change marker, the Pareto and the rate trend; median and
fastest of several runs each, on a warm database.

    .venv/bin/python benchmarks/bench_spc_data.py --units 100000 --backend both
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, text  # noqa: E402

from app.models import Characteristic, InspectionPlan  # noqa: E402
from app.services.defect_analysis import defect_pareto, defect_rate_trend  # noqa: E402
from app.services.spc_data import (  # noqa: E402
    change_marker,
    characteristic_series,
    dashboard,
    operations_with_characteristics,
)
from app.services.spc_views import CharacteristicState  # noqa: E402
from benchmarks.common import PG_URL, demo_plant, scratch_database  # noqa: E402


def timed(task: Callable[[], str], repeat: int) -> tuple[str, str]:
    times, result = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        result = task()
        times.append(time.perf_counter() - start)
    return f"median {statistics.median(times) * 1000:8.1f} ms   fastest {min(times) * 1000:8.1f} ms", result


def run(backend: str, url: str, units: int, seed: int, repeat: int) -> None:
    engine, factory = demo_plant(url, units, seed, f"[{backend}] ")
    if backend == "postgresql":
        # Planner statistics, as autovacuum gathers them on a server in use; a fresh bulk load has none.
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    with factory() as session:
        bore, grinding = session.execute(
            select(Characteristic.id, InspectionPlan.operation_id).join(InspectionPlan)
            .where(Characteristic.name.like("Bore diameter%"))).one()
    # Each task returns a line about its result; formatting it is negligible next to the query.
    tasks: list[tuple[str, Callable[[], str]]] = [
        ("series of the bore, all points", lambda: f"{len(characteristic_series(factory, bore)):,} points"),
        ("series of the bore, newest 5,000",
         lambda: f"{len(characteristic_series(factory, bore, limit=5000)):,} points"),
        ("dashboard of grinding, whole history", lambda: _states(dashboard(factory, grinding))),
        ("dashboard of grinding, baseline 100, recent 50",
         lambda: _states(dashboard(factory, grinding, baseline=100, recent=50))),
        ("operations for the picker", lambda: f"{len(operations_with_characteristics(factory))} operations"),
        ("change marker, all measurements", lambda: f"{change_marker(factory)[0]:,} rows"),
        ("change marker, the bore", lambda: f"{change_marker(factory, bore)[0]:,} rows"),
        ("defect Pareto", lambda: f"{len(defect_pareto(factory))} codes"),
        ("defect rate trend by operation and week",
         lambda: f"{sum(r.inspected for r in defect_rate_trend(factory, by='operation', period='week')):,} "
                 "records"),
    ]
    for label, task in tasks:
        task()  # warm the database cache and the engine's compiled-statement cache
        figures, result = timed(task, repeat)
        print(f"[{backend}] {label:<48} {figures}   {result}")
    engine.dispose()


def _states(states: list[CharacteristicState]) -> str:
    return "; ".join(f"{s.characteristic.name}: {s.text}" for s in states)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sqlite-file", help="reuse (or keep) the SQLite plant in this file")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        if backend == "sqlite" and args.sqlite_file:
            run(backend, f"sqlite:///{args.sqlite_file}", args.units, args.seed, args.repeat)
            continue
        with scratch_database(backend, args.pg_url) as url:
            run(backend, url, args.units, args.seed, args.repeat)


if __name__ == "__main__":
    main()
