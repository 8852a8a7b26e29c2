"""What every part of the demo simulation shares: the seeded RNG, keys, row buffers (with their column
order), master data, staff, running document numbers, and who is on shift at a given moment."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from app.models import (
    Complaint,
    CustomerOrder,
    GenealogyLink,
    InspectionRecord,
    Item,
    ItemIdentifier,
    Measurement,
    Nonconformance,
    Shipment,
    ShipmentLine,
    StepParameter,
    StepRecord,
    WorkOrder,
    WorkOrderStatus,
    nonconformance_items,
)
from app.services.demo.bulk import BASE, BulkWriter, Codec, Ids
from app.services.demo.master_data import MasterData, Staff

SHIFT = 8 * 3600  # three shifts: 00–08, 08–16, 16–24 UTC
INFINITY = 1 << 40  # "never": a cut-off time later than any simulated moment


class Rows:
    """The row buffers of the high-volume tables: append tuples in the order of the columns named here."""

    def __init__(self, writer: BulkWriter) -> None:
        buffer = writer.buffer
        self.items = buffer(Item, ("id", "part_id", "code", "is_serial", "quantity", "initial_quantity",
                                   "status", "work_order_id", "supplier_id", "supplier_lot", "heat_number",
                                   "material_cert_ref", "expires_on", "created_at"))
        self.identifiers = buffer(ItemIdentifier, ("id", "item_id", "kind", "value"))
        self.work_orders = buffer(WorkOrder, ("id", "number", "part_id", "route_id", "customer_order_id",
                                              "quantity", "status", "due_on", "created_at"))
        self.steps = buffer(StepRecord, ("id", "item_id", "work_order_id", "operation_id", "station_id",
                                         "equipment_id", "operator_id", "started_at", "completed_at",
                                         "result", "quantity", "notes"))
        self.parameters = buffer(StepParameter, ("id", "step_id", "name", "value", "unit", "source",
                                                 "read_at", "source_ref", "lower_limit", "upper_limit",
                                                 "out_of_limits"))
        self.links = buffer(GenealogyLink, ("id", "parent_item_id", "child_item_id", "quantity", "step_id"))
        self.records = buffer(InspectionRecord, ("id", "plan_id", "item_id", "step_id", "inspector_id",
                                                 "inspected_at", "signed_at", "result"))
        self.measurements = buffer(Measurement, ("id", "record_id", "characteristic_id", "value", "passed",
                                                 "defect_code", "equipment_id", "measured_at"))
        self.nonconformances = buffer(Nonconformance, ("id", "number", "description", "defect_code", "status",
                                                       "disposition", "inspection_record_id", "opened_by_id",
                                                       "opened_at", "closed_at"))
        self.nonconformance_items = buffer(nonconformance_items, ("nonconformance_id", "item_id"))
        self.customer_orders = buffer(CustomerOrder, ("id", "number", "customer_id", "ordered_at"))
        self.shipments = buffer(Shipment, ("id", "number", "customer_id", "customer_order_id", "sscc",
                                           "shipped_at"))
        self.shipment_lines = buffer(ShipmentLine, ("id", "shipment_id", "item_id", "quantity"))
        self.complaints = buffer(Complaint, ("id", "number", "customer_id", "item_id", "received_at",
                                             "description", "status"))


@dataclass
class Plant:
    rng: random.Random
    ids: Ids
    codec: Codec
    rows: Rows
    master: MasterData
    staff: Staff
    examples: dict[str, str] = field(default_factory=dict)
    _numbers: Counter[str] = field(default_factory=Counter)

    def number(self, series: str) -> int:
        """The next running number of a series (serials, furnace loads …), from 1."""
        self._numbers[series] += 1
        return self._numbers[series]

    def document(self, prefix: str, at: int, width: int = 5) -> str:
        """The next number of a document series, with the year it was issued: `WO-26-00017`."""
        year = (BASE + timedelta(seconds=at)).strftime("%y")
        return f"{prefix}-{year}-{self.number(prefix):0{width}d}"

    def issued(self, series: str) -> int:
        """How many numbers of `series` were issued so far."""
        return self._numbers[series]

    def operator(self, at: int, desk: int) -> Any:
        """Who ran work centre `desk` in the shift at `at`: the operators rotate over the work centres."""
        operators = self.staff.operators
        return operators[(at // SHIFT + desk) % len(operators)]

    def inspector(self, at: int) -> Any:
        inspectors = self.staff.inspectors
        return inspectors[(at // SHIFT) % len(inspectors)]

    def example(self, key: str, value: str) -> None:
        self.examples.setdefault(key, value)

    def work_order(self, part: str, quantity: float, customer_order: Any, at: int, status: WorkOrderStatus
                   ) -> tuple[Any, str]:
        """A work order for `part` on its route, released at `at`, due two weeks later."""
        order = self.ids.new(at)
        number = self.document("WO", at)
        due = (BASE + timedelta(seconds=at + 14 * 86400)).date()
        self.rows.work_orders.append((order, number, self.master.parts[part], self.master.routes[part],
                                      customer_order, quantity, status.value, self.codec.day(due),
                                      self.codec.at(at)))
        return order, number
