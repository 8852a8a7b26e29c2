"""Work centres where a user may act, enforced in the station services (issue 9, scope 1).

One small plant per backend for the whole module (tests/station/conftest.py's `build_plant`: saw, turning,
quality lab, goods receipt, shipping …); each test makes its own items, so the tests do not depend on each
other's order. People who log in are added with a password, so their actors come from `authenticate` — the
way the GUI and the CLI get them — and carry their work centres.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.cli import execute, parse_args
from app.db import make_session_factory
from app.models import AuditEvent, Item, Role, Station, StepRecord
from app.models.parties import UserWorkCentre
from app.services.audit import ACTOR_KEY
from app.services.errors import PermissionDenied, ValidationError
from app.services.permissions import SYSTEM, Actor
from app.services.scope import set_work_centres, work_centres_by_user
from app.services.station import (
    ComponentScan,
    Receipt,
    SerializeRequest,
    ShipRequest,
    StepCompletion,
    StepStart,
    complete_step,
    receive,
    record_step,
    serialize,
    ship,
    start_step,
)
from app.services.station.production import split
from app.services.users import add_user, authenticate
from tests.conftest import MigratedTemplates, shared_database
from tests.station.conftest import Plant, build_plant, refused

PASSWORD = "password-123"


@dataclass
class Shop:
    url: str
    plant: Plant

    @property
    def factory(self) -> sessionmaker[Session]:
        return self.plant.factory

    def login(self, username: str) -> Actor:
        return authenticate(self.factory, username, PASSWORD)

    def body_due_at_saw(self) -> str:
        return self.plant.bodies(1)[0]

    def body_due_at_turning(self) -> str:
        body, bar = self.body_due_at_saw(), self.plant.receive_bar()
        record_step(self.factory, self.plant.operator, StepStart(station="SAW-PC1", items=(body,)),
                    StepCompletion(components=(ComponentScan(bar),)))
        return body


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         migrated: MigratedTemplates) -> Iterator[Shop]:
    with shared_database(request.param, tmp_path_factory.mktemp("centres"), migrated) as (url, engine):
        factory = make_session_factory(engine)
        with factory() as session, session.begin():
            session.info[ACTOR_KEY] = SYSTEM
            actors = build_plant(session)
        plant = Plant(factory=factory, operator=actors["op"], operator2=actors["op2"],
                      supervisor=actors["sup"], inspector=actors["insp"], admin=actors["adm"])
        for username, full_name, centres in (("turner", "Tina Turner", ["Turning"]),
                                             ("receiver", "Rita Receiver", ["Goods receipt"]),
                                             ("shipper", "Sam Shipper", ["shipping"]),  # any case matches
                                             ("anywhere", "Andy Anywhere", [])):
            add_user(factory, plant.admin, username=username, full_name=full_name, role=Role.OPERATOR,
                     password=PASSWORD)
            set_work_centres(factory, plant.admin, username, centres)
        yield Shop(url, plant)


def steps_of(factory: sessionmaker[Session], code: str) -> list[str]:
    with factory() as session:
        return list(session.scalars(select(Station.name).join(StepRecord, StepRecord.station_id == Station.id)
                                    .join(Item, StepRecord.item_id == Item.id).where(Item.code == code)
                                    .order_by(StepRecord.started_at)))


def test_login_carries_the_work_centres(shop: Shop):
    assert shop.login("turner").work_centres == frozenset({"Turning"})
    assert shop.login("shipper").work_centres == frozenset({"Shipping"}), "stored as the stations spell it"
    assert shop.login("anywhere").work_centres == frozenset()


def test_restricted_operator_records_at_turning_but_not_at_saw(shop: Shop):
    turner = shop.login("turner")
    body = shop.body_due_at_turning()
    done = record_step(shop.factory, turner, StepStart(station="TRN-PC1", items=(body,)))
    assert done.operation.work_center == "Turning"
    assert steps_of(shop.factory, body) == ["SAW-PC1", "TRN-PC1"]

    fresh, bar = shop.body_due_at_saw(), shop.plant.receive_bar()
    message = refused(shop.factory, PermissionDenied, lambda: record_step(
        shop.factory, turner, StepStart(station="SAW-PC1", items=(fresh,)),
        StepCompletion(components=(ComponentScan(bar),))),
        "Tina Turner may not record step at SAW-PC1", "the Saw work centre", "may act only in Turning",
        "Nothing was saved")
    assert "threadline user work-centres turner" in message
    assert steps_of(shop.factory, fresh) == []
    # Starting a long step is the same check; completing one started elsewhere is refused too.
    refused(shop.factory, PermissionDenied, lambda: start_step(
        shop.factory, turner, StepStart(station="SAW-PC1", items=(fresh,))), "the Saw work centre")
    started = start_step(shop.factory, shop.plant.operator, StepStart(station="SAW-PC1", items=(fresh,)))
    refused(shop.factory, PermissionDenied, lambda: complete_step(
        shop.factory, turner, started.step_ids, StepCompletion(components=(ComponentScan(bar),))),
        "Tina Turner may not record step at SAW-PC1")


def test_unrestricted_users_act_everywhere(shop: Shop):
    anywhere = shop.login("anywhere")
    body, bar = shop.body_due_at_saw(), shop.plant.receive_bar()
    record_step(shop.factory, anywhere, StepStart(station="SAW-PC1", items=(body,)),
                StepCompletion(components=(ComponentScan(bar),)))
    record_step(shop.factory, anywhere, StepStart(station="TRN-PC1", items=(body,)))
    assert steps_of(shop.factory, body) == ["SAW-PC1", "TRN-PC1"]


def test_goods_in_only_at_the_receivers_work_centre(shop: Shop):
    def receipt(station: str | None) -> Receipt:
        return Receipt(part_number="BAR-40", supplier="ACME", supplier_lot="S-WC", quantity=3.0,
                       station=station)

    turner, receiver = shop.login("turner"), shop.login("receiver")
    refused(shop.factory, PermissionDenied, lambda: receive(shop.factory, turner, receipt("GR-PC1")),
            "Tina Turner may not receive goods at GR-PC1", "the Goods receipt work centre",
            "may act only in Turning")
    # A restricted user must say where they are: leaving the station out is no way round the restriction.
    refused(shop.factory, PermissionDenied, lambda: receive(shop.factory, receiver, receipt(None)),
            "Rita Receiver may receive goods only at stations of Goods receipt", "names no station")
    lot = receive(shop.factory, receiver, receipt("GR-PC1")).lot
    assert steps_of(shop.factory, lot.code) == ["GR-PC1"]


def test_ship_only_at_the_shippers_work_centre(shop: Shop):
    [body] = shop.plant.finished_bodies(1)
    turner, shipper = shop.login("turner"), shop.login("shipper")
    request = ShipRequest(customer_order="SO-1", items=(body,), station="SHP-PC1")
    refused(shop.factory, PermissionDenied, lambda: ship(shop.factory, turner, request),
            "Tina Turner may not ship at SHP-PC1", "the Shipping work centre", "may act only in Turning")
    refused(shop.factory, PermissionDenied, lambda: ship(shop.factory, shipper, ShipRequest(
        customer_order="SO-1", items=(body,), station="TRN-PC1")), "Sam Shipper may not ship at TRN-PC1",
        "the Turning work centre", "may act only in Shipping")
    shipped = ship(shop.factory, shipper, request)
    assert [item.code for item in shipped.items] == [body]


def test_serialize_and_split_refused_outside(shop: Shop):
    turner = shop.login("turner")
    refused(shop.factory, PermissionDenied, lambda: serialize(shop.factory, turner, SerializeRequest(
        count=1, work_order="WO-BODY", station="SAW-PC1")), "Tina Turner may not record step at SAW-PC1")
    lot = shop.plant.receive_bar()
    refused(shop.factory, PermissionDenied, lambda: split(shop.factory, turner, lot, [1.0], station="GR-PC1"),
            "at GR-PC1", "the Goods receipt work centre")
    made = serialize(shop.factory, turner, SerializeRequest(count=1, work_order="WO-BODY", station="TRN-PC1"))
    assert len(made.created) == 1


def audit_of_centres(factory: sessionmaker[Session], after: int) -> list[tuple[str, str | None, str | None]]:
    with factory() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.id > after,
                                                        AuditEvent.table_name == "user_work_centres")
                               .order_by(AuditEvent.id))
        return [(row.action, (row.new_values or row.old_values or {}).get("work_center"), row.reason)
                for row in rows]


def last_audit(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


def test_admin_sets_and_clears_with_an_audit_trail(shop: Shop):
    factory, admin = shop.factory, shop.plant.admin
    add_user(factory, admin, username="flex", full_name="Flo Flex", role=Role.OPERATOR, password=PASSWORD)
    before = last_audit(factory)
    assert set_work_centres(factory, admin, "FLEX", ["turning", "Saw", "Turning"]) == ("Saw", "Turning")
    assert shop.login("flex").work_centres == frozenset({"Saw", "Turning"})
    assert work_centres_by_user(factory)["flex"] == ("Saw", "Turning")
    assert set_work_centres(factory, admin, "flex", ["Saw"]) == ("Saw",)
    assert set_work_centres(factory, admin, "flex", []) == ()
    assert shop.login("flex").work_centres == frozenset()
    assert "flex" not in work_centres_by_user(factory)
    trail = audit_of_centres(factory, before)
    reason = f"work centres of flex set by {admin.full_name}"
    assert sorted(trail[:2]) == [("create", "Saw", reason), ("create", "Turning", reason)]
    assert [(action, centre) for action, centre, _ in trail[2:]] == [("delete", "Turning"), ("delete", "Saw")]

    before = last_audit(factory)
    refused(factory, ValidationError,
            lambda: set_work_centres(factory, admin, "flex", ["Turning", "Moon base"]),
            "Moon base is not a work centre of this plant; nothing was changed", "Known work centres:",
            "Goods receipt")
    operator = shop.login("anywhere")
    refused(factory, PermissionDenied, lambda: set_work_centres(factory, operator, "flex", ["Saw"]),
            "may not manage users")
    assert audit_of_centres(factory, before) == []
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(UserWorkCentre)
                              .where(UserWorkCentre.work_center == "Moon base")) == 0


def cli(url: str, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """The `threadline` command in this process (the parser and handlers a subprocess would run; a process
    per call cost ~3 s here, tests/test_cli.py covers the entry point itself)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    code = execute(parse_args(["--db", url, *args]), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_sets_lists_and_clears(shop: Shop, monkeypatch: pytest.MonkeyPatch):
    add_user(shop.factory, shop.plant.admin, username="cli.admin", full_name="Cleo Admin", role=Role.ADMIN,
             password=PASSWORD)
    add_user(shop.factory, shop.plant.admin, username="cli.op", full_name="Cal Op", role=Role.OPERATOR,
             password=PASSWORD)
    code, _, err = cli(shop.url, monkeypatch, "user", "work-centres", "cli.op", "Turning", "heat treatment",
                       "--as", "cli.admin", stdin=f"{PASSWORD}\n")
    assert code == 1 and "heat treatment is not a work centre" in err  # not in this small plant
    code, out, err = cli(shop.url, monkeypatch, "user", "work-centres", "cli.op", "Turning", "quality lab",
                         "--as", "cli.admin", stdin=f"{PASSWORD}\n")
    assert code == 0, err
    assert "cli.op may now act only at stations of: Quality lab, Turning" in out
    listing = cli(shop.url, monkeypatch, "user", "list")[1].splitlines()
    assert [line for line in listing if line.startswith("cli.op ")][0].endswith(
        "Cal Op  (only at: Quality lab, Turning)")
    assert [line for line in listing if line.startswith("anywhere ")][0].endswith("Andy Anywhere")
    code, out, err = cli(shop.url, monkeypatch, "user", "work-centres", "cli.op", "--as", "cli.admin",
                         stdin=f"{PASSWORD}\n")
    assert code == 0 and "cli.op may now act at every station" in out, err
    assert shop.login("cli.op").work_centres == frozenset()
    code, _, err = cli(shop.url, monkeypatch, "user", "work-centres", "cli.op", "Saw", "--as", "cli.op",
                       stdin=f"{PASSWORD}\n")
    assert code == 1 and "may not manage users" in err
