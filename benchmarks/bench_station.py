"""Station speed on a demo plant: scan-to-committed-step latency of `record_step` (median, p95) — a saw step
that consumes bar and a turning step with two sensor readings, each from the scanned serial to the commit —
the time to receive 10,000 serials in one goods-in (and to release them), and to make 10,000 serials from
one bar lot (each with its genealogy link).

    .venv/bin/python benchmarks/bench_station.py --backend both
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, update  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from app.db import make_engine, make_session_factory  # noqa: E402
from app.models import (  # noqa: E402
    Equipment,
    ParameterSource,
    PartDefinition,
    Route,
    User,
    WorkOrder,
    WorkOrderStatus,
)
from app.services import schema  # noqa: E402
from app.services.audit import ACTOR_KEY  # noqa: E402
from app.services.demo import build_demo_plant  # noqa: E402
from app.services.demo.catalogue import BAR, BODY  # noqa: E402
from app.services.permissions import SYSTEM, Actor  # noqa: E402
from app.services.station import (  # noqa: E402
    ComponentScan,
    Reading,
    Receipt,
    SerializeRequest,
    StepCompletion,
    StepStart,
    receive,
    record_step,
    release,
    serialize,
)
from app.services.users import actor_for  # noqa: E402
from benchmarks.common import PG_URL, scratch_database  # noqa: E402

ORDER = "WO-BENCH"


def summary(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"median {statistics.median(times) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  (n={len(times)})"


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def prepare(factory: sessionmaker[Session], bodies: int) -> None:
    """A released work order for bodies, and every calibration in date (the demo dates them months ago)."""
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        session.execute(update(Equipment).where(Equipment.calibration_due_on.isnot(None))
                        .values(calibration_due_on=date.today() + timedelta(days=90)))
        part = session.scalars(select(PartDefinition).where(PartDefinition.part_number == BODY)).one()
        route = session.scalars(select(Route).where(Route.part_id == part.id)).one()
        session.add(WorkOrder(number=ORDER, part_id=part.id, route_id=route.id, quantity=bodies,
                              status=WorkOrderStatus.RELEASED))


def person(factory: sessionmaker[Session], username: str) -> Actor:
    with factory() as session:
        return actor_for(session.scalars(select(User).where(User.username == username)).one())


def run(backend: str, url: str, units: int, steps: int, serials: int) -> None:
    engine = make_engine(url)
    schema.upgrade(engine)
    factory = make_session_factory(engine)
    start = time.perf_counter()
    build_demo_plant(factory, SYSTEM, units=units, seed=42)
    print(f"[{backend}] demo plant of {units:,} units built in {time.perf_counter() - start:.1f} s")
    prepare(factory, steps)
    operator, inspector = person(factory, "op.schmidt"), person(factory, "insp.novak")
    bar = receive(factory, operator, Receipt(part_number=BAR, supplier="EMS", supplier_lot="BENCH",
                                             quantity=steps * 0.12 + 1, heat_number="H-BENCH")).lot.code
    release(factory, inspector, bar)
    made = serialize(factory, operator, SerializeRequest(count=steps, work_order=ORDER))
    bodies = [view.code for view in made.created]

    saw = [timed(lambda body=body: record_step(
        factory, operator, StepStart(station="SAW-PC1", items=(body,), equipment="SAW-01"),
        StepCompletion(components=(ComponentScan(bar),)))) for body in bodies]
    readings = (Reading("Spindle speed", 1600, unit="rpm", source=ParameterSource.SENSOR),
                Reading("Feed", 0.12, unit="mm/rev", source=ParameterSource.SENSOR))
    turn = [timed(lambda body=body: record_step(
        factory, operator, StepStart(station="TRN-PC1", items=(body,), equipment="LTH-01"),
        StepCompletion(parameters=readings))) for body in bodies]
    print(f"[{backend}] record_step, saw (consumes bar, genealogy link):  {summary(saw)}")
    print(f"[{backend}] record_step, turning (two sensor readings):      {summary(turn)}")

    received = []
    took = timed(lambda: received.append(receive(factory, operator, Receipt(
        part_number=BODY, supplier="EMS", supplier_lot="BENCH-SERIALS", quantity=serials, serials=serials))))
    print(f"[{backend}] goods-in of {serials:,} serials in one receipt:      {took:6.2f} s")
    took = timed(lambda: release(factory, inspector, received[0].lot.code))
    print(f"[{backend}] release of those {serials:,} serials:               {took:6.2f} s")
    stock = receive(factory, operator, Receipt(part_number=BAR, supplier="EMS", supplier_lot="BENCH-STOCK",
                                               quantity=serials * 0.12)).lot.code
    release(factory, inspector, stock)
    took = timed(lambda: serialize(factory, operator, SerializeRequest(count=serials, work_order=ORDER,
                                                                       source=stock)))
    print(f"[{backend}] {serials:,} serials made from one bar lot:         {took:6.2f} s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--units", type=int, default=1000, help="size of the demo plant underneath")
    parser.add_argument("--steps", type=int, default=200, help="steps timed per kind")
    parser.add_argument("--serials", type=int, default=10_000)
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        with scratch_database(backend, args.pg_url) as url:
            run(backend, url, args.units, args.steps, args.serials)


if __name__ == "__main__":
    main()
