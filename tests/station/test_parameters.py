"""Process parameters at the station: limits per operation that block or flag, required parameters, stale
sensor values, units; what a step stores about where a value came from; and who may set all that up."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import (
    AuditEvent,
    OnViolation,
    OperationParameter,
    ParameterSource,
    RegisterKind,
    RegisterType,
    Role,
    SensorKind,
    SensorSource,
    StepParameter,
    StepRecord,
    StepResult,
)
from app.models.base import utcnow
from app.services.errors import NotFound, PermissionDenied
from app.services.station import (
    ComponentScan,
    Reading,
    StepCompletion,
    StepStart,
    complete_step,
    record_step,
    start_step,
    station_task,
)
from app.services.station.errors import InvalidRequest
from app.services.station.parameter_setup import (
    define_parameter,
    define_source,
    equipment_sources,
    operation_parameters,
    remove_parameter,
    remove_source,
    station_sources,
)
from app.services.station.parameters import (
    ParameterMissing,
    ParameterOutOfLimits,
    ParameterStale,
    ParameterUnitMismatch,
    ParameterWrongSource,
    allowed,
    number,
    same_unit,
)
from app.services.station.views import ParameterDefinition, SourceDefinition
from tests.conftest import make_actor
from tests.station.conftest import BODY, Plant, refused

SENSOR, MANUAL = ParameterSource.SENSOR, ParameterSource.MANUAL
RPM_TOPIC = "plant/LTH-01/spindle_speed"


@pytest.fixture
def engineer(plant: Plant):
    return make_actor(plant.factory, plant.admin, Role.QUALITY_ENGINEER, "qe")


@pytest.fixture
def turning(plant: Plant, engineer) -> Plant:
    """Turning (20 on the body's route) asks for spindle speed (block), feed (flag) and an optional coolant
    note; the lathe LTH-01 publishes the speed on MQTT, the out-of-service LTH-09 on Modbus."""
    for definition in (
            ParameterDefinition(BODY, 20, "Spindle speed", "rpm", 2800, 3200),
            ParameterDefinition(BODY, 20, "Feed", "mm/rev", 0.10, 0.14, on_violation=OnViolation.FLAG),
            ParameterDefinition(BODY, 20, "Coolant", required=False)):
        define_parameter(plant.factory, engineer, definition)
    define_source(plant.factory, engineer, SourceDefinition("LTH-09", "Spindle speed", SensorKind.MODBUS_TCP,
                                                            "10.0.0.9:502", "rpm", register=100))
    define_source(plant.factory, engineer, SourceDefinition("LTH-01", "Spindle speed", SensorKind.MQTT,
                                                            RPM_TOPIC, "rpm"))
    return plant


def sawn_body(plant: Plant) -> str:
    bar, body = plant.receive_bar(), plant.bodies(1)[0]
    record_step(plant.factory, plant.operator, StepStart(station="SAW-PC1", items=(body,)),
                StepCompletion(components=(ComponentScan(bar),)))
    return body


def turn(plant: Plant, body: str, *readings: Reading, result: StepResult = StepResult.PASS, **kwargs):
    return record_step(plant.factory, plant.operator,
                       StepStart(station="TRN-PC1", items=(body,), equipment="LTH-01"),
                       StepCompletion(parameters=readings, result=result), **kwargs)


def rpm(value: float, *, age: float = 1.0, unit: str | None = "rpm") -> Reading:
    return Reading("Spindle speed", value, unit=unit, source=SENSOR,
                   read_at=utcnow() - timedelta(seconds=age), source_ref=f"mqtt:{RPM_TOPIC}")


FEED_OK = Reading("Feed", 0.12, unit="mm/rev")


def stored(plant: Plant, step_id) -> dict[str, StepParameter]:
    with plant.factory() as session:
        rows = session.scalars(select(StepParameter).where(StepParameter.step_id == step_id))
        return {p.name: p for p in rows}


def test_the_station_shows_the_parameters_due_with_the_usable_machines_sensor(turning):
    body = sawn_body(turning)
    task = station_task(turning.factory, "TRN-PC1", body)
    shown = [(p.name, p.unit, p.lower_limit, p.upper_limit, p.required, p.blocks) for p in task.parameters]
    assert shown == [("Spindle speed", "rpm", 2800, 3200, True, True),
                     ("Feed", "mm/rev", 0.10, 0.14, True, False), ("Coolant", None, None, None, False, True)]
    # LTH-09 reports the speed too, but it is out of service: the station reads the lathe it may use.
    assert task.parameters[0].sensor == f"mqtt:{RPM_TOPIC}"
    assert task.parameters[1].sensor is None
    # Not due here (the saw is done, turning is next): no parameters to show at the saw.
    assert station_task(turning.factory, "SAW-PC1", body).parameters == ()
    refs = {(s.equipment, s.name): s.ref for s in station_sources(turning.factory, "TRN-PC1")}
    assert refs == {("LTH-01", "Spindle speed"): f"mqtt:{RPM_TOPIC}",
                    ("LTH-09", "Spindle speed"): "modbus:10.0.0.9:502/1/hr100"}


def test_a_blocking_parameter_out_of_limits_is_refused_and_nothing_written(turning):
    body = sawn_body(turning)
    message = refused(turning.factory, ParameterOutOfLimits, lambda: turn(turning, body, rpm(3420), FEED_OK),
                      "Spindle speed reads 3,420 rpm; operation 20 CNC turning allows 2,800–3,200 rpm.",
                      "Check the machine, then record again.")
    assert message.endswith("record again.")
    refused(turning.factory, ParameterOutOfLimits,
            lambda: turn(turning, body, Reading("Spindle speed", 2799.5, unit="rpm"), FEED_OK),
            "reads 2,799.5 rpm", "Check the value you entered and the machine")
    # At the limit is within it.
    done = turn(turning, body, rpm(3200), FEED_OK)
    assert done.flagged == () and "Flagged" not in done.message


def test_a_flagged_parameter_is_recorded_and_marked_with_the_limits_it_was_checked_against(turning, engineer):
    body = sawn_body(turning)
    done = turn(turning, body, rpm(2950), Reading("Feed", 0.16, unit="mm/rev"))
    assert done.result is StepResult.PASS and done.flagged == ("Feed",)
    assert "Flagged out of limits: Feed 0.16 mm/rev (allowed 0.1–0.14 mm/rev)." in done.message
    params = stored(turning, done.step_ids[0])
    feed, speed = params["Feed"], params["Spindle speed"]
    assert feed.out_of_limits and (feed.lower_limit, feed.upper_limit) == (0.10, 0.14)
    assert not speed.out_of_limits and (speed.lower_limit, speed.upper_limit) == (2800, 3200)
    # Tightening the limits later does not rewrite what the record was checked against.
    define_parameter(turning.factory, engineer,
                     ParameterDefinition(BODY, 20, "Spindle speed", "rpm", 2900, 3000))
    assert stored(turning, done.step_ids[0])["Spindle speed"].upper_limit == 3200


def test_a_required_parameter_missing_is_refused_by_name(turning):
    body = sawn_body(turning)
    refused(turning.factory, ParameterMissing, lambda: turn(turning, body, FEED_OK),
            "Operation 20 CNC turning needs Spindle speed (in rpm) recorded.",
            "Read it from the machine or type it in, then record again.")
    refused(turning.factory, ParameterMissing, lambda: turn(turning, body, rpm(3000)),
            "needs Feed (in mm/rev)")
    # The optional one may be left out; a parameter the operation does not ask for is kept as given.
    done = turn(turning, body, rpm(3000), FEED_OK, Reading("Chip colour", text_value="silver"))
    assert set(stored(turning, done.step_ids[0])) == {"Spindle speed", "Feed", "Chip colour"}


def test_sensor_values_carry_their_provenance_and_stale_ones_are_refused(turning):
    body = sawn_body(turning)
    refused(turning.factory, ParameterStale, lambda: turn(turning, body, rpm(3000, age=95), FEED_OK),
            f"Spindle speed from mqtt:{RPM_TOPIC} was read 95 s ago", "may be at most 60 s old",
            "Check that the sensor is sending, wait for a fresh value, then record again.")
    # The station's own maximum age applies when it passes one.
    refused(turning.factory, ParameterStale,
            lambda: turn(turning, body, rpm(3000, age=20), FEED_OK, max_age=timedelta(seconds=10)),
            "was read 20 s ago", "at most 10 s old")
    refused(turning.factory, ParameterStale, lambda: turn(turning, body, rpm(3000, age=-120), FEED_OK),
            "ahead of this station's clock")
    reading = rpm(3010, age=2)
    done = turn(turning, body, reading, FEED_OK)
    speed = stored(turning, done.step_ids[0])["Spindle speed"]
    assert (speed.value, speed.unit, speed.source) == (3010, "rpm", SENSOR)
    assert speed.read_at == reading.read_at
    assert speed.source_ref == f"mqtt:{RPM_TOPIC}"
    typed = stored(turning, done.step_ids[0])["Feed"]
    assert (typed.source, typed.read_at, typed.source_ref) == (MANUAL, None, None)


def test_a_sensor_value_must_come_from_the_equipment_the_step_is_on(turning):
    body = sawn_body(turning)
    neighbour = Reading("Spindle speed", 3000, unit="rpm", source=SENSOR, read_at=utcnow(),
                        source_ref="modbus:10.0.0.9:502/1/hr100")  # LTH-09's
    refused(turning.factory, ParameterWrongSource, lambda: turn(turning, body, neighbour, FEED_OK),
            "Spindle speed was read from modbus:10.0.0.9:502/1/hr100, but this step is on LTH-01, which "
            f"reports it on mqtt:{RPM_TOPIC}. Read it from LTH-01's sensor, then record again.")
    # A parameter the equipment has no source for may come from any sensor (a hand-held one).
    handheld = Reading("Feed", 0.12, unit="mm/rev", source=SENSOR, read_at=utcnow(),
                       source_ref="mqtt:hand/feed")
    done = turn(turning, body, rpm(3000), handheld)
    assert stored(turning, done.step_ids[0])["Feed"].source_ref == "mqtt:hand/feed"


def test_units_are_matched_by_spelling_and_otherwise_refused(turning):
    body = sawn_body(turning)
    refused(turning.factory, ParameterUnitMismatch,
            lambda: turn(turning, body, rpm(50, unit="Hz"), FEED_OK),
            "Spindle speed came in Hz; operation 20 CNC turning records it in rpm.",
            "Set the sensor to rpm, then record again.")
    done = turn(turning, body, rpm(3000, unit="1/min"), Reading("Feed", 0.12))  # typed in the field's unit
    params = stored(turning, done.step_ids[0])
    assert params["Spindle speed"].unit == "rpm" and params["Feed"].unit == "mm/rev"


def test_a_failed_step_is_recorded_with_its_out_of_limits_values(turning):
    """Refusing a fail would hide the failure: the values are flagged and the missing one allowed."""
    body = sawn_body(turning)
    done = turn(turning, body, rpm(3420), result=StepResult.FAIL)
    assert done.result is StepResult.FAIL and done.flagged == ("Spindle speed",)
    assert stored(turning, done.step_ids[0])["Spindle speed"].out_of_limits


def test_values_that_cannot_be_checked_are_refused(turning):
    body = sawn_body(turning)
    refused(turning.factory, InvalidRequest,
            lambda: turn(turning, body, Reading("Spindle speed", text_value="fast"), FEED_OK),
            "Spindle speed needs a number (in rpm); 'fast' is not one.")
    refused(turning.factory, InvalidRequest,
            lambda: turn(turning, body, rpm(3000), Reading("spindle  speed", 3000.0), FEED_OK),
            "was given twice")
    naive = Reading("Spindle speed", 3000, unit="rpm", source=SENSOR, read_at=utcnow().replace(tzinfo=None))
    refused(turning.factory, InvalidRequest, lambda: turn(turning, body, naive, FEED_OK), "has no time zone")


def test_a_started_step_is_checked_when_it_is_completed(turning):
    body = sawn_body(turning)
    started = start_step(turning.factory, turning.operator,
                         StepStart(station="TRN-PC1", items=(body,), equipment="LTH-01"))
    refused(turning.factory, ParameterOutOfLimits,
            lambda: complete_step(turning.factory, turning.operator, started.step_ids,
                                  StepCompletion(parameters=(rpm(3300), FEED_OK))), "reads 3,300 rpm")
    with turning.factory() as session:
        assert session.get_one(StepRecord, started.step_ids[0]).result is StepResult.IN_PROGRESS
    done = complete_step(turning.factory, turning.operator, started.step_ids,
                         StepCompletion(parameters=(rpm(3100), Reading("Feed", 0.09, unit="mm/rev"))))
    assert done.flagged == ("Feed",) and stored(turning, done.step_ids[0])["Feed"].out_of_limits


def test_only_quality_engineering_sets_limits_and_sources_and_it_is_audited(turning, engineer):
    with pytest.raises(PermissionDenied, match="may not edit plans"):
        define_parameter(turning.factory, turning.operator, ParameterDefinition(BODY, 20, "Torque", "Nm"))
    with pytest.raises(PermissionDenied):
        define_source(turning.factory, turning.supervisor,
                      SourceDefinition("LTH-01", "Feed", SensorKind.MQTT, "plant/LTH-01/feed"))
    with turning.factory() as session:
        row = session.scalars(select(OperationParameter)
                              .where(OperationParameter.name == "Spindle speed")).one()
        (created,) = session.scalars(select(AuditEvent).where(AuditEvent.table_name == "operation_parameters",
                                                              AuditEvent.row_id == str(row.id)))
        assert created.action == "create" and created.user_id == engineer.user_id
        assert created.new_values["lower_limit"] == 2800 and created.new_values["on_violation"] == "block"
    # Redefining one of the same name changes it (and the trail says how); removing leaves records alone.
    define_parameter(turning.factory, engineer, ParameterDefinition(BODY, 20, "spindle speed", "rpm", 2700,
                                                                    3300, on_violation=OnViolation.FLAG))
    specs = operation_parameters(turning.factory, BODY, 20)
    assert [(s.name, s.lower_limit, s.blocks) for s in specs][0] == ("spindle speed", 2700, False)
    remove_parameter(turning.factory, engineer, BODY, 20, "Coolant")
    assert [s.name for s in operation_parameters(turning.factory, BODY, 20)] == ["spindle speed", "Feed"]
    with turning.factory() as session:
        actions = session.scalars(select(AuditEvent.action).where(
            AuditEvent.table_name == "operation_parameters").order_by(AuditEvent.id)).all()
    assert actions == ["create", "create", "create", "update", "delete"]
    remove_source(turning.factory, engineer, "LTH-09", "Spindle speed")
    assert equipment_sources(turning.factory, "LTH-09") == ()
    with pytest.raises(NotFound, match="has no source for 'Feed'"):
        remove_source(turning.factory, engineer, "LTH-01", "Feed")


def test_modbus_sources_are_stored_with_their_register(turning, engineer):
    config = define_source(turning.factory, engineer, SourceDefinition(
        "LTH-01", "Feed", SensorKind.MODBUS_RTU, "/dev/ttyUSB0", "mm/rev", unit_id=7, register=3,
        register_kind=RegisterKind.INPUT, data_type=RegisterType.FLOAT32, word_swap=True, baudrate=9600,
        parity="e"))
    assert config.ref == "modbus:/dev/ttyUSB0/7/ir3" and config.connection == "modbus:/dev/ttyUSB0"
    assert (config.data_type, config.word_swap, config.baudrate, config.parity) == (
        "float32", True, 9600, "E")
    # Changing it to MQTT clears the Modbus fields.
    define_source(turning.factory, engineer, SourceDefinition("LTH-01", "Feed", SensorKind.MQTT, "lth/feed"))
    with turning.factory() as session:
        row = session.scalars(select(SensorSource).where(SensorSource.name == "Feed")).one()
        assert (row.kind, row.register, row.data_type, row.baudrate) == (SensorKind.MQTT, None, None, None)
        assert session.scalar(select(func.count()).select_from(SensorSource)) == 3


@pytest.mark.parametrize(("definition", "phrase"), [
    (ParameterDefinition(BODY, 20, "Speed", "rpm", 3200, 2800), "lower limit of Speed (3200) is above"),
    (ParameterDefinition(BODY, 20, "Speed", "rpm", math.nan), "not a number"),
    (ParameterDefinition(BODY, 20, " "), "needs a name"),
    (ParameterDefinition(BODY, 20, "Speed", "revolutions per min"), "longer than 16 characters"),
    (ParameterDefinition(BODY, 99, "Speed"), "has no operation 99"),
    (SourceDefinition("LTH-01", "Speed", SensorKind.MQTT, "plant/+/rpm"), "has a wildcard"),
    (SourceDefinition("LTH-01", "Speed", SensorKind.MODBUS_TCP, "10.0.0.9:99999"), "not a TCP port"),
    (SourceDefinition("LTH-01", "Speed", SensorKind.MODBUS_TCP, "h:502", register=65535,
                      data_type=RegisterType.FLOAT32), "registers are 0–65534 for a float32"),
    (SourceDefinition("LTH-01", "Speed", SensorKind.MODBUS_TCP, "h:502", unit_id=300), "unit ids are 0–247"),
    (SourceDefinition("LTH-01", "Speed", SensorKind.MODBUS_TCP, "h:502", scale=0.0), "cannot be zero"),
    (SourceDefinition("LTH-01", "Speed", SensorKind.MODBUS_RTU, "COM3", parity="X"), "parity N, E or O"),
    (SourceDefinition("LTH-01", "Speed", SensorKind.MQTT, ""), "needs an address"),
])
def test_definitions_that_cannot_work_are_refused(plant, engineer, definition, phrase):
    call = define_parameter if isinstance(definition, ParameterDefinition) else define_source
    with pytest.raises((InvalidRequest, NotFound)) as caught:
        call(plant.factory, engineer, definition)
    assert phrase in str(caught.value)
    with plant.factory() as session:
        for model in (OperationParameter, SensorSource):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_units_numbers_and_ranges_read_the_way_operators_say_them():
    assert same_unit("°C", "degC") and same_unit("rpm", "min⁻¹") and same_unit("N·m", "Nm")
    assert same_unit("MM/REV", "mm/rev") and not same_unit("°C", "°F") and not same_unit("bar", "mbar")
    assert (number(3420.0), number(1060.5), number(2.1e-05), number(0.1 + 0.2)) == (
        "3,420", "1,060.5", "2.1e-05", "0.3")
    assert allowed(2800, 3200, "rpm") == "2,800–3,200 rpm"
    assert allowed(None, 1e-4, "mbar·l/s") == "at most 0.0001 mbar·l/s"
    assert allowed(30, None, "%") == "at least 30%"
