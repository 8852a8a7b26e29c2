"""Setting up process parameters: what each operation asks to be recorded (limits, block or flag) and where
each piece of equipment reports a parameter (MQTT topic, Modbus register). Writes are permission-checked
and audited like every other; the reads give the station its specs and its sensor hub's sources."""

from __future__ import annotations

import math

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.devices.sensors.config import SensorConfig, split_host_port
from app.models import (
    Equipment,
    Operation,
    OperationParameter,
    RegisterKind,
    RegisterType,
    SensorKind,
    SensorSource,
    Station,
)
from app.services.errors import NotFound
from app.services.permissions import Action, Actor
from app.services.station import scan
from app.services.station.errors import InvalidRequest
from app.services.station.parameters import spec_of
from app.services.station.route import route_id
from app.services.station.views import ParameterDefinition, ParameterSpec, SourceDefinition
from app.services.unit_of_work import unit_of_work

FactoryT = sessionmaker[Session]
# Who sets limits and sources: quality engineering owns the process specification (EDIT_PLANS).
SETUP = Action.EDIT_PLANS


def define_parameter(factory: FactoryT, actor: Actor, definition: ParameterDefinition) -> ParameterSpec:
    """Add the parameter to its operation, or change it if the operation already has one of that name."""
    name, unit = _name(definition.name), _unit(definition.unit)
    lower, upper = _limit(definition.lower_limit, name), _limit(definition.upper_limit, name)
    if lower is not None and upper is not None and lower > upper:
        raise InvalidRequest(f"The lower limit of {name} ({lower:g}) is above its upper limit ({upper:g}). "
                             "Swap them or correct one.")
    with unit_of_work(factory, actor, SETUP) as session:
        operation = _operation(session, definition.part_number, definition.operation_seq, definition.revision)
        row = _parameter(session, operation, name)
        if row is None:
            last = session.scalar(select(func.max(OperationParameter.seq))
                                  .where(OperationParameter.operation_id == operation.id))
            row = OperationParameter(operation_id=operation.id, name=name, seq=(last or 0) + 10)
            session.add(row)
        row.name, row.unit, row.lower_limit, row.upper_limit = name, unit, lower, upper
        row.required, row.on_violation = definition.required, definition.on_violation
        if definition.seq is not None:
            row.seq = definition.seq
        session.flush()
        return spec_of(row)


def remove_parameter(factory: FactoryT, actor: Actor, part_number: str, operation_seq: int, name: str, *,
                     revision: str | None = None) -> None:
    """Steps already recorded keep their values and the limits they were checked against."""
    with unit_of_work(factory, actor, SETUP) as session:
        operation = _operation(session, part_number, operation_seq, revision)
        row = _parameter(session, operation, name.strip())
        if row is None:
            raise NotFound(f"Operation {operation.seq} {operation.name} of {part_number} has no parameter "
                           f"'{name.strip()}'. Check the name in its list of parameters.")
        session.delete(row)


def operation_parameters(factory: FactoryT, part_number: str, operation_seq: int, *,
                         revision: str | None = None) -> tuple[ParameterSpec, ...]:
    with factory() as session:
        operation = _operation(session, part_number, operation_seq, revision)
        return tuple(spec_of(row) for row in session.scalars(
            select(OperationParameter).where(OperationParameter.operation_id == operation.id)
            .order_by(OperationParameter.seq, OperationParameter.name)))


def define_source(factory: FactoryT, actor: Actor, definition: SourceDefinition) -> SensorConfig:
    """Add where the equipment reports the parameter, or change it if the equipment has one of that name."""
    name, unit = _name(definition.name), _unit(definition.unit)
    fields = _source_fields(definition, name)
    with unit_of_work(factory, actor, SETUP) as session:
        equipment = scan.equipment(session, definition.equipment)
        row = _source(session, equipment, name)
        if row is None:
            row = SensorSource(equipment_id=equipment.id, name=name)
            session.add(row)
        row.name, row.kind, row.unit = name, definition.kind, unit
        for key, value in fields.items():
            setattr(row, key, value)
        session.flush()
        return sensor_config(row, equipment.code)


def remove_source(factory: FactoryT, actor: Actor, equipment_code: str, name: str) -> None:
    with unit_of_work(factory, actor, SETUP) as session:
        equipment = scan.equipment(session, equipment_code)
        row = _source(session, equipment, name.strip())
        if row is None:
            raise NotFound(f"Equipment {equipment.code} has no source for '{name.strip()}'. Check the name "
                           "in its list of sources.")
        session.delete(row)


def equipment_sources(factory: FactoryT, equipment_code: str) -> tuple[SensorConfig, ...]:
    with factory() as session:
        equipment = scan.equipment(session, equipment_code)
        rows = session.scalars(select(SensorSource).where(SensorSource.equipment_id == equipment.id)
                               .order_by(SensorSource.name))
        return tuple(sensor_config(row, equipment.code) for row in rows)


def station_sources(factory: FactoryT, station_name: str) -> tuple[SensorConfig, ...]:
    """Every source of the station's equipment: what its sensor hub subscribes to and polls."""
    with factory() as session:
        return sources_at(session, scan.station(session, station_name))


