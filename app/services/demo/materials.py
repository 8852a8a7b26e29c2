"""Purchased material: lots received from the suppliers when the previous one runs out (supplier lot, heat
number, certificate, goods-receipt step, receiving inspection), consumed first in, first out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app.models import Disposition, ItemStatus
from app.services.demo import catalogue as cat
from app.services.demo.bulk import BASE
from app.services.demo.context import Plant
from app.services.demo.quality import Quality
from app.services.demo.schedule import DAY
from app.services.demo.steps import Steps


@dataclass(frozen=True)
class SupplySpec:
    part: str
    supplier: str
    lot_size: float
    plan: str
    lot_prefix: str  # how the supplier numbers its lots (six digits follow)
    certificate: str  # the EN 10204 document that comes with each delivery
    sample_size: int = 1
    heats: bool = False  # melt-traceable: a heat number, shared by HEAT_DELIVERIES consecutive deliveries
    reject_first: bool = False  # the first delivery fails receiving inspection and goes back


# A stock-holder cuts several deliveries from one melt: a heat of bar is tens of tonnes, a delivery 360 m.
HEAT_DELIVERIES = 4
BAR_SUPPLY = SupplySpec(cat.BAR, "EMS", 360.0, "bar_receiving", "EM-", "3.1", heats=True)  # 60 bars × 6 m
SEAL_SUPPLY = SupplySpec(cat.SEALS, "MTS", 2000, "seal_receiving", "MT25", "2.2")
SPRING_SUPPLY = SupplySpec(cat.SPRINGS, "MVG", 2500, "spring_receiving", "L", "3.1", sample_size=5,
                           reject_first=True)


@dataclass
class Lot:
    id: Any
    code: str
    supplier_lot: str
    heat: str | None
    remaining: float
    smallest_draw: float = float("inf")


class Supply:
    def __init__(self, plant: Plant, steps: Steps, quality: Quality, spec: SupplySpec) -> None:
        self._plant = plant
        self._steps = steps
        self._quality = quality
        self._spec = spec
        self._lots: list[Lot] = []
        self._by_id: dict[Any, Lot] = {}
        self._heat = ""
        self._shelf_life = next(p.shelf_life_days for p in cat.PARTS if p.part_number == spec.part)
        self._rejected: list[Lot] = []

    def draw(self, pieces: int, per_piece: float, at: int) -> list[tuple[Any, int]]:
        """Take `pieces` of `per_piece` each, needed at `at`; a piece never spans two lots (the remnant of a
        lot is an offcut). Returns (lot key, pieces) in the order used."""
        taken: list[tuple[Any, int]] = []
        while pieces:
            lot = self._lots[-1] if self._lots else None
            if lot is None or lot.remaining < per_piece - 1e-9:
                lot = self._receive(at)
            count = min(pieces, int((lot.remaining + 1e-9) // per_piece))
            lot.remaining -= count * per_piece
            lot.smallest_draw = min(lot.smallest_draw, per_piece)
            taken.append((lot.id, count))
            pieces -= count
        return taken

    def lot(self, key: Any) -> Lot:
        return self._by_id[key]

    def final_states(self) -> list[tuple[Any, float, ItemStatus]]:
        """(lot key, quantity left, status) of every lot received: used up, partly left, or sent back."""
        states = [(lot.id, round(lot.remaining, 3),
                   ItemStatus.CONSUMED if lot.remaining < lot.smallest_draw - 1e-9 else ItemStatus.RELEASED)
                  for lot in self._lots]
        return states + [(lot.id, lot.remaining, ItemStatus.QUARANTINED) for lot in self._rejected]

    def _receive(self, needed_at: int) -> Lot:
        at = needed_at - self._plant.rng.randrange(2 * DAY, 9 * DAY)
        if self._spec.reject_first and not self._rejected:
            self._rejected.append(self._deliver(at - DAY, rejected=True))
        lot = self._deliver(at, rejected=False)
        self._lots.append(lot)
        return lot

    def _deliver(self, at: int, *, rejected: bool) -> Lot:
        p, spec, rng = self._plant, self._spec, self._plant.rng
        supplier_lot = f"{spec.lot_prefix}{rng.randrange(10**5, 10**6)}"
        certificate = f"{spec.certificate}-{spec.supplier}-{rng.randrange(10**4, 10**5)}"
        if spec.heats and (not self._heat or len(self._lots) % HEAT_DELIVERIES == 0):
            self._heat = f"H-2{rng.choice('45')}{rng.choice('ABCDEFGHJK')}{rng.randrange(1000, 10000)}"
        heat = self._heat if spec.heats else None
        expires = (p.codec.day((BASE + timedelta(seconds=at, days=self._shelf_life)).date())
                   if self._shelf_life else None)
        lot = p.ids.new(at)
        code = p.document("GR", at)
        p.rows.items.append((lot, p.master.parts[spec.part], code, False, spec.lot_size, spec.lot_size,
                             ItemStatus.RELEASED.value, None, p.master.suppliers[spec.supplier], supplier_lot,
                             heat, certificate, expires, p.codec.at(at)))
        delivery_note = f"{spec.supplier}-{rng.randrange(10**5, 10**6)}"
        step = self._steps.record(lot, None, self._steps.handling("GR-PC1"), at, at + 900,
                                  quantity=spec.lot_size, notes=f"Goods receipt, delivery {delivery_note}")
        readings = self._quality.sample(spec.plan, spec.sample_size)
        if rejected:
            # Springs wound short: the whole sample is below the free-length tolerance.
            readings = [(i, None if v is None else round(v - 0.85, 2)) for i, v in readings]
        record, _ = self._quality.inspect(spec.plan, lot, step, at + 3600, readings)
        if rejected:
            self._quality.nonconformance(
                items=(lot,), at=at + 5400, record=record, disposition=Disposition.RETURN_TO_SUPPLIER,
                closed_at=None, defect_code="DIM-LOW",
                description=f"Goods receipt {code} (supplier lot {supplier_lot}): free length L0 below "
                            "31.5 mm on all 5 samples. Lot quarantined; return to supplier, 8D report "
                            "requested.")
        self._by_id[lot] = Lot(lot, code, supplier_lot, heat, spec.lot_size)
        return self._by_id[lot]
