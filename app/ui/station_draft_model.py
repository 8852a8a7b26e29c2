"""The step an operator is putting together at the station: the task of the scanned item, the equipment,
the component lots with what each gives, the parameters typed or read from sensors; what is still missing,
and the request for the station service. Plain Python: the page shows it, tests read it. The services
check everything again when the step is recorded; what this model refuses is only for early feedback."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from app.models import ParameterSource
from app.services.station import (
    ComponentNeed,
    ComponentScan,
    EquipmentView,
    ItemView,
    ParameterSpec,
    Reading,
    StationTask,
    StepCompletion,
    StepStart,
)
from app.ui import formatting as fmt
from app.ui.station_work import OpenLoad, StepRequest

EPSILON = 1e-9
WAITING, EQUIPMENT, COMPONENTS = "waiting", "equipment", "components"
PARAMETERS, READY = "parameters", "ready"
STATES = (WAITING, EQUIPMENT, COMPONENTS, PARAMETERS, READY)
STATE_TEXT = {
    WAITING: "Waiting for scan",
    EQUIPMENT: "Scan the equipment",
    COMPONENTS: "Scan components",
    PARAMETERS: "Enter parameters",
    READY: "Ready to complete",
}
COMMANDS = {"COMPLETE": "complete", "CANCEL": "cancel", "RESET": "cancel", "START": "start",
            "REWORK": "rework"}


def command(text: str) -> str | None:
    """'complete', 'cancel', 'start' or 'rework' for a command barcode (any case), else None."""
    return COMMANDS.get(text.strip().upper())


def item_label(item: ItemView) -> str:
    """How sentences name an item, as the services do: 'Lot GR-26-00004 (RB-14404-040)'."""
    return f"{'Serial' if item.is_serial else 'Lot'} {item.code} ({item.part_number})"


def limits_text(spec: ParameterSpec) -> str:
    low, high = spec.lower_limit, spec.upper_limit
    unit = f" {spec.unit}" if spec.unit else ""
    if low is not None and high is not None:
        return f"{fmt.number(low)} – {fmt.number(high)}{unit}"
    if low is not None:
        return f"at least {fmt.number(low)}{unit}"
    if high is not None:
        return f"at most {fmt.number(high)}{unit}"
    return ""


@dataclass(frozen=True)
class Allocation:
    """A scanned component and what the step will take from it."""

    item: ItemView
    quantity: float


@dataclass(frozen=True)
class NeedStatus:
    need: ComponentNeed
    lots: tuple[Allocation, ...]
    missing: float  # still to be scanned, in the need's unit; 0 when covered


@dataclass
class ParameterEntry:
    spec: ParameterSpec
    text: str = ""
    source: ParameterSource = ParameterSource.MANUAL
    read_at: datetime | None = None
    source_ref: str | None = None
    unit: str | None = None

    @property
    def value(self) -> float | None:
        text = self.text.strip().replace(",", ".")  # a German keyboard's decimal comma
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    @property
    def out_of_limits(self) -> bool:
        value, spec = self.value, self.spec
        if value is None:
            return False
        return ((spec.lower_limit is not None and value < spec.lower_limit)
                or (spec.upper_limit is not None and value > spec.upper_limit))

    @property
    def problem(self) -> str | None:
        """What keeps the entry from being recorded, in a few words; None when it can be recorded."""
        if not self.text.strip():
            return "needed" if self.spec.required else None
        if self.value is None:
            return f"'{self.text.strip()}' is not a number"
        if self.out_of_limits and self.spec.blocks:
            return f"outside {limits_text(self.spec)}"
        return None

    @property
    def warning(self) -> str | None:
        """A value the operation records but flags for quality: outside the limits of a `flag` parameter."""
        if self.out_of_limits and not self.spec.blocks:
            return f"outside {limits_text(self.spec)}: will be flagged"
        return None

    def reading(self) -> Reading | None:
        if self.value is None:
            return None
        return Reading(name=self.spec.name, value=self.value, unit=self.unit or self.spec.unit,
                       source=self.source, read_at=self.read_at, source_ref=self.source_ref)


@dataclass
class StepDraft:
    task: StationTask | None = None
    started_at: datetime | None = None
    equipment: EquipmentView | None = None
    components: list[ItemView] = field(default_factory=list)
    parameters: list[ParameterEntry] = field(default_factory=list)
    batch: list[ItemView] = field(default_factory=list)  # more items worked with `task.item` (a load)
    open_load: OpenLoad | None = None  # the steps under way that COMPLETE completes
    rework: bool = False  # the operation is repeated on purpose: a rework loop a supervisor approves

    # -- what the task asks -------------------------------------------------------------------------------

    @property
    def workable(self) -> bool:
        """An item is loaded and an operation of its route is due at this station."""
        return self.task is not None and self.task.due is not None

    @property
    def needs_equipment(self) -> bool:
        # A step begun elsewhere (a furnace load) keeps the equipment it was started on.
        return (self.workable and not self.task.open_steps  # type: ignore[union-attr]
                and bool(self.task.equipment))  # type: ignore[union-attr]

    @property
    def has_input(self) -> bool:
        """Something was scanned or typed for the loaded item that a switch to another item would lose (a
        sensor's value is not: the next item gets it too)."""
        return bool(self.components) or any(p.text.strip() and p.source is ParameterSource.MANUAL
                                            for p in self.parameters)

    def state(self) -> str:
        if not self.workable:
            return WAITING
        if self.needs_equipment and self.equipment is None:
            return EQUIPMENT
        if any(status.missing > EPSILON for status in self.need_status()):
            return COMPONENTS
        if any(entry.problem for entry in self.parameters):
            return PARAMETERS
        return READY

    # -- changes ------------------------------------------------------------------------------------------

    def begin(self, task: StationTask, started_at: datetime, *, open_load: OpenLoad | None = None,
              rework: bool = False) -> None:
        """A new item: its task; the equipment stays if it is this station's (a machine runs many parts)."""
        codes = {e.code: e for e in task.equipment}
        self.equipment = codes.get(self.equipment.code) if self.equipment else None
        self.task, self.started_at = task, started_at
        self.components, self.batch = [], []
        self.open_load, self.rework = (open_load if task.open_steps else None), rework
        self.parameters = [ParameterEntry(spec, unit=spec.unit) for spec in task.parameters]

    def clear(self, *, keep_equipment: bool = True) -> None:
        self.task, self.started_at, self.components, self.parameters = None, None, [], []
        self.batch, self.open_load, self.rework = [], None, False
        if not keep_equipment:
            self.equipment = None

    @property
    def items(self) -> list[ItemView]:
        """What the step is for: the item loaded first, then the rest of its batch."""
        return [] if self.task is None else [self.task.item, *self.batch]

    def joins(self, task: StationTask) -> bool:
        """Whether `task`'s item goes into the batch in hand rather than replacing it: the same part at the
        same operation, nothing started yet, and no components to share out (a furnace load, a wash)."""
        mine = self.task
        return (mine is not None and mine.due is not None and task.due is not None and not self.rework
                and not mine.open_steps and not task.open_steps and not mine.components
                and task.item.part_number == mine.item.part_number and task.due.seq == mine.due.seq
                and all(item.id != task.item.id for item in self.items))

    def add_to_batch(self, item: ItemView) -> None:
        self.batch.append(item)

    def start_missing(self) -> list[str]:
        """What stops the operation being started (the rest is needed when it is completed)."""
        if not self.workable:
            return ["Scan the part, lot or work order to work on."]
        if self.task.open_steps:  # type: ignore[union-attr]
            return [f"{self.task.due.label} is under way already: complete it."]  # type: ignore[union-attr]
        return self.missing()[:1] if self.needs_equipment and self.equipment is None else []

    def start_request(self, station: str) -> StepStart:
        assert self.task is not None and self.task.due is not None
        return StepStart(station=station, items=tuple(item.id for item in self.items),
                         operation_seq=self.task.due.seq,
                         equipment=self.equipment.code if self.equipment else None,
                         started_at=self.started_at)

    def station_equipment(self, code: str) -> EquipmentView | None:
        if self.task is None:
            return None
        return next((e for e in self.task.equipment if e.code.upper() == code.strip().upper()), None)

    def choose_equipment(self, equipment: EquipmentView) -> None:
        self.equipment = equipment

    def add_component(self, item: ItemView) -> str | None:
        """Add a scanned lot or serial; the sentence that refuses it, or None when it was added."""
        assert self.task is not None and self.task.due is not None
        label = item_label(item)
        if any(c.id == item.id for c in self.components):
            return f"{label} is scanned already. Scan each lot or serial once."
        need = next((n for n in self.task.components if n.part_number == item.part_number), None)
        operation = f"{self.task.due.label} of {self.task.item.part_number}"
        if need is None:
            takes = ", ".join(n.part_number for n in self.task.components)
            what = f"it takes {takes}. Scan a lot or serial of the right part" if takes else \
                "it uses no components. Scan the equipment, enter the parameters and complete"
            return (f"{label} is not a component of {operation}: {what}. To work on {label} instead, "
                    "scan CANCEL first.")
        status = next(s for s in self.need_status() if s.need is need)
        if status.missing <= EPSILON:
            lots = ", ".join(a.item.code for a in status.lots)
            return (f"Enough {need.part_number} is scanned already ({fmt.quantity(need.quantity, need.unit)} "
                    f"from {lots}). Leave {label} where it is.")
        self.components.append(item)
        return None

    def set_text(self, name: str, text: str) -> None:
        """The operator typed a value: it is theirs now, whatever a sensor said before."""
        for entry in self.parameters:
            if entry.spec.name == name:
                entry.text, entry.source, entry.read_at = text, ParameterSource.MANUAL, None
                entry.source_ref, entry.unit = None, entry.spec.unit

    def set_sensor(self, source_ref: str, value: float, unit: str | None,
                   read_at: datetime | None) -> list[str]:
        """A sensor's reading for every parameter fed by `source_ref`; the names of those parameters."""
        names = []
        for entry in self.parameters:
            if entry.spec.sensor == source_ref:
                entry.text = f"{value:.10g}"  # no thousands separator: the text is parsed back
                entry.source, entry.read_at, entry.source_ref = ParameterSource.SENSOR, read_at, source_ref
                entry.unit = unit or entry.spec.unit
                names.append(entry.spec.name)
        return names

    # -- reading it ---------------------------------------------------------------------------------------

    def need_status(self) -> list[NeedStatus]:
        """Each component need with the scanned lots that cover it, in scan order: each gives what is still
        missing, at most what it has; a serial gives itself."""
        if self.task is None:
            return []
        result = []
        for need in self.task.components:
            remaining, lots = need.quantity, []
            for item in self.components:
                if item.part_number != need.part_number:
                    continue
                take = 1.0 if item.is_serial else round(min(remaining, item.quantity), 6)
                lots.append(Allocation(item, take))
                remaining = round(remaining - take, 6)
            result.append(NeedStatus(need, tuple(lots), max(remaining, 0.0)))
        return result

    def missing(self) -> list[str]:
        """What still stops the step, one instruction each, in the order the state line asks for them."""
        if not self.workable:
            return ["Scan the part, lot or work order to work on."]
        found = []
        if self.needs_equipment and self.equipment is None:
            usable = [e.code for e in self.task.equipment if e.usable]  # type: ignore[union-attr]
            found.append(f"Scan the equipment ({' or '.join(usable) or 'none of it is usable now'}).")
        for status in self.need_status():
            if status.missing > EPSILON:
                need = status.need
                found.append(f"Scan {fmt.quantity(status.missing, need.unit)} of {need.part_number} "
                             f"({need.description}).")
        for entry in self.parameters:
            if entry.problem and not entry.out_of_limits:
                found.append(f"{entry.spec.name}: {entry.problem}.")
        return found

    def refusals(self) -> list[str]:
        """Values this operation does not record at all: outside the limits of a blocking parameter."""
        return [f"{e.spec.name} {e.text.strip()}{' ' + e.unit if e.unit else ''} is outside its limits "
                f"({limits_text(e.spec)}): this operation cannot be recorded with it. Check the process, "
                "then read or type the value again." for e in self.parameters
                if e.problem and e.out_of_limits]

    def request(self, station: str) -> StepRequest:
        assert self.task is not None and self.task.due is not None
        completion = StepCompletion(
            components=tuple(ComponentScan(a.item.id, a.quantity)
                             for status in self.need_status() for a in status.lots),
            parameters=tuple(r for r in (p.reading() for p in self.parameters) if r is not None))
        if self.task.open_steps:
            steps = self.open_load.step_ids if self.open_load is not None else self.task.open_steps
            return StepRequest(None, steps, completion)
        # The operation the operator was shown, not whatever is due when the request arrives: if another
        # bench recorded it meanwhile, the service refuses instead of recording the next one here.
        return StepRequest(self.start_request(station), (), completion)
