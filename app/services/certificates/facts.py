"""What a certificate states, as plain frozen dataclasses, and the SHA-256 of that content.

The hash is over a canonical JSON of the facts and the issue header (number, type, time, signer), so the same
record always hashes the same on any machine; it is what the QR code and the database record carry.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.models.certificates import CertificateSubject, CertificateType


@dataclass(frozen=True)
class DeliveredItem:
    id: uuid.UUID
    code: str
    is_serial: bool
    part_number: str
    revision: str
    description: str
    quantity: float
    unit: str
    status: str
    work_order: str | None

    @property
    def kind(self) -> str:
        return "Serial" if self.is_serial else "Lot"


@dataclass(frozen=True)
class MaterialFact:
    """A purchased lot in the genealogy: where the material came from."""

    item_code: str
    part_number: str
    description: str
    supplier: str
    supplier_lot: str | None
    heat_number: str | None
    material_cert_ref: str | None


@dataclass(frozen=True)
class StepFact:
    item_code: str
    part_number: str
    operation: str
    started_at: datetime
    completed_at: datetime | None
    station: str | None
    equipment: str | None
    operator: str
    operator_id: uuid.UUID
    result: str


@dataclass(frozen=True)
class ParameterFact:
    """A process parameter read at a step that had limits to meet: the ones that decide conformance."""

    item_code: str
    operation: str
    name: str
    value: str
    lower: float | None
    upper: float | None
    unit: str
    in_limits: bool


@dataclass(frozen=True)
class ResultFact:
    """One current (not superseded) inspection reading against its characteristic's limits."""

    item_id: uuid.UUID
    item_code: str
    plan: str
    inspected_at: datetime
    inspector: str
    characteristic: str
    classification: str
    value: str
    lower: float | None
    upper: float | None
    unit: str
    passed: bool
    gauge: str | None


@dataclass(frozen=True)
class NcrFact:
    number: str
    item_codes: tuple[str, ...]
    status: str
    disposition: str | None
    description: str


@dataclass(frozen=True)
class CertificateFacts:
    cert_type: CertificateType
    subject_kind: CertificateSubject
    subject_code: str
    customer: str | None
    customer_order: str | None
    shipment: str | None
    shipped_at: datetime | None
    items: tuple[DeliveredItem, ...]
    materials: tuple[MaterialFact, ...]
    steps: tuple[StepFact, ...]
    parameters: tuple[ParameterFact, ...]
    results: tuple[ResultFact, ...]
    ncrs: tuple[NcrFact, ...]
    genealogy_size: int  # items traced, the delivered ones included

    @property
    def part_numbers(self) -> list[str]:
        return sorted({f"{i.part_number} rev {i.revision}" for i in self.items})


@dataclass(frozen=True)
class IssueHeader:
    """What identifies one issued document; hashed with the facts."""

    certificate_id: uuid.UUID
    number: str
    issued_at: datetime
    issued_by: str
    signer_name: str
    signer_meaning: str
    validated_by: str | None
    is_copy: bool
    reprint_of: str | None


def _plain(value: Any) -> Any:
    # Not dataclasses.asdict: it deep-copies every value first, a third of a 500-component issue's time.
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value  # enums
    return value


def content_sha256(facts: CertificateFacts, header: IssueHeader) -> str:
    document = {"header": _plain(header), "facts": _plain(facts)}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
