"""The valve-assembly line of the demo: a body, a seal kit and a spring make a serialized valve with an RFID
tag and a GS1 label; leak test, final inspection, packing on pallets, shipment, and the odd complaint."""

from __future__ import annotations

from typing import Any

from app.models import IdentifierKind, ItemStatus, WorkOrderStatus
from app.services.demo import catalogue as cat
from app.services.demo.bodies import Body
from app.services.demo.context import Plant
from app.services.demo.gs1 import sgtin96
from app.services.demo.logistics import Logistics
from app.services.demo.materials import Supply
from app.services.demo.quality import Quality
from app.services.demo.schedule import DAY, Order, Schedule
from app.services.demo.steps import SENSOR, Steps

ASSEMBLE, LEAK_TEST, PACK = 480, 240, 150  # cycle times, seconds
QUEUE = 600  # between the assembly cells
PALLET = 48  # valves per pallet; a pallet is one shipment with one SSCC
TRUCK = 10 * 3600  # a full pallet leaves with the next day's 10:00 truck
FIRST_SERIAL = 100001
_EPC, _BARCODE = IdentifierKind.EPC.value, IdentifierKind.BARCODE.value


class AssemblyLine:
    def __init__(self, plant: Plant, steps: Steps, quality: Quality, logistics: Logistics, *, bar: Supply,
                 seals: Supply, springs: Supply, schedule: Schedule) -> None:
        self._plant = plant
        self._steps = steps
        self._quality = quality
        self._logistics = logistics
        self._bar, self._seals, self._springs = bar, seals, springs
        self._schedule = schedule
        self._gtin = plant.master.gtins[cat.VALVE]
        # The EPC differs only in its 38 serial bits: encode once, then OR the serial in.
        self._epc_base = int(sgtin96(self._gtin, 0, company_prefix_digits=len(cat.COMPANY_PREFIX)), 16)

    def run(self, order: Order, customer_order: tuple[Any, str], bodies: list[Body]) -> None:
        p, record, parameters = self._plant, self._steps.record, self._steps.parameters
        rand, gauss, new_id, at = p.rng.random, p.rng.gauss, p.ids.new, p.codec.at
        items, identifiers, links = p.rows.items.append, p.rows.identifiers.extend, p.rows.links.extend
        inspect, sample = self._quality.inspect, self._quality.sample
        status = WorkOrderStatus.COMPLETED if order.call_off else WorkOrderStatus.CLOSED
        work_order, work_order_number = p.work_order(cat.VALVE, order.quantity, customer_order[0],
                                                     order.start, status)
        places = [self._steps.place(cat.VALVE, seq, order.index) for seq in (10, 20, 30)]
        seals = self._lots(self._seals, len(bodies), bodies[0].done)
        springs = self._lots(self._springs, len(bodies), bodies[0].done)
        part = p.master.parts[cat.VALVE]
        shipped, in_stock = ItemStatus.SHIPPED.value, ItemStatus.RELEASED.value
        last_pallet = (len(bodies) - 1) // PALLET
        valves: list[tuple[Any, int, str, int]] = []  # (key, unit index, serial, packed at)
        assembled = tested = packed = 0
        for index, (body, seal, spring) in enumerate(zip(bodies, seals, springs, strict=True)):
            start = max(body.done + QUEUE, assembled)
            assembled = start + int(ASSEMBLE * (0.85 + 0.3 * rand()))
            unit = p.number("valve") - 1
            serial = f"VA-{FIRST_SERIAL + unit:07d}"
            epc = f"{self._epc_base | (FIRST_SERIAL + unit):024X}"
            valve = new_id(start)
            waiting = order.call_off and index // PALLET == last_pallet  # waits for the customer's call-off
            items((valve, part, serial, True, 1.0, 1.0, in_stock if waiting else shipped, work_order,
                   None, None, None, None, None, at(start)))
            # The nameplate's GS1 DataMatrix (GTIN + serial) as a scanner delivers it.
            identifiers(((new_id(start), valve, _EPC, epc),
                         (new_id(start), valve, _BARCODE, f"01{self._gtin}21{serial}")))
            step = record(valve, work_order, places[0], start, assembled)
            parameters(step, places[0], start, (("Bonnet torque", round(gauss(45.0, 0.5), 1), "Nm", SENSOR),))
            links(((new_id(start), body.id, valve, 1.0, step), (new_id(start), seal, valve, 1.0, step),
                   (new_id(start), spring, valve, 1.0, step)))
            start = max(assembled + QUEUE, tested)
            tested = start + int(LEAK_TEST * (0.85 + 0.3 * rand()))
            step = record(valve, work_order, places[1], start, tested)
            leak_rate = float(f"{p.rng.lognormvariate(-10.8, 0.35):.2e}")  # ~2e-5, limit 1e-4
            parameters(step, places[1], start, (("Test pressure", round(gauss(240.0, 0.6), 1), "bar", SENSOR),
                                                ("Leak rate", leak_rate, "mbar·l/s", SENSOR)))
            start = max(tested + QUEUE, packed)
            packed = start + int(PACK * (0.85 + 0.3 * rand()))
            step = record(valve, work_order, places[2], start, packed)
            inspect("valve_final", valve, step, packed, sample("valve_final"))
            valves.append((valve, unit, serial, packed))
            if unit == self._schedule.example_slot:
                lot = self._bar.lot(body.lot)
                for key, value in (("finished_serial", serial), ("component_serial", body.code), ("epc", epc),
                                   ("raw_material_lot", lot.code), ("heat_number", lot.heat or ""),
                                   ("supplier_lot", lot.supplier_lot), ("work_order", work_order_number),
                                   ("customer_order", customer_order[1])):
                    p.example(key, value)
        self._ship(order, customer_order[0], valves[:last_pallet * PALLET] if order.call_off else valves)

    def _ship(self, order: Order, customer_order: Any, valves: list[tuple[Any, int, str, int]]) -> None:
        schedule, logistics = self._schedule, self._logistics
        for first in range(0, len(valves), PALLET):
            pallet = valves[first:first + PALLET]
            at = (pallet[-1][3] // DAY + 1) * DAY + TRUCK
            number = logistics.ship(order.customer, customer_order, at, [(valve[0], 1.0) for valve in pallet])
            for valve, unit, serial, _ in pallet:
                if unit in schedule.complaint_slots:
                    logistics.complaint(order.customer, valve, at, latest=schedule.in_process.start)
                    self._plant.example("complained_serial", serial)
                if unit == schedule.example_slot:
                    self._plant.example("shipment", number)

    @staticmethod
    def _lots(supply: Supply, pieces: int, at: int) -> list[Any]:
        return [lot for lot, count in supply.draw(pieces, 1.0, at) for _ in range(count)]
