"""Writes the demo plant's master data (users, parties, parts, BOM, routes, stations, equipment, inspection
plans) through SQLAlchemy and hands back the keys the production simulation needs."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    BomLine,
    Characteristic,
    Customer,
    Equipment,
    EquipmentStatus,
    InspectionPlan,
    Operation,
    OperationParameter,
    PartDefinition,
    Role,
    Route,
    SensorKind,
    SensorSource,
    Station,
    Supplier,
    User,
)
from app.devices.sensors.config import MQTT, source_ref
from app.services.demo import catalogue as cat
from app.services.demo.bulk import BulkWriter, Ids
from app.services.demo.gs1 import gtin14
from app.services.users import hash_password

SETUP_AT = -30 * 86400  # master data was entered a month before production started


@dataclass(frozen=True)
class Staff:
    """Native keys of the people who appear on the records, and the logins created for the demo."""

    operators: tuple[Any, ...]
    inspectors: tuple[Any, ...]
    logins: dict[str, str]


@dataclass(frozen=True)
class PlanKeys:
    id: Any
    characteristics: tuple[tuple[Any, cat.CharSpec, Any], ...]  # (key, spec, gauge key) in plan order


@dataclass(frozen=True)
class MasterData:
    parts: dict[str, Any]
    routes: dict[str, Any]
    operations: dict[tuple[str, int], Any]
    stations: dict[str, Any]
    equipment: dict[str, Any]
    suppliers: dict[str, Any]
    customers: tuple[Any, ...]
    plans: dict[str, PlanKeys]
    gtins: dict[str, str]
    # (operation key, parameter) → (lower, upper): the limits a recorded value is checked against
    limits: dict[tuple[Any, str], tuple[float | None, float | None]]
    # (equipment key, parameter) → the source reference a sensor reading carries
    sensors: dict[tuple[Any, str], str]


def create_staff(session: Session, writer: BulkWriter, ids: Ids, rng: random.Random, password: str) -> Staff:
    """Demo users with real argon2 hashes; a user name that already exists is kept as it is and used."""
    existing: dict[str, uuid.UUID] = dict(session.execute(select(User.username, User.id)).all())
    native_uuid = ids.codec.native_uuid
    rows, native, logins = [], {}, {}
    for user in cat.USERS:
        new_id = ids.new_uuid(SETUP_AT)
        badge = f"{rng.getrandbits(40):010X}"  # drawn for every user, so existing ones do not shift the seed
        if user.username in existing:
            native[user.username] = native_uuid(existing[user.username])
            continue
        rows.append({"id": new_id, "username": user.username, "full_name": user.full_name, "role": user.role,
                     "password_hash": hash_password(password), "badge_uid": badge, "active": True})
        native[user.username] = native_uuid(new_id)
        logins[user.username] = user.role.value
    writer.insert(User, rows)

    def by_role(role: Role) -> tuple[Any, ...]:
        return tuple(native[u.username] for u in cat.USERS if u.role is role)

    return Staff(operators=by_role(Role.OPERATOR), inspectors=by_role(Role.INSPECTOR), logins=logins)


def write_master_data(writer: BulkWriter, ids: Ids, rng: random.Random, *, today: date) -> MasterData:
    """`today` is the last day of the simulated production: calibrations are dated against it."""
    native_uuid = ids.codec.native_uuid

    def add(model: type, rows: dict[Any, dict[str, Any]]) -> dict[Any, uuid.UUID]:
        """Insert `rows` (by a key of our choosing) with new ids; returns key → id."""
        for row in rows.values():
            row["id"] = ids.new_uuid(SETUP_AT)
        writer.insert(model, list(rows.values()))
        return {key: row["id"] for key, row in rows.items()}

    def native(keys: dict[Any, uuid.UUID]) -> dict[Any, Any]:
        return {key: native_uuid(value) for key, value in keys.items()}

    suppliers = add(Supplier, {s.code: {"code": s.code, "name": s.name, "country": s.country}
                               for s in cat.SUPPLIERS})
    customers = add(Customer, {c.code: {"code": c.code, "name": c.name, "country": c.country}
                               for c in cat.CUSTOMERS})
    gtins = {p.part_number: gtin14(cat.COMPANY_PREFIX, p.item_reference)
             for p in cat.PARTS if p.item_reference}
    parts = add(PartDefinition, {p.part_number: {
        "part_number": p.part_number, "revision": p.revision, "description": p.description,
        "tracking": p.tracking, "unit": p.unit, "gtin": gtins.get(p.part_number),
        "shelf_life_days": p.shelf_life_days} for p in cat.PARTS})
    add(BomLine, {(parent, component): {
        "parent_part_id": parts[parent], "component_part_id": parts[component], "quantity_per": quantity,
        "operation_seq": seq} for parent, component, quantity, seq in cat.BOM})
    routes = add(Route, {part: {"part_id": parts[part], "version": 1, "active": True} for part in cat.ROUTES})
    operations = add(Operation, {(part, op.seq): {"route_id": routes[part], "seq": op.seq, "name": op.name,
                                                  "work_center": op.work_center}
                                 for part, ops in cat.ROUTES.items() for op in ops})
    stations = add(Station, {name: {"name": name, "work_center": centre} for name, centre in cat.STATIONS})
    equipment_ids = add(Equipment, {spec.code: _equipment_row(spec, stations[spec.station], rng, today)
                                    for spec in cat.EQUIPMENT})
    equipment = native(equipment_ids)
    add(OperationParameter, {(part, seq, p.name): {
        "operation_id": operations[part, seq], "seq": index * 10, "name": p.name, "unit": p.unit,
        "lower_limit": p.lower, "upper_limit": p.upper, "required": True, "on_violation": p.on_violation}
        for (part, seq), specs in cat.PARAMETERS.items() for index, p in enumerate(specs, start=1)})
    sources = cat.sensor_sources()
    add(SensorSource, {key: {"equipment_id": equipment_ids[key[0]], "name": key[1], "kind": SensorKind.MQTT,
                             "address": topic, "unit": unit, "word_swap": False}
                       for key, (topic, unit) in sources.items()})
    plans = add(InspectionPlan, {key: {
        "part_id": parts[spec.part], "plan_type": spec.plan_type, "revision": 1,
        "operation_id": operations[spec.part, spec.operation_seq] if spec.operation_seq else None,
        "sample_size": spec.sample_size, "frequency": spec.frequency, "active": True}
        for key, spec in cat.PLANS.items()})
    characteristics = native(add(Characteristic, {(key, seq): {
        "plan_id": plans[key], "seq": seq * 10, "name": char.name, "kind": char.kind,
        "classification": char.classification, "nominal": char.nominal, "lower_limit": char.lower,
        "upper_limit": char.upper, "unit": char.unit, "decimals": char.decimals,
        "gauge_type": char.gauge_type}
        for key, spec in cat.PLANS.items() for seq, char in enumerate(spec.characteristics, start=1)}))
    return MasterData(
        parts=native(parts), routes=native(routes), operations=native(operations), stations=native(stations),
        equipment=equipment, suppliers=native(suppliers), customers=tuple(native(customers).values()),
        plans={key: PlanKeys(native_uuid(plans[key]), tuple(
            (characteristics[key, seq], char, equipment[char.gauge] if char.gauge else None)
            for seq, char in enumerate(spec.characteristics, start=1))) for key, spec in cat.PLANS.items()},
        gtins=gtins,
        limits={(native_uuid(operations[key]), p.name): (p.lower, p.upper)
                for key, specs in cat.PARAMETERS.items() for p in specs},
        sensors={(equipment[code], name): source_ref(MQTT, topic)
                 for (code, name), (topic, _) in sources.items()},
    )


def _equipment_row(spec: cat.EquipmentSpec, station_id: uuid.UUID, rng: random.Random, today: date
                   ) -> dict[str, Any]:
    calibrated = due = None
    if spec.calibration_interval_days:
        # Every device is in date except the one the demo wants found: due five weeks ago and still in use.
        interval = spec.calibration_interval_days
        age = interval + 35 if spec.overdue else rng.randrange(10, interval - 30)
        calibrated = today - timedelta(days=age)
        due = calibrated + timedelta(days=interval)
    return {"code": spec.code, "name": spec.name, "kind": spec.kind, "status": EquipmentStatus.ACTIVE,
            "station_id": station_id, "last_calibrated_on": calibrated, "calibration_due_on": due}
