"""Crash safety: a child process logs station steps without pause (real `record_step` calls: a saw step that
consumes bar and writes a genealogy link, then a turning step with two process parameters), printing one
acknowledgement line per step after its commit returned. The parent kills it with SIGKILL at random moments
(on PostgreSQL, optionally also cuts its connection with pg_terminate_backend first), starts it again, and
after every kill checks that

- every acknowledged step is in the database (lost must be 0),
- no step is half-written: a saw step without its genealogy link, a turning step without its parameters,
  a step, link or parameter row without its audit row or an audit row without its record, or a bar lot
  whose remaining quantity does not match the links that consumed it (half-written must be 0),
- SQLite's `PRAGMA integrity_check` says ok and no foreign key dangles.

    .venv/bin/python benchmarks/bench_crash.py --backend both --kills 200
    .venv/bin/python benchmarks/bench_crash.py --backend postgresql --kills 200 --cut

The child is forked from the parent after the imports (start-up in milliseconds, so 200 kills take minutes,
not a quarter of an hour); `--exec` starts a fresh interpreter each time instead.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select as sql_select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from app.db import make_engine, make_session_factory, normalise_url  # noqa: E402
from app.models import (  # noqa: E402
    AuditEvent,
    Equipment,
    GenealogyLink,
    Item,
    Operation,
    ParameterSource,
    PartDefinition,
    Route,
    StepParameter,
    StepRecord,
    User,
    WorkOrder,
    WorkOrderStatus,
)
from app.services import schema  # noqa: E402
from app.services.audit import ACTOR_KEY  # noqa: E402
from app.services.demo import build_demo_plant  # noqa: E402
from app.services.demo.catalogue import BAR, BODY  # noqa: E402
from app.services.errors import DomainError  # noqa: E402
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

ORDER = "WO-CRASH"
BAR_METRES = 5000.0
BAR_PER_BODY = 0.12  # the BOM quantity of bar per body (demo catalogue)
APP_NAME = "threadline_crash_child"
READINGS = (Reading("Spindle speed", 1600, unit="rpm", source=ParameterSource.SENSOR),
            Reading("Feed", 0.12, unit="mm/rev", source=ParameterSource.SENSOR))
AUDITED = ("step_records", "genealogy_links", "step_parameters")


@dataclass
class Outcome:
    backend: str
    kills: int = 0
    cuts: int = 0
    errors: int = 0  # failed writes the child saw (after a cut: expected; otherwise worth a look)
    acknowledged: int = 0
    steps_in_db: int = 0
    lost: int = 0
    half_written: int = 0
    integrity: str = "not checked"
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    acknowledged_ids: set[str] = field(default_factory=set, repr=False)
    child_died: str = ""  # the child stopped by itself: the run proves nothing and fails

    @property
    def passed(self) -> bool:
        return (not self.child_died and self.lost == 0 and self.half_written == 0
                and self.integrity in ("ok", "n/a (server)"))

    def summary(self) -> str:
        cut = f", connection cuts {self.cuts}" if self.cuts else ""
        cut += f", failed writes seen by the child {self.errors}" if self.errors else ""
        return (f"[{self.backend}] kills survived {self.kills}{cut}; acknowledged records "
                f"{self.acknowledged} (steps in database {self.steps_in_db}); lost {self.lost}; "
                f"half-written {self.half_written}; "
                f"integrity {self.integrity}; {self.seconds:.1f} s — {'PASS' if self.passed else 'FAIL'}"
                + (f" (child died by itself: {self.child_died})" if self.child_died else ""))


# --- the plant ---------------------------------------------------------------------------------------------

def prepare(url: str, seed: int = 42) -> None:
    """A 10-unit demo plant, calibrations in date, a released work order for bodies, a long bar lot and a
    first batch of bodies to saw."""
    engine = make_engine(url)
    schema.upgrade(engine)
    factory = make_session_factory(engine)
    build_demo_plant(factory, SYSTEM, units=10, seed=seed)
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM  # set-up as the system, audited like every write
        session.execute(update(Equipment).where(Equipment.calibration_due_on.isnot(None))
                        .values(calibration_due_on=date.today() + timedelta(days=90)))
        part = session.scalars(sql_select(PartDefinition).where(PartDefinition.part_number == BODY)).one()
        route = session.scalars(sql_select(Route).where(Route.part_id == part.id)).one()
        session.add(WorkOrder(number=ORDER, part_id=part.id, route_id=route.id, quantity=1_000_000,
                              status=WorkOrderStatus.RELEASED))
    operator, inspector = _person(factory, "op.schmidt"), _person(factory, "insp.novak")
    bar = receive(factory, operator, Receipt(part_number=BAR, supplier="EMS", supplier_lot="CRASH",
                                             quantity=BAR_METRES, heat_number="H-CRASH")).lot.code
    release(factory, inspector, bar)
    serialize(factory, operator, SerializeRequest(count=50, work_order=ORDER))
    engine.dispose()


def _person(factory: sessionmaker[Session], username: str) -> Actor:
    with factory() as session:
        return actor_for(session.scalars(sql_select(User).where(User.username == username)).one())


def _bar_code(session: Session) -> str:
    return session.scalars(sql_select(Item.code).join(PartDefinition, Item.part_id == PartDefinition.id)
                           .where(PartDefinition.part_number == BAR, Item.supplier_lot == "CRASH")).one()


# --- the child ---------------------------------------------------------------------------------------------

def child(url: str, ack: Callable[[str], None]) -> None:
    """Log steps until killed: turn what was sawn, saw what is new, make more bodies when none are left."""
    factory = make_session_factory(make_engine(_child_url(url), check=False))
    operator: Actor | None = None
    while True:
        try:
            if operator is None:  # inside the loop: a cut during start-up is survived like any other
                with factory() as session:
                    bar = _bar_code(session)
                operator = _person(factory, "op.schmidt")
                ack("READY")
            to_turn, to_saw = _work(factory)
            if not to_turn and not to_saw:
                serialize(factory, operator, SerializeRequest(count=50, work_order=ORDER))
                continue
            for body in to_turn:
                done = record_step(factory, operator, StepStart(station="TRN-PC1", items=(body,),
                                                                equipment="LTH-01"),
                                   StepCompletion(parameters=READINGS))
                ack(f"ACK turn {done.step_ids[0]}")
            for body in to_saw:
                done = record_step(factory, operator, StepStart(station="SAW-PC1", items=(body,),
                                                                equipment="SAW-01"),
                                   StepCompletion(components=(ComponentScan(bar),)))
                ack(f"ACK saw {done.step_ids[0]}")
                done = record_step(factory, operator, StepStart(station="TRN-PC1", items=(body,),
                                                                equipment="LTH-01"),
                                   StepCompletion(parameters=READINGS))
                ack(f"ACK turn {done.step_ids[0]}")
        except (DomainError, DBAPIError) as exc:
            # The connection was cut (pg_terminate_backend): the station shows it, reconnects, goes on.
            ack(f"ERR {type(exc).__name__}")


def _child_url(url: str) -> str:
    if make_url(normalise_url(url)).get_backend_name() == "sqlite":
        return url
    return url + ("&" if "?" in url else "?") + f"application_name={APP_NAME}"


def _work(factory: sessionmaker[Session]) -> tuple[list[str], list[str]]:
    """Bodies of the order with only their saw step (to turn), and with no step yet (to saw)."""
    with factory() as session:
        counts = (sql_select(Item.code, func.count(StepRecord.id))
                  .join(WorkOrder, Item.work_order_id == WorkOrder.id)
                  .outerjoin(StepRecord, StepRecord.item_id == Item.id)
                  .where(WorkOrder.number == ORDER).group_by(Item.code).order_by(Item.code))
        rows = session.execute(counts).all()
    return [code for code, n in rows if n == 1], [code for code, n in rows if n == 0][:20]


# --- the checks --------------------------------------------------------------------------------------------

def check(url: str, acknowledged: set[str], outcome: Outcome) -> None:
    """Everything acknowledged is there, nothing is half-written, the file is sound."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _check_rows(conn, acknowledged, outcome)
        if engine.url.get_backend_name() == "sqlite":
            db = sqlite3.connect(engine.url.database)
            try:
                result = "; ".join(r[0] for r in db.execute("PRAGMA integrity_check"))
                dangling = db.execute("PRAGMA foreign_key_check").fetchall()
            finally:
                db.close()
            if result != "ok" or dangling:
                outcome.integrity = f"{result}; {len(dangling)} dangling foreign keys"
            elif outcome.integrity == "not checked":
                outcome.integrity = "ok"
        else:
            outcome.integrity = "n/a (server)"
    finally:
        engine.dispose()


