"""Step records of the demo: an executed route operation at its station and equipment, by the person on
shift, cut off at the demo's "now" (a step running then is in progress), with its process parameters — each
checked against its operation's limits, sensor readings with the machine's topic and the time they were
read, as the station would have stored them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.models import ParameterSource, StepResult
from app.services.demo import catalogue as cat
from app.services.demo.context import INFINITY, Plant

SENSOR, MANUAL = ParameterSource.SENSOR.value, ParameterSource.MANUAL.value
Parameter = tuple[str, float, str, str]  # name, value, unit, source


@dataclass(frozen=True)
class Place:
    """Where an operation runs for one order: its key, station, equipment, and the work centre's desk number
    (which decides the operator on shift)."""

    operation: Any
    station: Any
    equipment: Any
    desk: int
    by_inspector: bool


class Steps:
    def __init__(self, plant: Plant) -> None:
        self._plant = plant
        master = plant.master
        self._places: dict[tuple[str, int], list[Place]] = {}
        for desk, (part, op) in enumerate((part, op) for part, ops in cat.ROUTES.items() for op in ops):
            self._places[part, op.seq] = [
                Place(master.operations[part, op.seq], master.stations[station],
                      master.equipment[equipment] if equipment else None, desk,
                      by_inspector=op.work_center == "Quality lab")
                for station, equipment in zip(op.stations, op.equipment, strict=True)]
        self._pass, self._fail = StepResult.PASS.value, StepResult.FAIL.value
        self._running = StepResult.IN_PROGRESS.value

    def place(self, part: str, seq: int, order_index: int) -> Place:
        """Orders alternate over the stations of a work centre that has several."""
        places = self._places[part, seq]
        return places[order_index % len(places)]

    def handling(self, station: str) -> Place:
        """Work outside any route (splitting and merging lots) at `station`."""
        return Place(None, self._plant.master.stations[station], None, len(self._places), False)

    def record(self, item: Any, work_order: Any, place: Place, start: int, end: int, *, cut: int = INFINITY,
               failed: bool = False, quantity: float = 1.0, notes: str | None = None) -> Any | None:
        """Append the step (unless it starts after `cut`); its key if it completed by `cut`, else None."""
        if start >= cut:
            return None
        p = self._plant
        done = end <= cut
        step = p.ids.new(start)
        operator = p.inspector(start) if place.by_inspector else p.operator(start, place.desk)
        result = (self._fail if failed else self._pass) if done else self._running
        p.rows.steps.append((step, item, work_order, place.operation, place.station, place.equipment,
                             operator, p.codec.at(start), p.codec.at(end) if done else None, result, quantity,
                             notes))
        return step if done else None

    def parameters(self, step: Any, place: Place, at: int, parameters: Iterable[Parameter]) -> None:
        p = self._plant
        new_id, read_at = p.ids.new, p.codec.at(at)
        limits, sensors, rows = p.master.limits, p.master.sensors, p.rows.parameters
        for name, value, unit, source in parameters:
            lower, upper = limits.get((place.operation, name), (None, None))
            outside = (lower is not None and value < lower) or (upper is not None and value > upper)
            ref = sensors.get((place.equipment, name)) if source == SENSOR else None
            rows.append((new_id(at), step, name, value, unit, source, read_at if ref else None, ref, lower,
                         upper, outside))
