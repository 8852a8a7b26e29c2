"""Plain, frozen read models that the lookup service returns to the GUI and the CLI."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from app.models import ItemStatus
from app.services.audit import jsonable


@dataclass(frozen=True)
class ItemSummary:
    id: uuid.UUID
    code: str
    part_number: str
    revision: str
    description: str
    is_serial: bool
    quantity: float
    unit: str
    status: ItemStatus
    created_at: datetime

    @property
    def title(self) -> str:
        kind = "Serial" if self.is_serial else "Lot"
        return f"{kind} {self.code} · {self.part_number} rev {self.revision}"


@dataclass(frozen=True)
class Origin:
    supplier: str
    supplier_lot: str | None
    heat_number: str | None
    material_cert_ref: str | None


@dataclass(frozen=True)
class LinkView:
    item: ItemSummary
    quantity: float


@dataclass(frozen=True)
class Parameter:
    name: str
    value: str
    source: str


@dataclass(frozen=True)
class StepView:
    started_at: datetime
    completed_at: datetime | None
    operation: str
    work_center: str | None
    station: str | None
    equipment: str | None
    operator: str
    result: str
    parameters: tuple[Parameter, ...] = ()


@dataclass(frozen=True)
class MeasurementView:
    characteristic: str
    value: str
    limits: str
    passed: bool
    gauge: str | None


@dataclass(frozen=True)
class InspectionView:
    inspected_at: datetime
    plan: str
    inspector: str
    result: str
    measurements: tuple[MeasurementView, ...] = ()


@dataclass(frozen=True)
class NonconformanceView:
    number: str
    status: str
    disposition: str | None
    description: str


@dataclass(frozen=True)
class ShipmentView:
    number: str
    customer: str
    order: str | None
    shipped_at: datetime
    quantity: float


@dataclass(frozen=True)
class ComplaintView:
    number: str
    customer: str
    received_at: datetime
    status: str
    description: str


@dataclass(frozen=True)
class ItemHistory:
    item: ItemSummary
    identifiers: tuple[tuple[str, str], ...]
    origin: Origin | None
    work_order: str | None
    expires_on: date | None
    made_from: tuple[LinkView, ...]
    used_in: tuple[LinkView, ...]
    steps: tuple[StepView, ...]
    inspections: tuple[InspectionView, ...]
    nonconformances: tuple[NonconformanceView, ...]
    shipments: tuple[ShipmentView, ...]
    complaints: tuple[ComplaintView, ...] = ()


@dataclass(frozen=True)
class LookupResult:
    """What an identifier turned out to be: one item with its history, a list of items, or nothing."""

    query: str
    heading: str
    items: tuple[ItemSummary, ...] = ()
    total: int = 0
    history: ItemHistory | None = None
    hint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.items)


def to_json(value: Any) -> Any:
    """A read model as JSON-ready data (for `--json` output and the future HTTP API)."""
    if hasattr(value, "__dataclass_fields__"):
        value = asdict(value)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return jsonable(value)
