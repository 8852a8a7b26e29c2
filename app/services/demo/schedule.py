"""The demo's production plan, fixed before anything is written: customer orders over half a year, which
of them carry shafts, which finished units the story needs (NCRs, complaints, the example)."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.services.demo.bulk import BASE
from app.services.demo.catalogue import CUSTOMERS

DAY = 86_400
SPAN = 182 * DAY  # a plant of any size spreads its orders over half a year…
MAX_GAP = 7 * DAY  # …but a small one does not wait longer than a week between orders
ORDER_SIZES = (50, 60, 75, 80, 100, 120, 150, 200)
SHAFT_LOT_SIZES = (200, 250, 300, 400, 500)
IN_PROCESS_BODIES = 80  # the work order on the floor when the demo "stops the clock"
MIN_UNITS = 10
DEFECTS = ("undersize", "gross_oversize", "oversize")  # → rework, scrap, use as is (see bodies.Outcome)


class NcrPhase(str, enum.Enum):
    """How far the NCRs raised in an order have come by the end of the demo."""

    CLOSED = "closed"
    DISPOSITIONED = "dispositioned"
    OPEN = "open"


@dataclass(frozen=True)
class Order:
    index: int
    customer: int  # index into catalogue.CUSTOMERS
    quantity: int  # valve assemblies to finish (bodies to start, for the in-process order)
    first_slot: int  # running index of its first finished unit over the whole demo
    start: int  # seconds after BASE
    ncr_phase: NcrPhase
    call_off: bool  # its last pallet waits in stock for the customer's call-off
    shaft_lot: int  # shafts made alongside for the same customer; 0 for none
    in_process: bool = False


@dataclass(frozen=True)
class Schedule:
    orders: tuple[Order, ...]
    in_process: Order
    forced_defects: dict[int, str]  # finished-unit slot → the bore defect its first body gets
    complaint_slots: frozenset[int]
    example_slot: int
    shaft_lots: int

    @property
    def today(self) -> date:
        """The demo's "now": the day the in-process order has reached."""
        return (BASE + timedelta(seconds=self.in_process.start)).date() + timedelta(days=1)


def plan(rng: random.Random, units: int) -> Schedule:
    cap = max(5, units // 3)  # a small demo still gets several orders, so some are shipped and one is not
    smallest = min(ORDER_SIZES[0], cap)
    sizes: list[int] = []
    remaining = units
    while remaining:
        quantity = min(rng.choice(ORDER_SIZES), cap, remaining)
        if remaining - quantity < smallest:  # no order smaller than the smallest: the last one takes the rest
            quantity = remaining
        sizes.append(quantity)
        remaining -= quantity
    count = len(sizes)
    gap = min(MAX_GAP, SPAN // count)
    shaft_count = max(2, count // 5)
    shafts = {i * count // shaft_count: rng.choice(SHAFT_LOT_SIZES) for i in range(shaft_count)}
    open_from = count - max(1, count // 50)
    dispositioned_from = min(open_from, int(count * 0.9))
    call_off_from = count - max(1, count // 25)
    orders = []
    slot = 0
    for index, quantity in enumerate(sizes):
        phase = (NcrPhase.OPEN if index >= open_from else
                 NcrPhase.DISPOSITIONED if index >= dispositioned_from else NcrPhase.CLOSED)
        orders.append(Order(index=index, customer=rng.randrange(len(CUSTOMERS)), quantity=quantity,
                            first_slot=slot, start=_start(rng, index, gap), ncr_phase=phase,
                            call_off=index >= call_off_from, shaft_lot=shafts.get(index, 0)))
        slot += quantity
    in_process = Order(index=count, customer=rng.randrange(len(CUSTOMERS)), quantity=IN_PROCESS_BODIES,
                       first_slot=units, start=_start(rng, count, gap), ncr_phase=NcrPhase.OPEN,
                       call_off=True, shaft_lot=0, in_process=True)
    # Special causes spread over the run (one per ~1000 units, at least one of each kind); the drift may
    # add more near the end.
    events = max(3, units // 1000)
    forced = {int(units * (0.15 + 0.7 * k / events)): DEFECTS[k % len(DEFECTS)] for k in range(events)}
    forced[units] = "oversize"  # the first body of the order on the floor: its NCR is still open
    complaints = max(3, units // 5000)
    return Schedule(
        orders=tuple(orders), in_process=in_process, forced_defects=forced,
        complaint_slots=frozenset(int(units * (0.05 + 0.5 * k / complaints)) for k in range(complaints)),
        example_slot=units // 3 + 1, shaft_lots=shaft_count,
    )


def _start(rng: random.Random, index: int, gap: int) -> int:
    return index * gap + 6 * 3600 + rng.randrange(max(1, gap // 4))  # the early shift starts at 06:00
