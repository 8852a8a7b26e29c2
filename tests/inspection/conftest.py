"""A small shop for the inspection tests: a machined body with a final-inspection plan, a purchased bar lot in
quarantine with a receiving plan, gauges in and out of calibration, and the people who use them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    AuditEvent,
    Classification,
    Equipment,
    EquipmentKind,
    EquipmentStatus,
    Item,
    ItemStatus,
    Operation,
    PartDefinition,
    PlanType,
    Role,
    Route,
    Tracking,
)
from app.models.base import uuid7
from app.services.inspection import (
    AttributeResult,
    CharacteristicDefinition,
    GaugeReading,
    PlanDefinition,
    PlanView,
    RecordForm,
    RecordVersion,
    Slot,
    TypedValue,
    confirm_value,
    create_plan,
    record_value,
)
from app.services.inspection.views import Entry
from app.services.permissions import SYSTEM, Actor
from tests.conftest import make_actor

PASSWORD = "password-123"  # what make_actor gives every user
BODY, BAR = "VB-4711", "RB-40"
BORE, LENGTH, THREAD, VISUAL, BAR_DIAMETER = (
    "Bore diameter Ø12", "Overall length", "Thread M16×1.5", "Visual: burrs, marking", "Bar diameter Ø40")

variable, attribute = CharacteristicDefinition.variable, CharacteristicDefinition.attribute
# The visual check fails only with one of its codes; the thread check takes any well-formed code.
VISUAL_CODES = {"BURR": "burr on an edge or in the bore", "SCRATCH": "scratch on a sealing face",
                "MARKING": "marking missing or illegible"}
FINAL = PlanDefinition(BODY, "C", PlanType.FINAL, 50, (
    variable(BORE, Classification.CRITICAL, unit="mm", decimals=3, nominal=12.0, tolerance=0.018,
             gauge_type="Air gauge"),
    variable(LENGTH, Classification.MAJOR, unit="mm", decimals=2, nominal=68.0, lower=67.9, upper=68.1,
             gauge_type="Caliper"),
    attribute(THREAD, Classification.MAJOR, "Thread plug gauge"),
    attribute(VISUAL, Classification.MINOR, "Visual", VISUAL_CODES)))
RECEIVING = PlanDefinition(BAR, "A", PlanType.RECEIVING, None, (
    variable(BAR_DIAMETER, Classification.MAJOR, unit="mm", decimals=3, nominal=40.0, lower=39.938, upper=40.0,
             gauge_type="Caliper"),), sample_size=2)


@dataclass(frozen=True)
class Shop:
    factory: sessionmaker[Session]
    admin: Actor
    body: uuid.UUID  # serial VB-0001, released
    spare: uuid.UUID  # serial VB-0002, released
    lot: uuid.UUID  # bar lot GR-0001, quarantined on receipt
    final: PlanView
    receiving: PlanView
    engineer: Actor

    # People are made on first use: each costs an argon2 hash (≈0.2 s), and most tests need only some.
    @cached_property
    def inspector(self) -> Actor:
        return make_actor(self.factory, self.admin, Role.INSPECTOR, "insp.novak")

    @cached_property
    def colleague(self) -> Actor:
        return make_actor(self.factory, self.admin, Role.INSPECTOR, "insp.lang")

    @cached_property
    def operator(self) -> Actor:
        return make_actor(self.factory, self.admin, Role.OPERATOR, "op.schmidt")


@pytest.fixture
def shop(factory: sessionmaker[Session], admin: Actor) -> Shop:
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        body, bar = (PartDefinition(id=uuid7(), part_number=number, revision=rev, description=number,
                                    tracking=tracking)
                     for number, rev, tracking in ((BODY, "C", Tracking.SERIAL), (BAR, "A", Tracking.LOT)))
        route = Route(id=uuid7(), part_id=body.id, version=1, active=True)
        session.add_all([body, bar])
        session.flush()
        session.add(route)
        session.flush()
        session.add(Operation(route_id=route.id, seq=50, name="Final inspection", work_center="Quality lab"))
        items = [Item(id=uuid7(), part_id=part.id, code=code, is_serial=serial, quantity=qty,
                      initial_quantity=qty, status=status)
                 for part, code, serial, qty, status in (
                     (body, "VB-0001", True, 1, ItemStatus.RELEASED), (body, "VB-0002", True, 1, ItemStatus.RELEASED),
                     (bar, "GR-0001", False, 120.0, ItemStatus.QUARANTINED))]
        session.add_all(items)
        today = date.today()
        session.add_all(Equipment(code=code, name=name, kind=EquipmentKind.GAUGE, status=status,
                                  calibration_due_on=today + timedelta(days=due) if due is not None else None)
                        for code, name, due, status in (
                            ("AGA-01", "Air gauge Ø12 bore, Mahr Millimar", 90, EquipmentStatus.ACTIVE),
                            ("CAL-04", "Digital caliper 0–300 mm", 0, EquipmentStatus.ACTIVE),
                            ("CAL-03", "Digital caliper 0–150 mm", -1, EquipmentStatus.ACTIVE),
                            ("CAL-07", "Digital caliper 0–150 mm", None, EquipmentStatus.ACTIVE),
                            ("CAL-09", "Digital caliper 0–150 mm", 90, EquipmentStatus.OUT_OF_SERVICE),
                            ("THG-01", "Thread plug gauge M16×1.5-6H GO/NO GO", 200, EquipmentStatus.ACTIVE)))
    engineer = make_actor(factory, admin, Role.QUALITY_ENGINEER, "qe.mueller")
    return Shop(factory, admin, body=items[0].id, spare=items[1].id, lot=items[2].id,
                final=create_plan(factory, engineer, FINAL), receiving=create_plan(factory, engineer, RECEIVING),
                engineer=engineer)


GOOD: dict[str, Entry] = {BORE: GaugeReading(12.004, "mm", "AGA-01"), LENGTH: TypedValue("68.02", "CAL-04"),
                          THREAD: AttributeResult(True, gauge="THG-01"), VISUAL: AttributeResult(True)}


def fill(factory: sessionmaker[Session], actor: Actor, form: RecordForm,
         entries: dict[str, Entry | list[Entry]], *, confirm: bool = True) -> RecordVersion:
    """Enter values by characteristic name (a list fills the samples in order) and, as the inspector must before
    signing, confirm each failed one (unless `confirm` is False); returns the new version."""
    version = form.version
    for name, given in entries.items():
        for index, entry in enumerate(given if isinstance(given, list) else [given]):
            saved = record_value(factory, actor, form.id, slot(form, name, index).characteristic.id, entry,
                                 version=version)
            version = saved.version
            if confirm and not saved.measurement.passed:
                version = confirm_value(factory, actor, form.id, saved.measurement.id, version=version).version
    return version


def slot(form: RecordForm, name: str, index: int = 0) -> Slot:
    return next(s for s in form.slots if s.characteristic.name == name and s.index == index)


def item_status(factory: sessionmaker[Session], item_id: uuid.UUID) -> ItemStatus:
    with factory() as session:
        return session.get_one(Item, item_id).status


def audit(factory: sessionmaker[Session], table: str, row_id: uuid.UUID | str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.table_name == table).order_by(AuditEvent.id)
    if row_id is not None:
        query = query.where(AuditEvent.row_id == str(row_id))
    with factory() as session:
        return list(session.scalars(query))
