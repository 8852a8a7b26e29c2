"""The demo plant generator: deterministic, consistent from bar stock to complaints, one transaction,
permission-checked, cancellable, and fast enough because it writes driver-native rows (checked here too)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from statistics import fmean

import pytest
from sqlalchemy import Date, func, select
from sqlalchemy import text as sa_text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.db import make_engine, make_session_factory
from app.models import (
    AuditEvent,
    Base,
    Characteristic,
    Complaint,
    GenealogyLink,
    IdentifierKind,
    Item,
    ItemIdentifier,
    ItemStatus,
    Measurement,
    Nonconformance,
    NonconformanceStatus,
    PartDefinition,
    Role,
    Shipment,
    ShipmentLine,
    StepParameter,
    StepRecord,
    User,
    nonconformance_items,
)
from app.models.base import GUID, UTCDateTime
from app.services import schema
from app.services.demo import DEMO_PASSWORD, DemoCancelled, build_demo_plant
from app.services.demo.bulk import BASE, Codec
from app.services.demo.catalogue import BODY, BORE, SEALS, SPRINGS, VALVE
from app.services.demo.gs1 import check_digit, gtin14, sgtin96, sscc
from app.services.errors import Conflict, PermissionDenied, ValidationError
from app.services.lookup import lookup
from app.services.permissions import SYSTEM
from app.services.users import authenticate
from tests.conftest import ADMIN_PASSWORD, make_actor

UNITS = 150


def count(factory: sessionmaker[Session], model: type[Base]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def plant(factory, admin):
    return build_demo_plant(factory, admin, units=UNITS, seed=11)


def test_a_finished_serial_leads_from_shipment_back_to_the_heat(factory, plant):
    ex = plant.examples
    valve = lookup(factory, ex["finished_serial"]).history
    assert valve is not None and valve.item.part_number == VALVE and valve.work_order == ex["work_order"]
    assert ("epc", ex["epc"]) in valve.identifiers
    assert [s.operation for s in valve.steps] == ["10 Assembly", "20 Leak test", "30 Final inspection & pack"]
    assert all(s.completed_at > s.started_at and s.operator and s.station for s in valve.steps)
    assert {p.name for s in valve.steps for p in s.parameters} >= {"Bonnet torque", "Leak rate"}
    assert valve.inspections and all(i.result == "pass" and i.measurements for i in valve.inspections)
    assert [(s.number, s.order) for s in valve.shipments] == [(ex["shipment"], ex["customer_order"])]
    assert {link.item.part_number for link in valve.made_from} == {BODY, SEALS, SPRINGS}

    body = lookup(factory, ex["component_serial"]).history
    assert body is not None and any(link.item.code == ex["finished_serial"] for link in body.used_in)
    assert [s.operation.split()[0] for s in body.steps] == ["10", "20", "30", "40", "50"]
    assert {p.name for s in body.steps for p in s.parameters} >= {"Spindle speed", "Furnace temperature"}
    assert any(m.characteristic == BORE.name for i in body.inspections for m in i.measurements)
    [bar] = body.made_from
    assert bar.item.code == ex["raw_material_lot"] and bar.quantity == pytest.approx(0.12)

    lot = lookup(factory, ex["raw_material_lot"]).history
    assert lot is not None and lot.origin is not None
    assert (lot.origin.heat_number, lot.origin.supplier_lot) == (ex["heat_number"], ex["supplier_lot"])
    assert lot.origin.material_cert_ref.startswith("3.1-") and lot.inspections


def test_every_table_holds_what_the_summary_counted(factory, plant):
    assert plant.units == UNITS and plant.counts["part_definitions"] == 6
    assert "admin" not in plant.logins, "the existing admin is kept, not replaced"
    with factory() as session:
        for table in Base.metadata.sorted_tables:
            if table.name not in ("users", "audit_events"):  # the fixture's admin wrote some of those
                stored = session.scalar(select(func.count()).select_from(table))
                assert stored == plant.counts.get(table.name, 0), table.name
        valves = session.scalar(select(func.count()).select_from(Item).join(PartDefinition)
                                .where(PartDefinition.part_number == VALVE))
    assert valves == UNITS
    assert 25 <= sum(plant.counts.values()) / UNITS <= 45, "rows per unit stay modest"


def test_statuses_follow_what_happened_to_each_item(factory, plant):
    with factory() as session:
        def codes(part: str, status: ItemStatus) -> set[str]:
            return set(session.scalars(select(Item.code).join(PartDefinition).where(
                PartDefinition.part_number == part, Item.status == status)))

        shipped_lines = select(ShipmentLine.item_id)
        assert not session.scalar(select(func.count()).select_from(Item).where(
            Item.status == ItemStatus.SHIPPED, Item.id.not_in(shipped_lines)))
        assert not session.scalar(select(func.count()).select_from(Item).where(
            Item.status == ItemStatus.RELEASED, Item.is_serial.is_(True), Item.id.in_(shipped_lines)))
        assert codes(VALVE, ItemStatus.RELEASED), "some finished valves wait in stock for a call-off"
        assert codes(BODY, ItemStatus.IN_PROCESS), "an order is still on the floor"
        consumed = select(GenealogyLink.parent_item_id)
        assert not session.scalar(select(func.count()).select_from(Item).join(PartDefinition).where(
            PartDefinition.part_number == BODY, Item.status == ItemStatus.CONSUMED, Item.id.not_in(consumed)))

        held = session.scalars(select(Item.code).where(Item.status == ItemStatus.ON_HOLD)).all()
        open_ncr_items = set(session.scalars(
            select(Item.code).join(nonconformance_items, nonconformance_items.c.item_id == Item.id)
            .join(Nonconformance).where(Nonconformance.status == NonconformanceStatus.OPEN)))
        assert plant.examples["held_item"] in held and set(held) == open_ncr_items
        assert {d.value for d in session.scalars(select(Nonconformance.disposition)) if d} >= {
            "rework", "scrap", "use_as_is", "return_to_supplier"}

        # A purchased lot holds what was received minus what the genealogy says was taken from it.
        taken = (select(GenealogyLink.parent_item_id, func.sum(GenealogyLink.quantity).label("qty"))
                 .group_by(GenealogyLink.parent_item_id).subquery())
        lots = session.execute(select(Item.code, Item.initial_quantity, Item.quantity, taken.c.qty)
                               .join(taken, taken.c.parent_item_id == Item.id)
                               .where(Item.supplier_id.is_not(None)))
        for code, initial, left, used in lots:
            assert left == pytest.approx(initial - used, abs=1e-6), code
        assert codes(SPRINGS, ItemStatus.QUARANTINED), "the rejected spring delivery is quarantined"


def test_a_complaint_names_a_shipped_serial(factory, plant):
    with factory() as session:
        item = session.scalar(select(Item).join(Complaint, Complaint.item_id == Item.id)
                              .where(Item.code == plant.examples["complained_serial"]))
        assert item is not None and item.status is ItemStatus.SHIPPED
        shipped_at = session.scalar(select(Shipment.shipped_at).join(ShipmentLine)
                                    .where(ShipmentLine.item_id == item.id))
        received = session.scalar(select(func.min(Complaint.received_at)).where(Complaint.item_id == item.id))
        assert received > shipped_at


def test_identifiers_are_valid_gs1(factory, plant):
    with factory() as session:
        epcs = session.scalars(select(ItemIdentifier.value)
                               .where(ItemIdentifier.kind == IdentifierKind.EPC)).all()
        ssccs = session.scalars(select(Shipment.sscc)).all()
    assert len(epcs) == UNITS and len(set(epcs)) == UNITS
    assert all(len(e) == 24 and e.startswith("30") and int(e, 16) for e in epcs)
    assert ssccs and all(len(s) == 18 and s[-1] == check_digit(s[:-1]) for s in ssccs)


def test_steps_carry_parameters_and_times_that_advance(factory, plant):
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(StepParameter)) > UNITS * 5
        backwards = session.scalar(select(func.count()).select_from(StepRecord)
                                   .where(StepRecord.completed_at < StepRecord.started_at))
        parent, child = aliased(Item), aliased(Item)
        born_before_parent = session.scalar(
            select(func.count()).select_from(GenealogyLink)
            .join(parent, parent.id == GenealogyLink.parent_item_id)
            .join(child, child.id == GenealogyLink.child_item_id).where(child.created_at < parent.created_at))
    assert backwards == 0 and born_before_parent == 0


def test_the_bore_drifts_upward_for_spc_to_find(factory, plant):
    with factory() as session:
        values = session.scalars(select(Measurement.value).join(Characteristic)
                                 .where(Characteristic.name == BORE.name)
                                 .order_by(Measurement.measured_at)).all()
    fifth = len(values) // 5
    assert len(values) > UNITS
    assert fmean(values[-fifth:]) > fmean(values[:fifth]) + 0.004


def test_one_audit_event_records_who_built_it(factory, admin, plant):
    with factory() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "demo.generate")).all()
    assert len(events) == 1 and events[0].username == admin.username and events[0].user_id == admin.user_id
    assert events[0].new_values["counts"]["step_records"] == plant.counts["step_records"]


def test_a_second_plant_is_refused_and_changes_nothing(factory, admin, plant):
    with pytest.raises(Conflict, match="already has part definitions"):
        build_demo_plant(factory, admin, units=UNITS)
    assert count(factory, PartDefinition) == 6


@contextmanager
def fresh_sqlite(path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def items_of(factory: sessionmaker[Session]) -> list[tuple[str, str, float]]:
    with factory() as session:
        return sorted(tuple(row) for row in session.execute(select(Item.code, Item.status, Item.quantity)))


def test_the_same_seed_builds_the_same_plant(factory, tmp_path):
    """Compared with a fresh SQLite file: the same plant on either database, item for item."""
    first = build_demo_plant(factory, SYSTEM, units=60, seed=5)
    with fresh_sqlite(tmp_path / "same.db") as same, fresh_sqlite(tmp_path / "other.db") as other:
        second = build_demo_plant(same, SYSTEM, units=60, seed=5)
        assert (first.examples, first.counts, first.logins) == (second.examples, second.counts, second.logins)
        assert items_of(factory) == items_of(same)
        different = build_demo_plant(other, SYSTEM, units=60, seed=6)
    assert different.examples["heat_number"] != first.examples["heat_number"]


def test_demo_users_log_in_with_the_demo_password(factory):
    summary = build_demo_plant(factory, SYSTEM, units=30)
    assert summary.logins["admin"] == Role.ADMIN.value and "op.schmidt" in summary.logins
    assert authenticate(factory, "admin", DEMO_PASSWORD).role is Role.ADMIN
    assert authenticate(factory, "insp.novak", DEMO_PASSWORD).role is Role.INSPECTOR
    with factory() as session:
        builder = session.scalar(select(AuditEvent.username).where(AuditEvent.action == "demo.generate"))
    assert builder == "system"


def test_an_existing_user_keeps_their_password(factory, admin):
    build_demo_plant(factory, admin, units=30)
    assert authenticate(factory, "admin", ADMIN_PASSWORD).username == "admin"
    assert count(factory, User) == 9  # eight of the cast plus the admin who was already there


def test_an_operator_may_not_build_a_demo(factory, admin):
    operator = make_actor(factory, admin, Role.OPERATOR)
    with pytest.raises(PermissionDenied, match="may not build demo"):
        build_demo_plant(factory, operator, units=30)
    assert count(factory, PartDefinition) == 0


def test_too_small_a_plant_is_explained(factory, admin):
    with pytest.raises(ValidationError, match="at least 10 finished units"):
        build_demo_plant(factory, admin, units=3)


def test_cancel_leaves_nothing_behind(factory, admin):
    reports: list[tuple[int, int]] = []
    with pytest.raises(DemoCancelled, match="nothing was saved"):
        build_demo_plant(factory, admin, units=UNITS,
                         progress=lambda done, total: reports.append((done, total)),
                         cancelled=lambda: len(reports) >= 2)
    assert len(reports) == 2 and reports[0][0] < reports[1][0] < UNITS
    for model in (PartDefinition, Item, StepRecord, Measurement):
        assert count(factory, model) == 0, model.__tablename__
    assert count(factory, User) == 1  # only the admin of the fixture
    with factory() as session:
        assert not session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "demo.generate"))


def test_progress_is_reported_in_small_steps_up_to_the_end(factory, admin):
    reports: list[int] = []
    build_demo_plant(factory, admin, units=UNITS, progress=lambda done, total: reports.append(done))
    assert reports == sorted(reports) and reports[-1] == UNITS and len(reports) >= 3


@pytest.mark.parametrize("dialect", [sqlite.dialect(), psycopg.dialect()], ids=["sqlite", "postgresql"])
def test_native_rows_are_what_the_column_types_would_bind(dialect):
    """The bulk writer skips SQLAlchemy's type processing; its values must be the ones that would be bound."""
    codec = Codec(dialect.name)
    bind = {t: t.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
            for t in (UTCDateTime(), GUID(), Date())}
    processed = dict(zip(("at", "guid", "day"), bind.values(), strict=True))
    for seconds in (0, 59, 3600 * 25 + 61, 86_400 * 400 + 7):
        assert codec.at(seconds) == processed["at"](BASE + timedelta(seconds=seconds))
    key = uuid.UUID("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
    assert codec.native_uuid(key) == processed["guid"](key) and codec.to_uuid(codec.native_uuid(key)) == key
    assert codec.day(date(2026, 2, 28)) == processed["day"](date(2026, 2, 28))


def test_gs1_numbers_match_the_published_examples():
    assert check_digit("8061414112345") == "8"  # GTIN 80614141123458
    assert sgtin96("80614141123458", 6789, company_prefix_digits=7) == "3034257BF7194E4000001A85"
    assert gtin14("0614141", "47110") == "00614141471102"
    number = sscc("3", "0614141", 123456789)
    assert number == "306141411234567891"


def test_postgresql_gets_planner_statistics_for_what_was_loaded(factory, plant):
    # Without them the planner of a big fresh plant scans whole tables for a trace (20 s instead of 21 ms).
    with factory() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite's planner is left without statistics on purpose")
        analysed = set(session.scalars(sa_text(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
            "AND last_analyze IS NOT NULL")))
    assert {"items", "genealogy_links", "step_records", "measurements"} <= analysed
