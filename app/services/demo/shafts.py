"""The shaft family of the demo: lot-tracked batches turned from bar stock (a batch may take bar from two
deliveries), ground, inspected, then split for delivery; the overruns of two batches are merged into one
stock lot. Together they give the genealogy its splits and merges."""

from __future__ import annotations

from typing import Any, NamedTuple

from app.models import ItemStatus, WorkOrderStatus
from app.services.demo import catalogue as cat
from app.services.demo.context import Plant
from app.services.demo.logistics import Logistics
from app.services.demo.materials import Supply
from app.services.demo.quality import Quality
from app.services.demo.schedule import DAY, Order
from app.services.demo.steps import SENSOR, Steps

TURN_EACH, GRIND_EACH, INSPECT = 240, 150, 3600  # seconds
TRANSFER = 1800
BAR_PER_SHAFT = 0.225  # m: 220 mm plus facing and kerf


class Lot(NamedTuple):
    key: Any
    code: str
    quantity: int


class ShaftLine:
    def __init__(self, plant: Plant, steps: Steps, quality: Quality, logistics: Logistics, *, bar: Supply,
                 lots: int) -> None:
        self._plant = plant
        self._steps = steps
        self._quality = quality
        self._logistics = logistics
        self._bar = bar
        self._lots = lots
        self._made = 0
        self._waiting: Lot | None = None  # the previous batch's overrun, to be merged with the next one

    def run(self, order: Order) -> None:
        p, steps, quality = self._plant, self._steps, self._quality
        quantity, start = order.shaft_lot, order.start + DAY // 2
        customer_order, _ = self._logistics.customer_order(order.customer, start)
        work_order, _ = p.work_order(cat.SHAFT, quantity, customer_order, start - DAY, WorkOrderStatus.CLOSED)
        batch = Lot(p.ids.new(start), p.document("SL", start, 4), quantity)
        self._item(batch, ItemStatus.CONSUMED, work_order, start)  # all of it is split below

        def operation(seq: int, begin: int, end: int) -> Any:
            place = steps.place(cat.SHAFT, seq, order.index)
            return steps.record(batch.key, work_order, place, begin, end, quantity=quantity)

        end = start + quantity * TURN_EACH
        step = operation(10, start, end)
        steps.parameters(step, steps.place(cat.SHAFT, 10, order.index), start, (
            ("Spindle speed", float(round(p.rng.gauss(1850, 10))), "rpm", SENSOR),
            ("Feed", round(p.rng.gauss(0.20, 0.003), 3), "mm/rev", SENSOR)))
        p.rows.links.extend((p.ids.new(start), bar_lot, batch.key, round(count * BAR_PER_SHAFT, 3), step)
                            for bar_lot, count in self._bar.draw(quantity, BAR_PER_SHAFT, start))
        start, end = end + TRANSFER, end + TRANSFER + quantity * GRIND_EACH
        step = operation(20, start, end)
        coolant = round(p.rng.gauss(21.0, 0.4), 1)
        steps.parameters(step, steps.place(cat.SHAFT, 20, order.index), start,
                         (("Coolant temperature", coolant, "°C", SENSOR),))
        quality.inspect("shaft_grinding", batch.key, step, end, quality.sample("shaft_grinding", 5))
        start, end = end + TRANSFER, end + TRANSFER + INSPECT
        step = operation(30, start, end)
        quality.inspect("shaft_final", batch.key, step, end, quality.sample("shaft_final"))
        self._split(order, customer_order, work_order, batch, end + TRANSFER)

    def _split(self, order: Order, customer_order: Any, work_order: Any, batch: Lot, at: int) -> None:
        """The customer ordered a round number; the batch's overrun is split off to stock."""
        p = self._plant
        overrun = p.rng.randrange(8, 25)
        delivered = Lot(p.ids.new(at), f"{batch.code}-1", batch.quantity - overrun)
        kept = Lot(p.ids.new(at), f"{batch.code}-2", overrun)
        self._made += 1
        # Overruns pair up: the first of a pair waits for the next batch, the second brings both together.
        merges = self._made % 2 == 0 or self._made < self._lots
        step = self._handle(batch, at, f"Split {batch.code}: {delivered.quantity} pcs for delivery, "
                                       f"{kept.quantity} pcs to stock")
        self._item(delivered, ItemStatus.SHIPPED, work_order, at)
        self._item(kept, ItemStatus.CONSUMED if merges else ItemStatus.RELEASED, work_order, at)
        p.rows.links.extend((p.ids.new(at), batch.key, part.key, float(part.quantity), step)
                            for part in (delivered, kept))
        p.example("split_lot", batch.code)
        self._logistics.ship(order.customer, customer_order, at + DAY,
                             [(delivered.key, float(delivered.quantity))])
        if self._waiting is None:
            self._waiting = kept if merges else None
        else:
            self._merge(self._waiting, kept, at + 3600)
            self._waiting = None

    def _merge(self, first: Lot, second: Lot, at: int) -> None:
        p = self._plant
        merged = Lot(p.ids.new(at), p.document("SM", at, 4), first.quantity + second.quantity)
        self._item(merged, ItemStatus.RELEASED, None, at)
        step = self._handle(merged, at, f"Merge overruns {first.code} and {second.code} into stock lot "
                                        f"{merged.code}")
        p.rows.links.extend((p.ids.new(at), part.key, merged.key, float(part.quantity), step)
                            for part in (first, second))
        p.example("merged_lot", merged.code)

    def _handle(self, lot: Lot, at: int, notes: str) -> Any:
        """A step outside the route, at the shipping desk."""
        return self._steps.record(lot.key, None, self._steps.handling("SHP-PC1"), at, at + 600,
                                  quantity=lot.quantity, notes=notes)

    def _item(self, lot: Lot, status: ItemStatus, work_order: Any, at: int) -> None:
        p = self._plant
        left = lot.quantity if status in (ItemStatus.RELEASED, ItemStatus.SHIPPED) else 0
        p.rows.items.append((lot.key, p.master.parts[cat.SHAFT], lot.code, False, float(left),
                             float(lot.quantity), status.value, work_order, None, None, None, None, None,
                             p.codec.at(at)))
