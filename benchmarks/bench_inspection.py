"""Inspection form speed: create a plan of --characteristics characteristics, then per round open the form for
a new item (record created and loaded), reload it, enter every value one by one as the form saves them, and
sign it (argon2 password check included, and timed alone too). Prints medians (p95 per value) per backend.

Then the same in the GUI (the Inspection page offscreen, with the application's style sheet): per round a new
item is scanned and the time to the form on screen is taken (lookup, record opened, every row built, laid out
and painted); every value is typed into its field and saved with Enter, as an inspector does; and the record is
signed in the signature window, timed from the password's Enter to the signed, read-only form on screen.
Prints median and p95 per backend.

    .venv/bin/python benchmarks/bench_inspection.py --characteristics 100 --rounds 5 --backend both
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.db import make_engine, make_session_factory  # noqa: E402
from app.models import (  # noqa: E402
    Classification,
    Equipment,
    EquipmentKind,
    Item,
    ItemStatus,
    Operation,
    PartDefinition,
    PlanType,
    Role,
    Route,
    Tracking,
)
from app.models.base import uuid7  # noqa: E402
from app.services import schema  # noqa: E402
from app.services.inspection import (  # noqa: E402
    AttributeResult,
    CharacteristicDefinition,
    PlanDefinition,
    TypedValue,
    create_plan,
    load_form,
    open_record,
    record_value,
    sign_record,
)
from app.services.permissions import SYSTEM  # noqa: E402
from app.services.users import actor_for, add_user, authenticate  # noqa: E402
from benchmarks.common import PG_URL, scratch_database  # noqa: E402

P = ParamSpec("P")
T = TypeVar("T")
PASSWORD = "bench-password-1"


def timed(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> tuple[T, float]:
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return result, time.perf_counter() - started


def plan_of(size: int) -> PlanDefinition:
    """Four measured characteristics (one read to 3 decimals) for every pass/fail check."""
    characteristics = tuple(
        CharacteristicDefinition.attribute(f"Visual check {i}", Classification.MINOR) if i % 5 == 4 else
        CharacteristicDefinition.variable(f"Diameter {i}", Classification.MAJOR, unit="mm", decimals=3,
                                          nominal=10.0 + i, tolerance=0.02, gauge_type="Caliper")
        for i in range(size))
    return PlanDefinition("BENCH-1", "A", PlanType.FINAL, 10, characteristics)


def p95(values: list[float]) -> float:
    # Inclusive: with a handful of rounds the 95th percentile lies between the two slowest, not beyond them.
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def bench(backend: str, size: int, rounds: int, pg_url: str) -> None:
    with scratch_database(backend, pg_url) as url:
        engine = make_engine(url)
        try:
            schema.upgrade(engine)
            factory = make_session_factory(engine)
            admin = actor_for(add_user(factory, SYSTEM, username="admin", full_name="Admin", role=Role.ADMIN,
                                       password=PASSWORD))
            engineer, inspector = (actor_for(add_user(factory, admin, username=name, full_name=name, role=role,
                                                      password=PASSWORD))
                                   for name, role in (("qe", Role.QUALITY_ENGINEER), ("insp", Role.INSPECTOR)))
            items = _master_data(factory, rounds)
            plan, plan_seconds = timed(create_plan, factory, engineer, plan_of(size))
            opened, reloaded, per_value, entered, signed, password = [], [], [], [], [], []
            for item in items:
                form, seconds = timed(open_record, factory, inspector, item, PlanType.FINAL)
                opened.append(seconds)
                reloaded.append(timed(load_form, factory, form.id)[1])
                version, started = form.version, time.perf_counter()
                for field in form.slots:
                    c = field.characteristic
                    entry = (AttributeResult(True, gauge="CAL-01") if c.unit is None else
                             TypedValue(f"{c.nominal:.3f}", "CAL-01"))
                    saved, seconds = timed(record_value, factory, inspector, form.id, c.id, entry, version=version)
                    version = saved.version
                    per_value.append(seconds)
                entered.append(time.perf_counter() - started)
                password.append(timed(authenticate, factory, inspector.username, PASSWORD)[1])
                signed.append(timed(sign_record, factory, inspector, form.id, password=PASSWORD, version=version)[1])
        finally:
            engine.dispose()
    ms = 1000.0
    p95_value = statistics.quantiles(per_value, n=20)[-1]
    print(f"{backend:<10} {len(plan.characteristics)} characteristics, {rounds} forms: "
          f"create plan {plan_seconds * ms:6.0f} ms | open form {statistics.median(opened) * ms:5.0f} ms "
          f"(reload {statistics.median(reloaded) * ms:4.0f} ms) | enter {size} values "
          f"{statistics.median(entered):5.2f} s (per value median {statistics.median(per_value) * ms:4.1f} ms, "
          f"p95 {p95_value * ms:4.1f} ms) | sign {statistics.median(signed) * ms:4.0f} ms (of which the argon2 "
          f"password check {statistics.median(password) * ms:3.0f} ms)", flush=True)


def bench_gui(backend: str, size: int, rounds: int, pg_url: str) -> None:
    """The Inspection page driven as an inspector drives it, timed at the moments the inspector waits."""
    from PySide6.QtWidgets import QApplication

    from app.config import Settings
    from app.services.inspection import AttributeResult
    from app.ui.application import configure
    from app.ui.inspection_page import InspectionPage
    from app.ui.tasks import TaskRunner
    from app.ui.workspaces import PageContext

    application = QApplication.instance() or QApplication(sys.argv)
    configure(application, None)  # the real style sheet: re-polishing rows under it is part of the cost
    with scratch_database(backend, pg_url) as url, tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url)
        runner = TaskRunner()
        try:
            schema.upgrade(engine)
            factory = make_session_factory(engine)
            admin = actor_for(add_user(factory, SYSTEM, username="admin", full_name="Admin", role=Role.ADMIN,
                                       password=PASSWORD))
            engineer, inspector = (actor_for(add_user(factory, admin, username=name, full_name=name, role=role,
                                                      password=PASSWORD))
                                   for name, role in (("qe", Role.QUALITY_ENGINEER), ("insp", Role.INSPECTOR)))
            _master_data(factory, rounds)
            create_plan(factory, engineer, plan_of(size))
            page = InspectionPage(PageContext(factory, inspector, runner, Settings(Path(folder) / "s.json")))
            page.resize(1600, 1000)
            page.show()
            _settle(application)
            opened, per_value, signed = [], [], []
            for n in range(rounds):
                started = time.perf_counter()
                _until(application, page.form_shown, lambda code=f"B-{n:05d}": page.accept_scan(code))
                _settle(application, page)
                opened.append(time.perf_counter() - started)
                for row in page.form.rows:
                    c = row.characteristic
                    started = time.perf_counter()
                    if row.variable:
                        _until(application, page.entry_saved, lambda r=row, c=c: r.take_text(f"{c.nominal:.3f}"))
                    else:
                        _until(application, page.entry_saved, lambda r=row: r.submit(AttributeResult(True)))
                    per_value.append(time.perf_counter() - started)
                page.request_signature()
                dialog = page.sign_dialog
                assert dialog is not None
                dialog.password.setText(PASSWORD)
                started = time.perf_counter()
                _until(application, page.inspection_signed, dialog.submit)
                _settle(application, page)
                signed.append(time.perf_counter() - started)
                assert not page.answer.form.editable and len(page.form.rows) == size
            page.close()
        finally:
            runner.shutdown(wait=True)
            engine.dispose()
    ms = 1000.0
    print(f"{backend:<10} GUI, {size} characteristics, {rounds} forms: open form (scan to form shown) median "
          f"{statistics.median(opened) * ms:5.0f} ms, p95 {p95(opened) * ms:5.0f} ms | enter a value (typed, "
          f"Enter, saved) median {statistics.median(per_value) * ms:4.1f} ms, p95 {p95(per_value) * ms:4.1f} ms | "
          f"sign (password Enter to signed form shown) median {statistics.median(signed) * ms:4.0f} ms, p95 "
          f"{p95(signed) * ms:4.0f} ms", flush=True)


def _until(application: Any, signal: Any, action: Callable[[], object], timeout: float = 120.0) -> None:
    """Do `action` and run the event loop until `signal` comes (the worker's answer shown)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, came = QEventLoop(), []

    def done(*_: object) -> None:
        came.append(True)
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    action()
    if not came:
        loop.exec()
    signal.disconnect(done)
    if not came:
        raise TimeoutError(f"no answer within {timeout:.0f} s")


def _settle(application: Any, widget: Any = None) -> None:
    """Let queued shows and layouts run, then paint: the form is on screen when this returns."""
    application.processEvents()
    application.processEvents()
    if widget is not None:
        widget.repaint()


def _master_data(factory: sessionmaker[Session], rounds: int) -> list[uuid.UUID]:
    """A part with a route, one serial per round, and a calibrated caliper."""
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        part = PartDefinition(id=uuid7(), part_number="BENCH-1", revision="A", description="Bench part",
                              tracking=Tracking.SERIAL)
        route = Route(id=uuid7(), part_id=part.id, version=1, active=True)
        session.add(part)
        session.flush()
        session.add(route)
        session.flush()
        session.add(Operation(route_id=route.id, seq=10, name="Final inspection", work_center="Quality lab"))
        session.add(Equipment(code="CAL-01", name="Digital caliper 0–150 mm", kind=EquipmentKind.GAUGE,
                              calibration_due_on=date.today() + timedelta(days=365)))
        items = [Item(id=uuid7(), part_id=part.id, code=f"B-{n:05d}", is_serial=True, quantity=1,
                      initial_quantity=1, status=ItemStatus.RELEASED) for n in range(rounds)]
        session.add_all(items)
    return [item.id for item in items]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characteristics", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="forms opened, filled and signed")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--no-gui", action="store_true", help="only the services, not the Inspection page")
    parser.add_argument("--pg-url", default=PG_URL,
                        help="PostgreSQL server for the throw-away schema "
                             "(default: THREADLINE_TEST_PG_URL or the local server)")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        bench(backend, args.characteristics, args.rounds, args.pg_url)
    if not args.no_gui:
        for backend in backends:
            bench_gui(backend, args.characteristics, args.rounds, args.pg_url)


if __name__ == "__main__":
    main()
