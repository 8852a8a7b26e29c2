"""Revision 0002 (process parameters) upgrades a database that has production data at 0001: the parameters
recorded before keep their values and read as checked against nothing, and the new tables take rows; the
database then goes on to the newest revision like any other."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, insert, inspect, select, text

from app.db import make_engine, make_session_factory
from app.models import (
    Base,
    Equipment,
    OnViolation,
    Operation,
    OperationParameter,
    SensorKind,
    SensorSource,
    StepParameter,
)
from app.services import schema
from app.services.audit import ACTOR_KEY
from app.services.permissions import SYSTEM


def _migrate(engine: Engine, revision: str) -> None:
    config = schema._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def _old_rows(engine: Engine) -> uuid.UUID:
    """A step with a parameter and the master data it points at, written with the tables as 0001 made them
    (reflected: the models already have 0002's columns). Returns the parameter's id."""
    native = (lambda u: u.bytes) if engine.dialect.name == "sqlite" else (lambda u: u)
    names = ("part", "item", "user", "route", "op", "equipment", "step", "param")
    ids = {name: uuid.uuid4() for name in names}
    key = {name: native(value) for name, value in ids.items()}
    old = MetaData()
    with engine.begin() as conn:
        old.reflect(conn)
        t = old.tables
        conn.execute(insert(t["part_definitions"]), {"id": key["part"], "part_number": "P-1", "revision": "A",
                                                     "description": "Shaft", "tracking": "serial",
                                                     "unit": "pcs"})
        conn.execute(insert(t["routes"]), {"id": key["route"], "part_id": key["part"], "version": 1,
                                           "active": True})
        conn.execute(insert(t["operations"]), {"id": key["op"], "route_id": key["route"], "seq": 10,
                                               "name": "Turning", "work_center": "Turning"})
        conn.execute(insert(t["equipment"]), {"id": key["equipment"], "code": "LTH-1", "name": "Lathe",
                                              "kind": "machine", "status": "active"})
        conn.execute(insert(t["items"]), {"id": key["item"], "part_id": key["part"], "code": "S-1",
                                          "is_serial": True, "quantity": 1, "initial_quantity": 1,
                                          "status": "released"})
        conn.execute(insert(t["users"]), {"id": key["user"], "username": "op", "full_name": "Op",
                                          "role": "operator", "password_hash": "x", "active": True})
        conn.execute(insert(t["step_records"]), {"id": key["step"], "item_id": key["item"],
                                                 "operator_id": key["user"], "operation_id": key["op"],
                                                 "started_at": datetime.now(UTC), "result": "pass",
                                                 "quantity": 1})
        conn.execute(insert(t["step_parameters"]), {"id": key["param"], "step_id": key["step"],
                                                    "name": "Spindle speed", "value": 2950.0, "unit": "rpm",
                                                    "source": "sensor"})
    return ids["param"]


def test_a_database_at_0001_with_recorded_parameters_upgrades_to_0002(db_url):
    engine = make_engine(db_url)
    try:
        _migrate(engine, "0001")
        assert schema.current_revision(engine) == "0001" and schema.needs_upgrade(engine)
        assert not inspect(engine).has_table("operation_parameters")
        param_id = _old_rows(engine)

        _migrate(engine, "0002")
        assert {"operation_parameters", "parameter_sources"} <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            old = conn.execute(text("SELECT value, out_of_limits, read_at, source_ref, lower_limit, upper_limit "
                                    "FROM step_parameters")).one()
        assert (old.value, bool(old.out_of_limits), old.read_at, old.source_ref, old.lower_limit,
                old.upper_limit) == (2950.0, False, None, None, None, None)

        backup = schema.upgrade(engine)  # on to the newest revision, as the app does on start
        assert schema.current_revision(engine) == schema.HEAD
        assert backup is not None and backup.exists()  # backed up before migrating, on both backends
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}),
                                    Base.metadata) == []

        factory = make_session_factory(engine)
        with factory() as session:
            before = session.get_one(StepParameter, param_id)
            assert (before.value, before.unit, before.name) == (2950.0, "rpm", "Spindle speed")
            assert before.out_of_limits is False
            assert (before.read_at, before.source_ref, before.lower_limit, before.upper_limit) == (None,) * 4
        with factory() as session, session.begin():
            session.info[ACTOR_KEY] = SYSTEM
            operation = session.scalars(select(Operation)).one()
            session.add(OperationParameter(operation_id=operation.id, name="Spindle speed", unit="rpm",
                                           lower_limit=2800, upper_limit=3200, on_violation=OnViolation.FLAG))
            session.add(SensorSource(equipment_id=session.scalars(select(Equipment.id)).one(),
                                     name="Spindle speed", kind=SensorKind.MQTT, address="plant/LTH-1/rpm"))
        with factory() as session:
            spec = session.scalars(select(OperationParameter)).one()
            assert (spec.required, spec.seq, spec.on_violation) == (True, 10, OnViolation.FLAG)
            source = session.scalars(select(SensorSource)).one()
            assert (source.kind, source.word_swap, source.register) == (SensorKind.MQTT, False, None)
    finally:
        engine.dispose()
