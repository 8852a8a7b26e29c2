"""A station bench for the Station page tests: the demo valve shop made ready for a new order of bodies
(bar received and released, a held bar lot, a seal-kit lot, new serials, process parameters with sensor
sources), and a main window whose scanner is a simulator on a real pty — scans reach the page through the
device reader thread and the main window, exactly as on the shop floor."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import create_engine, make_url, select, update

from app.devices.profiles import BUILT_IN
from app.devices.reader import Backoff
from app.db import make_engine, make_session_factory
from app.devices.simulators import Simulator
from app.models import (
    Equipment,
    Item,
    ItemStatus,
    Nonconformance,
    NonconformanceStatus,
    OnViolation,
    PartDefinition,
    Route,
    SensorKind,
    WorkOrder,
    WorkOrderStatus,
    nonconformance_items,
)
from app.services import schema
from app.services.audit import ACTOR_KEY
from app.services.demo import DEMO_PASSWORD, build_demo_plant
from app.services.permissions import SYSTEM, Actor
from app.services.station import Receipt, SerializeRequest, receive, release, serialize
from app.services.station.parameter_setup import define_parameter, define_source
from app.services.station.views import ParameterDefinition, SourceDefinition
from app.services.users import authenticate
from app.ui.application import configure
from app.ui.main_window import MainWindow
from app.ui.station_page import StationPage
from tests.conftest import PG_URL
from tests.gui.conftest import DEMO_UNITS

BODY, BAR, SEALS = "VB-4711", "RB-14404-040", "ORK-4711"
ORDER = "WO-T-BODY"
SCANNER = BUILT_IN["scanner-cr"]
FAST = Backoff(initial=0.01, cap=0.05)
WAIT_MS = 15_000
SPINDLE_TOPIC = "plant/lth-01/spindle"


@dataclass(frozen=True)
class Shop:
    operator: Actor
    inspector: Actor
    bar: str  # 6 m of bar, released
    held_bar: str  # bar on hold under an open NCR
    seals: str  # a seal-kit lot: a real lot, the wrong part for a body
    bodies: tuple[str, ...]  # new serials of the order, nothing done yet


def set_up_shop(factory) -> Shop:
    """The calibration lab's round (the demo dates calibrations months back; CAL-03 stays overdue), an order
    for bodies, its material, and the parameters quality engineering asks for at turning and heat
    treatment — spindle speed read from the lathe over MQTT, the rest typed."""
    operator = authenticate(factory, "op.schmidt", DEMO_PASSWORD)
    inspector = authenticate(factory, "insp.novak", DEMO_PASSWORD)
    engineer = authenticate(factory, "qe.mueller", DEMO_PASSWORD)
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        session.execute(update(Equipment).where(Equipment.calibration_due_on.isnot(None),
                                                Equipment.code != "CAL-03")
                        .values(calibration_due_on=date.today() + timedelta(days=90)))
        part = session.scalars(select(PartDefinition).where(PartDefinition.part_number == BODY)).one()
        route = session.scalars(select(Route).where(Route.part_id == part.id)).one()
        session.add(WorkOrder(number=ORDER, part_id=part.id, route_id=route.id, quantity=3,
                              status=WorkOrderStatus.RELEASED))

    def received(part_number: str, supplier: str, quantity: float, **fields) -> str:
        lot = receive(factory, operator, Receipt(part_number=part_number, supplier=supplier,
                                                 supplier_lot=f"T-{uuid.uuid4().hex[:6]}", quantity=quantity,
                                                 station="GR-PC1", **fields)).lot.code
        release(factory, inspector, lot)
        return lot

    bar = received(BAR, "EMS", 6.0, heat_number="H-TEST-77", material_cert_ref="3.1-EMS-77")
    held_bar = received(BAR, "EMS", 4.0, heat_number="H-TEST-78", material_cert_ref="3.1-EMS-78")
    seals = received(SEALS, "MTS", 20)
    put_on_hold(factory, held_bar, inspector, "NCR-T-0001")
    bodies = tuple(v.code for v in serialize(factory, operator, SerializeRequest(count=3, work_order=ORDER))
                   .created)
    # The demo asks for these already; set here, they hold whatever the demo's catalogue says next.
    for seq, name, unit, low, high, rule in (
            (20, "Spindle speed", "rpm", 1500, 1700, OnViolation.BLOCK),
            (20, "Feed", "mm/rev", 0.10, 0.14, OnViolation.FLAG),
            (20, "Coolant concentration", "%", 5, 9, OnViolation.BLOCK),  # a refractometer, read by eye
            (30, "Furnace temperature", "°C", 1040, 1080, OnViolation.BLOCK)):
        define_parameter(factory, engineer, ParameterDefinition(BODY, seq, name, unit, low, high,
                                                                on_violation=rule))
    define_source(factory, engineer, SourceDefinition("LTH-01", "Spindle speed", SensorKind.MQTT,
                                                      SPINDLE_TOPIC, unit="rpm"))
    return Shop(operator, inspector, bar, held_bar, seals, bodies)


# -- one shop per test module and backend, copied for each test -------------------------------------------


@dataclass(frozen=True)
class ShopTemplate:
    """A database with the demo plant and the shop set up, built once per module: each test gets a copy
    (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL), which takes a fraction of the
    seconds that building it again would."""

    backend: str
    source: str  # the SQLite file, or the PostgreSQL database to copy
    plant: Any
    shop: Shop


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shop_template(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[ShopTemplate]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("shop") / "template.db"
        url, admin = f"sqlite:///{path}", None
    else:
        path, admin = None, create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = f"tpl_{uuid.uuid4().hex[:16]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        schema.upgrade(engine)
        factory = make_session_factory(engine)
        plant = build_demo_plant(factory, SYSTEM, units=DEMO_UNITS, seed=3)
        shop = set_up_shop(factory)
        if path is not None:
            with engine.connect() as conn:  # everything in the main file: the copy is one file
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()  # a template database takes no connections while it is copied
    try:
        yield ShopTemplate(request.param, str(path) if path else name, plant, shop)
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()


@pytest.fixture
def db_url(shop_template: ShopTemplate, tmp_path: Path) -> Iterator[str]:
    """Overrides tests/conftest.py's empty database with a private copy of the module's shop."""
    if shop_template.backend == "sqlite":
        copy = tmp_path / "threadline.db"
        shutil.copyfile(shop_template.source, copy)
        yield f"sqlite:///{copy}"
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {shop_template.source}")
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def plant(shop_template: ShopTemplate, factory):
    return shop_template.plant


@pytest.fixture
def shop(shop_template: ShopTemplate, factory) -> Shop:
    return shop_template.shop


def put_on_hold(factory, code: str, inspector: Actor, ncr: str) -> None:
    """Quality holds a lot under an NCR (set-up behind the services' back, as the station tests do)."""
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        item = session.scalars(select(Item).where(Item.code == code)).one()
        item.status = ItemStatus.ON_HOLD
        nc = Nonconformance(id=uuid.uuid4(), number=ncr, description="Mo content below EN 10088-3",
                            status=NonconformanceStatus.OPEN, opened_by_id=inspector.user_id)
        session.add(nc)
        session.flush()
        session.execute(nonconformance_items.insert().values(nonconformance_id=nc.id, item_id=item.id))


def set_calibration(factory, code: str, due: date) -> None:
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        session.execute(update(Equipment).where(Equipment.code == code).values(calibration_due_on=due))


class Bench:
    """The operator's hands: scans from the pty scanner, keys and clicks through qtbot."""

    def __init__(self, qtbot, window: MainWindow, page: StationPage, scanner: Simulator) -> None:
        self.qtbot, self.window, self.page, self.scanner = qtbot, window, page, scanner

    def at(self, station: str) -> None:
        """The bench PC is (re)named in Settings, and the page comes to the front again."""
        self.page.context.settings.set("station.name", station)
        self.window.show_workspace("station")
        self.qtbot.waitUntil(lambda: self.page.station.work_center != "", timeout=WAIT_MS)

    def scan(self, text: str, expect: str) -> None:
        """A barcode read by the scanner on the pty: Code 128, AIM identifier, CR."""
        with self.qtbot.waitSignal(self.page.result_shown, timeout=WAIT_MS) as shown:
            self.scanner.send(f"]C0{text}")
        assert shown.args == [expect], self.said()

    def press(self, action, expect: str) -> None:
        with self.qtbot.waitSignal(self.page.result_shown, timeout=WAIT_MS) as shown:
            action()
        assert shown.args == [expect], self.said()

    def ctrl_enter(self, expect: str) -> None:
        self.press(lambda: self.qtbot.keyClick(self.page.scan_field, Qt.Key.Key_Return,
                                               Qt.KeyboardModifier.ControlModifier), expect)

    def type_parameter(self, name: str, text: str) -> None:
        field = self.page.parameter_form.fields[name]
        field.setFocus()
        field.selectAll()  # typing replaces what is there
        self.qtbot.keyClicks(field, text)
        self.qtbot.keyClick(field, Qt.Key.Key_Return)

    def enter(self, name: str, value: float) -> None:
        """A sensor-fed parameter as its sensor reads it now; any other typed."""
        spec = next(e.spec for e in self.page.draft.parameters if e.spec.name == name)
        if spec.sensor:
            assert self.page.set_sensor_value(spec.sensor, value, spec.unit, datetime.now(UTC))
        else:
            self.type_parameter(name, f"{value:g}")

    def fill_parameters(self, values: dict[str, float] | None = None) -> None:
        """What the operation still asks, within its limits; `values` are entered whatever was there."""
        for entry in list(self.page.draft.parameters):
            spec = entry.spec
            if entry.problem is None and spec.name not in (values or {}):
                continue
            self.enter(spec.name, (values or {}).get(spec.name, _inside(spec.lower_limit, spec.upper_limit)))

    def said(self) -> str:
        banner = self.page.banner
        return f"[{banner.tone}] {banner.title.text()} — {banner.body.text()}"


def screenshots_wanted(qapp) -> bool:
    """STATION_SCREENSHOTS names a folder: the bench is styled as the application styles it, and `shoot`
    saves what it is given there (for the docs; the tests do not need it)."""
    if not os.environ.get("STATION_SCREENSHOTS"):
        return False
    configure(qapp, None)
    return True


def shoot(widget, name: str) -> None:
    folder = os.environ.get("STATION_SCREENSHOTS")
    if folder:
        for _ in range(3):  # rows added to a visible layout show, then lay out, on later turns of the loop
            QApplication.processEvents()
        widget.grab().save(os.path.join(folder, name))


def _inside(low: float | None, high: float | None) -> float:
    if low is not None and high is not None:
        return round((low + high) / 2, 3)
    if low is not None:
        return low + 1
    return high - 1 if high is not None else 1.0
