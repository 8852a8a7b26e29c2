"""The valve-body line of the demo: bodies sawn from bar stock, turned, heat-treated in furnace loads, ground
and gauged — the bore creeps upward with grinding-wheel wear, for SPC to find — NCRs for bores out of
tolerance, and final inspection. The bodies that pass go on to `assembly`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any

from app.models import Disposition, ItemStatus, WorkOrderStatus
from app.services.demo import catalogue as cat
from app.services.demo.context import INFINITY, Plant
from app.services.demo.materials import Supply
from app.services.demo.quality import Quality
from app.services.demo.schedule import DAY, NcrPhase, Order
from app.services.demo.steps import MANUAL, SENSOR, Steps

BORE_START, BORE_DRIFT = 11.9990, 0.0090  # mm: the bore mean at the first unit, and its creep by the last
SAW, TURN, GRIND, FINAL = 90, 420, 360, 180  # cycle times, seconds
TRANSFER = 1800  # from one work centre to the next
FURNACE_LOAD, FURNACE_CYCLE = 60, 16_200  # bodies per load; heat-up, soak and cool-down
BAR_PER_BODY = 0.12  # m of Ø40 bar, saw kerf included
REWORK_DELAY, CONCESSION_DELAY = 4 * 3600, 2 * DAY
SCRAP_ABOVE = 0.006  # mm over the upper limit that no customer concession covers
FINAL_SAMPLE_EVERY = cat.PLANS["body_final"].frequency
_RA = cat.PLANS["body_grinding"].characteristics[1]


class Outcome(str, enum.Enum):
    GOOD = "good"
    REWORK = "rework"  # undersize bore: re-ground
    USE_AS_IS = "use_as_is"  # a few µm oversize: customer concession
    SCRAP = "scrap"  # far oversize
    HOLD = "hold"  # its NCR is still open when the demo ends


_DISPOSITIONS = {Outcome.REWORK: Disposition.REWORK, Outcome.USE_AS_IS: Disposition.USE_AS_IS,
                 Outcome.SCRAP: Disposition.SCRAP, Outcome.HOLD: None}


@dataclass(slots=True)
class Body:
    slot: int  # the finished unit this body is meant for; drift and planned defects are keyed by it
    bore: float
    outcome: Outcome
    id: Any = None
    code: str = ""
    lot: Any = None
    sawn: int = 0
    done: int = 0  # when its last operation ended
    ready: int | None = None  # when it may go on after grinding; None: it stops there
    status: ItemStatus = ItemStatus.CONSUMED  # into a valve, unless something below says otherwise


class BodyLine:
    def __init__(self, plant: Plant, steps: Steps, quality: Quality, bar: Supply, *, units: int,
                 forced_defects: dict[int, str]) -> None:
        self._plant = plant
        self._steps = steps
        self._quality = quality
        self._bar = bar
        self._units = units
        self._forced = dict(forced_defects)

    def run(self, order: Order, customer_order: Any) -> list[Body]:
        """Machine the bodies of `order`; returns those through final inspection, in the order they passed."""
        status = WorkOrderStatus.IN_PROGRESS if order.in_process else WorkOrderStatus.COMPLETED
        work_order, _ = self._plant.work_order(cat.BODY, order.quantity, customer_order, order.start - DAY,
                                               status)
        bodies = self._plan(order)
        self._saw_and_turn(order, bodies, work_order)
        cut = self._heat_treat(order, bodies, work_order)
        self._grind(order, bodies, work_order, cut)
        passed = self._final_inspection(order, bodies, work_order, cut)
        # Written last, when each status is known; one flush takes the whole order, parents first.
        p, part = self._plant, self._plant.master.parts[cat.BODY]
        p.rows.items.extend((body.id, part, body.code, True, 1.0, 1.0, body.status.value, work_order,
                             None, None, None, None, None, p.codec.at(body.sawn)) for body in bodies)
        return passed

    def _plan(self, order: Order) -> list[Body]:
        """Each body's bore is known up front, so one lost to scrap or hold is replaced on the same order."""
        bodies = []
        slot, end = order.first_slot, order.first_slot + order.quantity
        while slot < end:
            bore = self._bore(slot, self._forced.pop(slot, None))
            outcome = self._outcome(bore, order.ncr_phase)
            bodies.append(Body(slot, bore, outcome,
                               status=ItemStatus.IN_PROCESS if order.in_process else ItemStatus.CONSUMED))
            if order.in_process or outcome not in (Outcome.SCRAP, Outcome.HOLD):
                slot += 1
        return bodies

    def _bore(self, slot: int, defect: str | None) -> float:
        rng = self._plant.rng
        if defect == "undersize":  # wrong dressing offset
            return round(cat.BORE_LOW - 0.002 - 0.006 * rng.random(), 3)
        if defect == "gross_oversize":  # wheel crash
            return round(cat.BORE_HIGH + 0.010 + 0.020 * rng.random(), 3)
        if defect == "oversize":
            return round(cat.BORE_HIGH + 0.001 + 0.003 * rng.random(), 3)
        return round(rng.gauss(self._bore_mean(slot), cat.BORE.sigma), 3)

    def _bore_mean(self, slot: int) -> float:
        return BORE_START + BORE_DRIFT * slot / self._units

    @staticmethod
    def _outcome(bore: float, phase: NcrPhase) -> Outcome:
        if cat.BORE_LOW <= bore <= cat.BORE_HIGH:
            return Outcome.GOOD
        if phase is NcrPhase.OPEN:
            return Outcome.HOLD
        if bore < cat.BORE_LOW:
            return Outcome.REWORK
        return Outcome.SCRAP if bore > cat.BORE_HIGH + SCRAP_ABOVE else Outcome.USE_AS_IS

    def _saw_and_turn(self, order: Order, bodies: list[Body], work_order: Any) -> None:
        p, record, parameters = self._plant, self._steps.record, self._steps.parameters
        rand, gauss, new_id, links = p.rng.random, p.rng.gauss, p.ids.new, p.rows.links.append
        saw = self._steps.place(cat.BODY, 10, order.index)
        turn = self._steps.place(cat.BODY, 20, order.index)
        drawn = self._bar.draw(len(bodies), BAR_PER_BODY, order.start)
        lots = [lot for lot, count in drawn for _ in range(count)]
        saw_free = turn_free = order.start
        for body, lot in zip(bodies, lots, strict=True):
            body.id, body.lot, body.sawn = new_id(saw_free), lot, saw_free
            body.code = f"VB-{40000 + p.number('body'):07d}"
            sawn = saw_free + int(SAW * (0.85 + 0.3 * rand()))
            step = record(body.id, work_order, saw, saw_free, sawn)
            links((new_id(saw_free), lot, body.id, BAR_PER_BODY, step))
            start = max(sawn + TRANSFER, turn_free)
            turn_free = start + int(TURN * (0.85 + 0.3 * rand()))
            step = record(body.id, work_order, turn, start, turn_free)
            # ~200 m/min cutting speed on Ø40 mm 316L
            parameters(step, turn, start, (("Spindle speed", float(round(gauss(1600, 8))), "rpm", SENSOR),
                                           ("Feed", round(gauss(0.12, 0.002), 3), "mm/rev", SENSOR)))
            body.done, saw_free = turn_free, sawn

    def _heat_treat(self, order: Order, bodies: list[Body], work_order: Any) -> int:
        """Furnace loads; returns the demo's "now" for the in-process order (a few bodies into grinding after
        the first load), INFINITY for the others."""
        p, record, parameters = self._plant, self._steps.record, self._steps.parameters
        place = self._steps.place(cat.BODY, 30, order.index)
        loads, free = [], 0
        for first in range(0, len(bodies), FURNACE_LOAD):
            load = bodies[first:first + FURNACE_LOAD]
            start = max(load[-1].done + TRANSFER, free)
            free = start + int(FURNACE_CYCLE * (0.95 + 0.1 * p.rng.random()))
            loads.append((load, start, free))
        cut = loads[0][2] + TRANSFER + 3 * GRIND if order.in_process else INFINITY
        for load, start, end in loads:
            notes = f"Furnace load {p.document('HT', start)}"
            readings = (("Furnace temperature", round(p.rng.gauss(1060, 2.5), 1), "°C", SENSOR),
                        ("Soak time", float(30 + p.rng.randrange(4)), "min", MANUAL))
            for body in load:
                step = record(body.id, work_order, place, start, end, cut=cut, notes=notes)
                if step is not None:
                    parameters(step, place, start, readings)
                body.done = end
        return cut

    def _grind(self, order: Order, bodies: list[Body], work_order: Any, cut: int) -> None:
        p, quality = self._plant, self._quality
        rand, gauss = p.rng.random, p.rng.gauss
        place = self._steps.place(cat.BODY, 40, order.index)
        free = 0
        for body in bodies:
            start = max(body.done + TRANSFER, free)
            free = end = start + int(GRIND * (0.85 + 0.3 * rand()))
            step = self._steps.record(body.id, work_order, place, start, end, cut=cut,
                                      failed=body.outcome is not Outcome.GOOD)
            if step is None:
                continue
            # The coolant warms with the same wear that moves the bore: a clue for whoever investigates.
            coolant = round(20.5 + 3.0 * body.slot / self._units + gauss(0, 0.35), 1)
            self._steps.parameters(step, place, start, (("Coolant temperature", coolant, "°C", SENSOR),))
            record, _ = quality.inspect("body_grinding", body.id, step, end + 60,
                                        ((0, body.bore), (1, quality.capable(_RA))))
            body.ready = (end + 60 if body.outcome is Outcome.GOOD else
                          self._nonconformance(order, body, work_order, record, end + 600))

    def _nonconformance(self, order: Order, body: Body, work_order: Any, record: Any, at: int) -> int | None:
        """Open the NCR for an out-of-tolerance bore and carry out its disposition; returns when the body may
        go on, or None when it stays (scrapped or on hold)."""
        high = body.bore > cat.BORE_HIGH
        disposition = _DISPOSITIONS[body.outcome]
        rework_start = at + REWORK_DELAY
        ready = {Outcome.REWORK: rework_start + 2 * GRIND, Outcome.USE_AS_IS: at + CONCESSION_DELAY}.get(
            body.outcome)
        closed = (ready or at) + DAY if disposition and order.ncr_phase is NcrPhase.CLOSED else None
        number = self._quality.nonconformance(
            items=(body.id,), at=at, record=record, disposition=disposition, closed_at=closed,
            defect_code="DIM-HIGH" if high else "DIM-LOW",
            description=f"{body.code}: bore diameter {body.bore:.3f} mm is "
                        f"{'above the upper' if high else 'below the lower'} limit "
                        f"{cat.BORE_HIGH if high else cat.BORE_LOW:.3f} mm at in-process gauging after "
                        "grinding (GRD-01).")
        if body.outcome is Outcome.REWORK:
            assert ready is not None
            place = self._steps.place(cat.BODY, 40, order.index)
            step = self._steps.record(body.id, work_order, place, rework_start, ready - 60,
                                      notes=f"Rework per {number}: bore re-ground to size")
            bore = self._quality.capable(replace(cat.BORE, mean=self._bore_mean(body.slot)))
            self._quality.inspect("body_grinding", body.id, step, ready,
                                  ((0, bore), (1, self._quality.capable(_RA))))
        elif body.outcome is Outcome.SCRAP:
            body.status = ItemStatus.SCRAPPED
        elif body.outcome is Outcome.HOLD:
            body.status = ItemStatus.ON_HOLD
            self._plant.example("held_item", body.code)
            self._plant.example("nonconformance", number)
        return ready

    def _final_inspection(self, order: Order, bodies: list[Body], work_order: Any, cut: int) -> list[Body]:
        place = self._steps.place(cat.BODY, 50, order.index)
        rand, quality = self._plant.rng.random, self._quality
        passed: list[Body] = []
        free = 0
        for body in sorted((b for b in bodies if b.ready is not None), key=lambda b: b.ready or 0):
            assert body.ready is not None
            start = max(body.ready + TRANSFER, free)
            free = end = start + int(FINAL * (0.85 + 0.3 * rand()))
            step = self._steps.record(body.id, work_order, place, start, end, cut=cut)
            if step is None:
                continue
            if len(passed) % FINAL_SAMPLE_EVERY == 0:
                quality.inspect("body_final", body.id, step, end, quality.sample("body_final"))
            body.done = end
            passed.append(body)
        return passed
