"""Leaving the plant in the demo: customer orders, shipments (one pallet each, with an SSCC) and the
complaints that come back against shipped serials."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.models import ComplaintStatus
from app.services.demo import catalogue as cat
from app.services.demo.context import Plant
from app.services.demo.gs1 import sscc
from app.services.demo.schedule import DAY

_COMPLAINT_STATUSES = (ComplaintStatus.INVESTIGATING, ComplaintStatus.CLOSED, ComplaintStatus.OPEN,
                       ComplaintStatus.CLOSED)


class Logistics:
    def __init__(self, plant: Plant) -> None:
        self._plant = plant

    def customer_order(self, customer: int, production_start: int) -> tuple[Any, str]:
        p = self._plant
        at = production_start - p.rng.randrange(14 * DAY, 35 * DAY)
        order = p.ids.new(at)
        number = p.document("SO", at)
        p.rows.customer_orders.append((order, number, p.master.customers[customer], p.codec.at(at)))
        return order, number

    def ship(self, customer: int, order: Any, at: int, lines: Sequence[tuple[Any, float]]) -> str:
        """One pallet to `customer`: a shipment with its SSCC and a line per item (key, quantity)."""
        p = self._plant
        number = p.document("DN", at)
        shipment = p.ids.new(at)
        p.rows.shipments.append((shipment, number, p.master.customers[customer], order,
                                 sscc("3", cat.COMPANY_PREFIX, p.issued("DN")), p.codec.at(at)))
        new_id = p.ids.new
        p.rows.shipment_lines.extend((new_id(at), shipment, item, quantity) for item, quantity in lines)
        return number

    def complaint(self, customer: int, item: Any, shipped_at: int, latest: int) -> None:
        """A complaint against a shipped item, received days or weeks later (by `latest` if it can)."""
        p = self._plant
        at = shipped_at + DAY + p.rng.randrange(max(DAY, min(39 * DAY, latest - shipped_at - DAY)))
        number = p.document("CC", at, 3)
        count = p.issued("CC")
        text = cat.COMPLAINTS[(count - 1) % len(cat.COMPLAINTS)].format(ref=p.rng.randrange(10**5, 10**6))
        status = _COMPLAINT_STATUSES[(count - 1) % len(_COMPLAINT_STATUSES)]
        p.rows.complaints.append((p.ids.new(at), number, p.master.customers[customer], item, p.codec.at(at),
                                  text, status.value))
