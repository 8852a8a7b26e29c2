"""Quality rows of the demo: inspection records with their measurements against the plans, readings drawn
from the process models in the catalogue, and nonconformances that hold items."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from app.models import CharacteristicKind, Disposition, InspectionResult, NonconformanceStatus
from app.services.demo.catalogue import CharSpec
from app.services.demo.context import Plant

SIGN_DELAY = 120  # seconds from measuring to the inspector's signature

Reading = tuple[int, float | None]  # (index of the characteristic in its plan, value; None: attribute passed)


class Quality:
    def __init__(self, plant: Plant) -> None:
        self._plant = plant
        self._plans = plant.master.plans
        self._gauss = plant.rng.gauss

    def capable(self, spec: CharSpec) -> float:
        """A reading of a capable, stable process. Only the valve bore makes NCRs in this plant (see bodies),
        so other readings are re-drawn inside the tolerance: the 5–7 sigma processes here hardly notice."""
        low = 0.0 if spec.lower is None else spec.lower  # one-sided limits here are all sizes or deviations
        high = spec.upper if spec.upper is not None else float("inf")
        while True:
            value = round(self._gauss(spec.mean, spec.sigma), spec.decimals)
            if low <= value <= high:
                return value

    def sample(self, plan: str, sample_size: int = 1) -> list[Reading]:
        """Readings for every characteristic of `plan`: variables `sample_size` times, attributes once."""
        readings: list[Reading] = []
        for index, (_, spec, _) in enumerate(self._plans[plan].characteristics):
            if spec.kind is CharacteristicKind.ATTRIBUTE:
                readings.append((index, None))
            else:
                readings.extend((index, self.capable(spec)) for _ in range(sample_size))
        return readings

    def inspect(self, plan: str, item: Any, step: Any, at: int, readings: Iterable[Reading]
                ) -> tuple[Any, bool]:
        """Write an inspection record signed by the inspector on shift; returns its key and if it passed."""
        p = self._plant
        keys = self._plans[plan]
        record = p.ids.new(at)
        when = p.codec.at(at)
        passed_all = True
        append = p.rows.measurements.append
        new_id = p.ids.new
        for index, value in readings:
            char, spec, gauge = keys.characteristics[index]
            passed, defect = True, None
            if value is not None:
                if spec.upper is not None and value > spec.upper:
                    passed, defect = False, "DIM-HIGH"
                elif spec.lower is not None and value < spec.lower:
                    passed, defect = False, "DIM-LOW"
                passed_all = passed_all and passed
            append((new_id(at), record, char, value, passed, defect, gauge, when))
        result = InspectionResult.PASS.value if passed_all else InspectionResult.FAIL.value
        p.rows.records.append((record, keys.id, item, step, p.inspector(at), when,
                               p.codec.at(at + SIGN_DELAY), result))
        return record, passed_all

    def nonconformance(self, *, items: Sequence[Any], description: str, defect_code: str, at: int,
                       record: Any | None, disposition: Disposition | None, closed_at: int | None) -> str:
        """Open an NCR on `items`; with a disposition it is dispositioned, closed if `closed_at` is set."""
        p = self._plant
        number = p.document("NCR", at, 4)
        status = (NonconformanceStatus.OPEN if disposition is None else
                  NonconformanceStatus.DISPOSITIONED if closed_at is None else NonconformanceStatus.CLOSED)
        ncr = p.ids.new(at)
        p.rows.nonconformances.append((
            ncr, number, description, defect_code, status.value, disposition.value if disposition else None,
            record, p.inspector(at), p.codec.at(at), None if closed_at is None else p.codec.at(closed_at)))
        p.rows.nonconformance_items.extend((ncr, item) for item in items)
        return number
