"""Process parameters at a step: the readings checked against what the operation asks for — present when
required, in the operation's unit, fresh from the sensor, within limits — and turned into what is stored.
Out of limits, a `block` parameter refuses the step and a `flag` parameter is recorded and marked."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import SETTINGS
from app.devices.sensors.config import source_ref
from app.models import OnViolation, OperationParameter, ParameterSource, SensorSource
from app.services.station.errors import InvalidRequest, StationError
from app.services.station.views import ParameterSpec, Reading

DEFAULT_MAX_AGE = timedelta(seconds=SETTINGS["sensors.max_age_s"].default)
# A sensor gateway's clock and the station's never agree exactly; beyond this a reading "from the future"
# means one of the clocks is wrong, and its age cannot be trusted.
CLOCK_SKEW = timedelta(seconds=5)


class ParameterRefused(StationError):
    """A process parameter keeps the step from being recorded: base of the rules below."""


class ParameterMissing(ParameterRefused):
    pass


class ParameterOutOfLimits(ParameterRefused):
    pass


class ParameterStale(ParameterRefused):
    """A sensor value too old (or too far in the future) to be the value at the time of the step."""


class ParameterUnitMismatch(ParameterRefused):
    pass


class ParameterWrongSource(ParameterRefused):
    """A sensor value from another source than the one the step's equipment reports the parameter on."""


@dataclass(frozen=True)
class Checked:
    """A reading as it is stored: named and in the unit the operation uses, with the limits it was checked
    against (so the record keeps its evidence when the limits change later)."""

    name: str
    value: float | None
    text_value: str | None
    unit: str | None
    source: ParameterSource
    read_at: datetime | None
    source_ref: str | None
    lower_limit: float | None = None
    upper_limit: float | None = None
    out_of_limits: bool = False


@dataclass(frozen=True)
class Evaluation:
    readings: tuple[Checked, ...]

    @property
    def flagged(self) -> tuple[Checked, ...]:
        return tuple(r for r in self.readings if r.out_of_limits)

    def note(self) -> str:
        """The sentence the confirmation adds for flagged values; empty when none is."""
        if not self.flagged:
            return ""
        parts = "; ".join(f"{r.name} {number(r.value)}{_unit(r.unit)} (allowed "
                          f"{allowed(r.lower_limit, r.upper_limit, r.unit)})" for r in self.flagged)
        return f"Flagged out of limits: {parts}. The record shows it for quality."


def load_specs(session: Session, operation_ids: Iterable[uuid.UUID]
               ) -> dict[uuid.UUID, tuple[ParameterSpec, ...]]:
    """The parameters each operation asks for, in the order the station shows them."""
    ids = set(operation_ids)
    found: dict[uuid.UUID, list[ParameterSpec]] = {op_id: [] for op_id in ids}
    for row in session.scalars(select(OperationParameter).where(OperationParameter.operation_id.in_(ids))
                               .order_by(OperationParameter.seq, OperationParameter.name)):
        found[row.operation_id].append(spec_of(row))
    return {op_id: tuple(specs) for op_id, specs in found.items()}


def equipment_sensors(session: Session, equipment_id: uuid.UUID | None) -> dict[str, str]:
    """The equipment's sources by parameter (name folded as `evaluate` matches it): parameter → source_ref."""
    if equipment_id is None:
        return {}
    rows = session.scalars(select(SensorSource).where(SensorSource.equipment_id == equipment_id))
    return {_key(row.name): source_ref(row.kind.value, row.address, row.unit_id, row.register,
                                       row.register_kind.value if row.register_kind else None)
            for row in rows}


def spec_of(row: OperationParameter, sensor: str | None = None) -> ParameterSpec:
    return ParameterSpec(name=row.name, unit=row.unit, lower_limit=row.lower_limit,
                         upper_limit=row.upper_limit, required=row.required,
                         blocks=row.on_violation is OnViolation.BLOCK, sensor=sensor)


def evaluate(readings: Sequence[Reading], specs: Sequence[ParameterSpec], *, operation: str, passed: bool,
             now: datetime, max_age: timedelta = DEFAULT_MAX_AGE, equipment: str | None = None,
             sensors: Mapping[str, str] | None = None) -> Evaluation:
    """Check `readings` against the `specs` of `operation` ("20 CNC turning"); raise the first refusal.
    `sensors` are the sources of the step's `equipment` (see `equipment_sensors`): a sensor value of a
    parameter it reports must come from there, not from the machine next to it.

    A step that ends in fail is recorded as it happened: required parameters may be missing and values out
    of a `block` parameter's limits are flagged rather than refused, since refusing would hide the failure.
    A stale sensor value or a unit that is not the operation's is refused either way: the record would lie.
    Readings the operation does not ask for are kept as they are (freshness is still checked)."""
    by_name = {_key(spec.name): spec for spec in specs}
    seen: set[str] = set()
    checked: list[Checked] = []
    for reading in readings:
        key = _key(reading.name)
        if key in seen:
            raise InvalidRequest(f"The parameter '{reading.name.strip()}' was given twice. Record each "
                                 "parameter once.")
        seen.add(key)
        _require_fresh(reading, now, max_age)
        expected = (sensors or {}).get(key)
        if (expected is not None and reading.source is ParameterSource.SENSOR and reading.source_ref
                and reading.source_ref != expected):
            raise ParameterWrongSource(
                f"{reading.name.strip()} was read from {reading.source_ref}, but this step is on "
                f"{equipment}, which reports it on {expected}. Read it from {equipment}'s sensor, then "
                "record again.")
        spec = by_name.get(key)
        checked.append(_as_recorded(reading) if spec is None else
                       _against(reading, spec, operation=operation, passed=passed))
    for spec in specs:
        if spec.required and passed and _key(spec.name) not in seen:
            raise ParameterMissing(f"Operation {operation} needs {spec.name}{_in_unit(spec.unit)} recorded. "
                                   "Read it from the machine or type it in, then record again.")
    return Evaluation(tuple(checked))