def sources_at(session: Session, station: Station) -> tuple[SensorConfig, ...]:
    rows = session.execute(select(SensorSource, Equipment.code).join(Equipment)
                           .where(Equipment.station_id == station.id)
                           .order_by(Equipment.code, SensorSource.name)).all()
    return tuple(sensor_config(row, code) for row, code in rows)


def sensor_config(row: SensorSource, equipment_code: str) -> SensorConfig:
    """The devices layer's description of a source row (plain values, no ORM)."""
    modbus = row.kind is not SensorKind.MQTT
    return SensorConfig(
        name=row.name, kind=row.kind.value, address=row.address, unit=row.unit, equipment=equipment_code,
        unit_id=row.unit_id if row.unit_id is not None else 1, register=row.register or 0,
        register_kind=(row.register_kind or RegisterKind.HOLDING).value,
        data_type=(row.data_type or RegisterType.UINT16).value,
        scale=row.scale if row.scale is not None else 1.0, word_swap=row.word_swap and modbus,
        baudrate=row.baudrate or 19200, parity=row.parity or "N")


def _source_fields(definition: SourceDefinition, name: str) -> dict[str, object]:
    """The columns for the source's kind, checked; Modbus fields of an MQTT source are cleared."""
    address = definition.address.strip()
    where = f"The source of {name} on {definition.equipment}"
    if not address or len(address) > 255:
        raise InvalidRequest(f"{where} needs an address of 1–255 characters: the MQTT topic, host:port, or "
                             "the serial port. Enter it.")
    blank = {"unit_id": None, "register": None, "register_kind": None, "data_type": None, "scale": None,
             "word_swap": False, "baudrate": None, "parity": None}
    if definition.kind is SensorKind.MQTT:
        if "+" in address or "#" in address or "\x00" in address:
            raise InvalidRequest(f"{where} is the topic '{address}', which has a wildcard: a source is one "
                                 "value. Enter the full topic of that one value.")
        return {**blank, "address": address}
    if definition.kind is SensorKind.MODBUS_TCP:
        try:
            split_host_port(address, default_port=502)
        except ValueError as exc:
            raise InvalidRequest(f"{where}: {exc}") from None
    unit_id = 1 if definition.unit_id is None else definition.unit_id
    register = 0 if definition.register is None else definition.register
    data_type = definition.data_type or RegisterType.UINT16
    scale = 1.0 if definition.scale is None else definition.scale
    width = 2 if data_type is RegisterType.FLOAT32 else 1
    if not 0 <= unit_id <= 247:
        raise InvalidRequest(f"{where} has unit id {unit_id}; Modbus unit ids are 0–247. Enter the id set on "
                             "the device.")
    if not 0 <= register <= 65536 - width:
        raise InvalidRequest(f"{where} has register {register}; registers are 0–{65536 - width} for a "
                             f"{data_type.value}. Enter the address as sent in the request (0-based).")
    if not math.isfinite(scale) or scale == 0:
        raise InvalidRequest(f"{where} has the scale {scale}; the scale multiplies the raw value and cannot "
                             "be zero. Enter it, e.g. 0.1 for tenths of a degree.")
    fields = {**blank, "address": address, "unit_id": unit_id, "register": register,
              "register_kind": definition.register_kind or RegisterKind.HOLDING, "data_type": data_type,
              "scale": scale, "word_swap": definition.word_swap}
    if definition.kind is SensorKind.MODBUS_RTU:
        parity = (definition.parity or "N").upper()
        if parity not in ("N", "E", "O") or (definition.baudrate is not None and definition.baudrate <= 0):
            raise InvalidRequest(f"{where} has the serial settings {definition.baudrate} baud, parity "
                                 f"'{definition.parity}'. Enter a positive baud rate and parity N, E or O.")
        fields.update(baudrate=definition.baudrate or 19200, parity=parity)
    return fields


def _operation(session: Session, part_number: str, seq: int, revision: str | None) -> Operation:
    part = scan.part_number(session, part_number, revision)
    route = route_id(session, part.id, None)
    operation = None if route is None else session.scalar(
        select(Operation).where(Operation.route_id == route, Operation.seq == seq))
    if operation is None:
        raise NotFound(f"{part.part_number} has no operation {seq} on its active route. Check the operation "
                       "number on the route.")
    return operation


def _parameter(session: Session, operation: Operation, name: str) -> OperationParameter | None:
    return next((row for row in session.scalars(select(OperationParameter)
                                                .where(OperationParameter.operation_id == operation.id))
                 if row.name.casefold() == name.casefold()), None)


def _source(session: Session, equipment: Equipment, name: str) -> SensorSource | None:
    return next((row for row in session.scalars(select(SensorSource)
                                                .where(SensorSource.equipment_id == equipment.id))
                 if row.name.casefold() == name.casefold()), None)


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > 64:
        raise InvalidRequest("A parameter needs a name of 1–64 characters, as the operators know it (e.g. "
                             "'Spindle speed'). Enter it.")
    return name


def _unit(text: str | None) -> str | None:
    unit = (text or "").strip() or None
    if unit is not None and len(unit) > 16:
        raise InvalidRequest(f"The unit '{unit}' is longer than 16 characters. Enter its symbol, e.g. rpm.")
    return unit


def _limit(value: float | None, name: str) -> float | None:
    if value is not None and not math.isfinite(value):
        raise InvalidRequest(f"A limit of {name} is {value}, which is not a number. Enter a number or leave "
                             "the limit empty.")
    return value
