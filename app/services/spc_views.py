"""Plain, frozen read models of the SPC services: the operation picker, a characteristic's measurement series
with per-point context, and a dashboard line per characteristic."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from app.spc import Subgroups
from app.spc.errors import SpcInputError


class ChartKind(str, enum.Enum):
    """The chart a characteristic is plotted on; the values are the CLI's `--type` names."""

    INDIVIDUALS = "imr"
    XBAR_R = "xbar-r"

    @property
    def label(self) -> str:
        return "I-MR" if self is ChartKind.INDIVIDUALS else "X̄-R"

    @classmethod
    def for_sample_size(cls, size: int) -> ChartKind:
        return cls.INDIVIDUALS if size == 1 else cls.XBAR_R


@dataclass(frozen=True)
class OperationChoice:
    """An operation with charted characteristics, as the SPC picker lists it."""

    operation_id: uuid.UUID
    part_number: str
    revision: str
    seq: int
    name: str
    work_center: str
    characteristics: int  # variable characteristics with at least one current measurement
    last_measured_at: datetime | None

    @property
    def label(self) -> str:
        return f"{self.part_number} rev {self.revision} · {self.seq} {self.name} ({self.work_center})"


@dataclass(frozen=True)
class Spec:
    """The specification of a variable characteristic; `decimals` is how precisely it is measured."""

    lower: float | None
    upper: float | None
    nominal: float | None
    unit: str | None
    decimals: int

    def format(self, value: float) -> str:
        return f"{value:.{self.decimals}f} {self.unit or ''}".strip()


@dataclass(frozen=True)
class CharacteristicInfo:
    id: uuid.UUID
    name: str
    seq: int
    classification: str
    gauge_type: str | None
    spec: Spec
    plan_id: uuid.UUID
    plan_type: str
    plan_revision: int
    sample_size: int  # the plan's: 1 charts individuals, more charts subgroup means
    operation_id: uuid.UUID | None

    @property
    def chart_kind(self) -> ChartKind:
        return ChartKind.for_sample_size(self.sample_size)


@dataclass(frozen=True)
class PointContext:
    """What a hover over one point shows."""

    record_id: uuid.UUID
    value: float
    measured_at: datetime
    item_code: str
    is_serial: bool
    inspector: str
    gauge: str | None
    machine: str | None  # equipment of the production step the measured item came from

    @property
    def item(self) -> str:
        return f"{'Serial' if self.is_serial else 'Lot'} {self.item_code}"


@dataclass(frozen=True, eq=False)
class Series:
    """The current measurements of one characteristic in time order: arrays to plot, tuples for hovers.

    Index i of every array and tuple is the same point. `measured_at` is naive `datetime64[us]` in UTC
    (numpy has no time zones); `epoch_seconds` is what a date axis wants.
    """

    characteristic: CharacteristicInfo
    values: np.ndarray
    measured_at: np.ndarray
    record_ids: tuple[uuid.UUID, ...]
    item_codes: tuple[str, ...]
    item_is_serial: np.ndarray
    inspectors: tuple[str, ...]
    gauges: tuple[str | None, ...]
    machines: tuple[str | None, ...]

    def __len__(self) -> int:
        return int(self.values.size)

    @property
    def epoch_seconds(self) -> np.ndarray:
        return self.measured_at.astype("datetime64[us]").astype(np.int64) / 1e6

    def point(self, index: int) -> PointContext:
        return PointContext(
            record_id=self.record_ids[index], value=float(self.values[index]),
            measured_at=self.measured_at[index].astype(datetime).replace(tzinfo=timezone.utc),
            item_code=self.item_codes[index], is_serial=bool(self.item_is_serial[index]),
            inspector=self.inspectors[index], gauge=self.gauges[index], machine=self.machines[index])

    def subgroups(self, size: int | None = None) -> Subgroups:
        """Consecutive values `size` (default: the plan's sample size) at a time; see `subgroup_values`."""
        size = size or self.characteristic.sample_size
        return Subgroups.of_size(subgroup_values(self.values, size), size)


def subgroup_values(values: np.ndarray, size: int) -> np.ndarray:
    """`values` without the newest incomplete subgroup: those points are a sample still being measured."""
    if size < 1:
        raise SpcInputError(f"A subgroup size must be at least 1, not {size}.")
    return values[:values.size - values.size % size]


class State(str, enum.Enum):
    IN_CONTROL = "in control"
    RULE_VIOLATED = "rule violated"
    LOW_CAPABILITY = "capability below target"
    NOT_ENOUGH_DATA = "not enough data"


@dataclass(frozen=True)
class CharacteristicState:
    """One line of the SPC dashboard of an operation."""

    characteristic: CharacteristicInfo
    chart: ChartKind
    n: int  # current measured values (not chart points: an X̄-R point is a subgroup)
    latest_value: float | None
    latest_at: datetime | None
    state: State
    violation: str | None  # the rule name of the first signal, when `state` is RULE_VIOLATED
    signals: int  # how many signals the judged points raised (0 when in control)
    cpk: float | None  # None without specification limits, spread or enough data

    @property
    def text(self) -> str:
        """The state as the dashboard prints it."""
        if self.state is State.RULE_VIOLATED:
            return f"{self.state.value}: {self.violation}"
        if self.state is State.LOW_CAPABILITY:
            return f"{self.state.value} (Cpk {self.cpk:.2f})"
        if self.state is State.NOT_ENOUGH_DATA:
            return f"{self.state.value} ({self.n} value{'s' if self.n != 1 else ''})"
        return self.state.value