def _as_recorded(reading: Reading) -> Checked:
    return Checked(name=reading.name.strip(), value=reading.value, text_value=reading.text_value,
                   unit=reading.unit, source=reading.source, read_at=reading.read_at,
                   source_ref=reading.source_ref)


def _against(reading: Reading, spec: ParameterSpec, *, operation: str, passed: bool) -> Checked:
    name, value = spec.name, reading.value
    unit = spec.unit if reading.unit is None or not reading.unit.strip() else reading.unit.strip()
    if spec.unit is not None and not same_unit(unit, spec.unit):
        raise ParameterUnitMismatch(
            f"{name} came in {unit}; operation {operation} records it in {spec.unit}. Set the "
            f"{'sensor' if reading.source is ParameterSource.SENSOR else 'value'} to {spec.unit}, then "
            "record again.")
    limited = spec.lower_limit is not None or spec.upper_limit is not None
    if limited and value is None:
        raise InvalidRequest(f"{name} needs a number{_in_unit(spec.unit)}; '{reading.text_value}' is not "
                             "one. Enter the number, then record again.")
    outside = value is not None and ((spec.lower_limit is not None and value < spec.lower_limit) or
                                     (spec.upper_limit is not None and value > spec.upper_limit))
    if outside and spec.blocks and passed:
        check = ("Check the machine" if reading.source is ParameterSource.SENSOR else
                 "Check the value you entered and the machine")
        raise ParameterOutOfLimits(
            f"{name} reads {number(value)}{_unit(spec.unit or unit)}; operation {operation} allows "
            f"{allowed(spec.lower_limit, spec.upper_limit, spec.unit or unit)}. {check}, then record again.")
    return Checked(name=name, value=value, text_value=reading.text_value, unit=spec.unit or unit,
                   source=reading.source, read_at=reading.read_at, source_ref=reading.source_ref,
                   lower_limit=spec.lower_limit, upper_limit=spec.upper_limit, out_of_limits=outside)


def _require_fresh(reading: Reading, now: datetime, max_age: timedelta) -> None:
    read_at = reading.read_at
    if read_at is None:
        return
    name = reading.name.strip()
    if read_at.tzinfo is None:
        raise InvalidRequest(f"The time {name} was read at has no time zone. The station must send it in "
                             "UTC.")
    if reading.source is not ParameterSource.SENSOR:
        return
    source = f" from {reading.source_ref}" if reading.source_ref else ""
    if read_at - now > CLOCK_SKEW:
        raise ParameterStale(
            f"{name}{source} carries the time {read_at:%H:%M:%S} UTC, {duration(read_at - now)} ahead of "
            "this station's clock: one of the clocks is wrong. Ask maintenance to set them, then record "
            "again.")
    if now - read_at > max_age:
        raise ParameterStale(
            f"{name}{source} was read {duration(now - read_at)} ago, at {read_at:%H:%M:%S} UTC; a sensor "
            f"value may be at most {duration(max_age)} old. Check that the sensor is sending, wait for a "
            "fresh value, then record again.")


# Spellings of one unit that need no conversion: what gateways and people actually type.
_SAME_UNITS = (
    ("°C", "C", "degC", "deg C", "℃", "Celsius"),
    ("°F", "F", "degF", "℉"),
    ("rpm", "1/min", "min-1", "min^-1", "min⁻¹", "r/min", "U/min"),
    ("min", "mins", "minute", "minutes"),
    ("s", "sec", "secs", "second", "seconds"),
    ("h", "hr", "hrs", "hour", "hours"),
    ("Nm", "N·m", "N.m", "N m", "N*m"),
    ("mm/rev", "mm/U", "mm/r"),
    ("m/min", "m/mn"),
    ("mbar·l/s", "mbar*l/s", "mbar l/s", "mbar.l/s", "mbarl/s"),
    ("%", "percent", "pct"),
)
_CANONICAL = {"".join(alias.split()).casefold(): group[0] for group in _SAME_UNITS for alias in group}


def same_unit(a: str | None, b: str | None) -> bool:
    """Whether two unit texts name the same unit with no conversion (case and spacing aside)."""
    if a is None or b is None:
        return a is None and b is None

    def canonical(text: str) -> str:
        key = "".join(text.split()).casefold()
        return _CANONICAL.get(key, key)

    return canonical(a) == canonical(b)


def number(value: float | None) -> str:
    """3420.0 → '3,420'; 1060.5 → '1,060.5'; 2.1e-05 stays as it is."""
    return "–" if value is None else format(value, ",.10g")


def allowed(lower: float | None, upper: float | None, unit: str | None) -> str:
    if lower is not None and upper is not None:
        return f"{number(lower)}–{number(upper)}{_unit(unit)}"
    if lower is not None:
        return f"at least {number(lower)}{_unit(unit)}"
    return f"at most {number(upper)}{_unit(unit)}"


def duration(span: timedelta) -> str:
    seconds = span.total_seconds()
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def _unit(unit: str | None) -> str:
    return f" {unit}" if unit and unit != "%" else (unit or "")


def _in_unit(unit: str | None) -> str:
    return f" (in {unit})" if unit else ""


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()