def _check_rows(conn, acknowledged: set[str], outcome: Outcome) -> None:  # type: ignore[no-untyped-def]
    with Session(conn) as session:
        order = session.scalars(sql_select(WorkOrder).where(WorkOrder.number == ORDER)).one()
        steps = session.execute(sql_select(StepRecord.id, Operation.seq)
                                .join(Operation, StepRecord.operation_id == Operation.id)
                                .where(StepRecord.work_order_id == order.id)).all()
        step_ids = {str(s) for s, _ in steps}
        links = session.execute(sql_select(GenealogyLink.id, GenealogyLink.step_id, GenealogyLink.quantity)
                                .where(GenealogyLink.step_id.in_([s for s, _ in steps]))).all()
        params = session.execute(sql_select(StepParameter.id, StepParameter.step_id)
                                 .where(StepParameter.step_id.in_([s for s, _ in steps]))).all()
        audited = {(t, r) for t, r in session.execute(
            sql_select(AuditEvent.table_name, AuditEvent.row_id).where(AuditEvent.table_name.in_(AUDITED)))}
        bar = session.scalars(sql_select(Item).join(PartDefinition, Item.part_id == PartDefinition.id)
                              .where(PartDefinition.part_number == BAR, Item.supplier_lot == "CRASH")).one()
        bar_used = session.scalar(sql_select(func.coalesce(func.sum(GenealogyLink.quantity), 0))
                                  .where(GenealogyLink.parent_item_id == bar.id))
    problems: list[str] = []
    outcome.steps_in_db = len(step_ids)
    lost = acknowledged - step_ids
    outcome.lost = len(lost)
    problems += [f"acknowledged step {s} is missing" for s in sorted(lost)[:5]]
    links_per = {s: 0 for s in step_ids}
    for _, step_id, _ in links:
        links_per[str(step_id)] += 1
    params_per = {s: 0 for s in step_ids}
    for _, step_id in params:
        params_per[str(step_id)] += 1
    half = []
    for step_id, seq in steps:
        key = str(step_id)
        wanted_links, wanted_params = (1, 0) if seq == 10 else (0, len(READINGS))
        if links_per[key] != wanted_links or params_per[key] != wanted_params:
            half.append(f"step {key} (op {seq}) has {links_per[key]} links and {params_per[key]} parameters")
        if ("step_records", key) not in audited:
            half.append(f"step {key} has no audit row")
    for table, rows in (("genealogy_links", links), ("step_parameters", params)):
        half += [f"{table} {row[0]} has no audit row" for row in rows if (table, str(row[0])) not in audited]
    # The other way round: an audit row saying a record of this run was made, without the record.
    known = {("step_records", s) for s in step_ids} | {("genealogy_links", str(r[0])) for r in links} \
        | {("step_parameters", str(r[0])) for r in params}
    orphans = [a for a in audited if a[0] == "step_records" and a not in known and _is_run_step(a[1], conn)]
    half += [f"audit row for {t} {r} without the record" for t, r in orphans]
    expected_left = BAR_METRES - float(bar_used)
    if abs(bar.quantity - expected_left) > 1e-4 * (1 + len(links)):
        half.append(f"bar lot holds {bar.quantity} m but its links used {bar_used} m of {BAR_METRES}")
    outcome.half_written = len(half)
    outcome.problems = problems + half[:10]


def _is_run_step(row_id: str, conn) -> bool:  # type: ignore[no-untyped-def]
    """A step_records audit row whose record is gone: it belongs to this run if its work order is ours."""
    with Session(conn) as session:
        event = session.scalars(sql_select(AuditEvent).where(AuditEvent.table_name == "step_records",
                                                             AuditEvent.row_id == row_id)).first()
        order = session.scalars(sql_select(WorkOrder.id).where(WorkOrder.number == ORDER)).one()
    work_order = (event.new_values or {}).get("work_order_id") if event else None
    return work_order is not None and str(work_order).replace("-", "") == str(order).replace("-", "")


# --- the parent --------------------------------------------------------------------------------------------

class Child:
    """One run of the child: forked (fast) or a fresh interpreter (`exec_`), acknowledgements on a pipe."""

    def __init__(self, url: str, exec_: bool) -> None:
        self.buffer = b""
        if exec_:
            self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, __file__, "--child", url], stdout=subprocess.PIPE)
            assert self.proc.stdout is not None
            self.pid, self.fd = self.proc.pid, self.proc.stdout.fileno()
            return
        self.proc = None
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller (pytest, the benchmark loop)
            os.close(read)
            try:
                child(url, lambda line: os.write(write, (line + "\n").encode()))
            except BaseException as exc:  # say why, or the parent only sees a child that never acknowledges
                os.write(write, f"DIED {type(exc).__name__}: {exc}\n".encode())
            finally:
                os._exit(1)
        os.close(write)
        self.pid, self.fd = pid, read

    def read(self, timeout: float) -> list[str]:
        """Complete lines that arrived within `timeout`; a line cut by the kill is not an acknowledgement."""
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                break
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            self.buffer += chunk
            *done, self.buffer = self.buffer.split(b"\n")
            lines += [line.decode() for line in done]
        return lines

    def read_until(self, wanted: str, timeout: float) -> list[str]:
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        while wanted not in lines and time.monotonic() < deadline:
            lines += self.read(min(0.05, max(0.0, deadline - time.monotonic())))
        return lines

    def kill(self) -> list[str]:
        os.kill(self.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
        else:
            os.waitpid(self.pid, 0)
        rest = self.read(0.5)  # what was written before the kill: the pipe keeps it
        os.close(self.fd) if self.proc is None else self.proc.stdout.close()  # type: ignore[union-attr]
        return rest


def cut_connection(url: str) -> int:
    """End the child's server session the way a dropped network does to the station: from outside."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE application_name = :name"), {"name": APP_NAME}).scalar_one()
            conn.commit()
            return int(n)
    finally:
        engine.dispose()


def run(url: str, backend: str, *, kills: int, seed: int = 1, cut: bool = False, exec_: bool = False,
        max_life: float = 0.8, log: Callable[[str], None] = print) -> Outcome:
    """Prepare the plant at `url`, then `kills` rounds of start → log → (cut) → SIGKILL → check."""
    rng = random.Random(seed)
    started = time.perf_counter()
    prepare(url)
    outcome = Outcome(backend)
    acknowledged = outcome.acknowledged_ids
    for round_ in range(1, kills + 1):
        child_run = Child(url, exec_)
        if rng.random() < 0.1:  # now and then a kill while it connects and reads its work
            lines = child_run.read(rng.uniform(0.0, 0.1))
        else:  # otherwise at a random moment of its logging, however long start-up took on a busy box
            lines = child_run.read_until("READY", 60.0)
            if not acknowledged:  # a busy box must not turn every life into a kill before the first commit
                deadline = time.monotonic() + 60.0
                while not any(line.startswith(("ACK ", "DIED ")) for line in lines) \
                        and time.monotonic() < deadline:
                    lines += child_run.read(0.2)
            lines += child_run.read(rng.uniform(0.02, max_life))
        if cut and rng.random() < 0.5:
            if cut_connection(url):
                outcome.cuts += 1
            lines += child_run.read(rng.uniform(0.05, max_life / 2))  # it notices, reconnects, goes on
        lines += child_run.kill()
        acknowledged |= {line.split()[2] for line in lines if line.startswith("ACK ")}
        outcome.errors += sum(line.startswith("ERR ") for line in lines)
        died = [line for line in lines if line.startswith("DIED ")]
        if died:
            outcome.child_died = died[0]
            log(f"round {round_}: the child died by itself: {died[0]}")
            break
        outcome.kills = round_
        outcome.acknowledged = len(acknowledged)
        check(url, acknowledged, outcome)
        if not outcome.passed:
            log(f"round {round_}: " + "; ".join(outcome.problems) + f" integrity {outcome.integrity}")
            break
        if round_ % 25 == 0:
            log(f"  … {round_} kills, {len(acknowledged)} acknowledged, all present")
    outcome.seconds = time.perf_counter() - started
    return outcome


def main() -> int:
    from benchmarks.common import PG_URL, scratch_database

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--cut", action="store_true",
                        help="PostgreSQL: in about half the rounds, cut the child's connection before "
                        "the kill")
    parser.add_argument("--exec", dest="exec_", action="store_true",
                        help="a fresh interpreter per child instead of a fork")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, lambda line: (sys.stdout.write(line + "\n"), sys.stdout.flush()))
        return 0
    failed = False
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        with scratch_database(backend, args.pg_url) as url:
            outcome = run(url, backend, kills=args.kills, seed=args.seed, exec_=args.exec_,
                          cut=args.cut and backend == "postgresql")
        print(outcome.summary(), flush=True)
        failed |= not outcome.passed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
