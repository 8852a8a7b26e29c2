"""What the inspection services take and hand back: immutable views of plans, forms, measurements, signatures
and nonconformances, and the entries a form submits. No session and no lazy loading behind any of them."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.models import (
    Characteristic,
    CharacteristicKind,
    Classification,
    Disposition,
    InspectionResult,
    ItemStatus,
    Measurement,
    NonconformanceStatus,
    PlanType,
)
from app.services.inspection.sampling import Sampling
from app.services.inspection.specs import CharacteristicDefinition, PlanDefinition
from app.services.inspection.tolerance import DefectCode, Evaluation, Tolerance

# What a form was loaded at; pass it back unchanged with every write. It is the record's `inspected_at`
# (moved on by each write) until the table has a version counter; callers never look inside.
RecordVersion = datetime


class Meaning(str, enum.Enum):
    """What a signature attests."""

    INSPECTED = "inspected"
    REVIEWED = "reviewed"


@dataclass(frozen=True)
class CharacteristicView:
    id: uuid.UUID
    seq: int
    name: str
    kind: CharacteristicKind
    classification: Classification
    nominal: float | None
    lower_limit: float | None
    upper_limit: float | None
    unit: str | None
    decimals: int
    gauge_type: str | None
    defect_codes: tuple[DefectCode, ...] = ()

    @classmethod
    def of(cls, c: Characteristic, defect_codes: tuple[DefectCode, ...] = ()) -> CharacteristicView:
        return cls(c.id, c.seq, c.name, c.kind, c.classification, c.nominal, c.lower_limit, c.upper_limit, c.unit,
                   c.decimals, c.gauge_type, defect_codes)

    @property
    def tolerance(self) -> Tolerance:
        return Tolerance(self.name, self.kind, self.lower_limit, self.upper_limit, self.nominal, self.unit,
                         self.decimals, self.defect_codes)

    @property
    def definition(self) -> CharacteristicDefinition:
        return CharacteristicDefinition(self.name, self.kind, self.classification, self.nominal,
                                        self.lower_limit, self.upper_limit, self.unit, self.decimals,
                                        self.gauge_type, self.defect_codes)


@dataclass(frozen=True)
class PlanView:
    id: uuid.UUID
    part_id: uuid.UUID
    part_number: str
    part_revision: str
    plan_type: PlanType
    operation_id: uuid.UUID | None
    operation_seq: int | None
    operation_name: str | None
    revision: int
    sample_size: int
    sampling: Sampling
    active: bool
    characteristics: tuple[CharacteristicView, ...]

    @property
    def definition(self) -> PlanDefinition:
        return PlanDefinition(self.part_number, self.part_revision, self.plan_type, self.operation_seq,
                              tuple(c.definition for c in self.characteristics), self.sample_size,
                              self.sampling)

    @property
    def frequency(self) -> int:
        return self.definition.frequency

    @property
    def title(self) -> str:
        return f"{self.definition.title}, plan rev {self.revision}"

    def readings_of(self, characteristic: CharacteristicView) -> int:
        return readings_per_record(characteristic.kind, self.sample_size)


def readings_per_record(kind: CharacteristicKind, sample_size: int) -> int:
    """A record holds `sample_size` readings of a measured characteristic and one result of a pass/fail check."""
    return sample_size if kind is CharacteristicKind.VARIABLE else 1


@dataclass(frozen=True)
class MeasurementView:
    id: uuid.UUID
    characteristic_id: uuid.UUID
    value: float | None
    passed: bool
    defect_code: str | None
    equipment_id: uuid.UUID | None
    gauge_code: str | None
    measured_at: datetime
    superseded_by_id: uuid.UUID | None
    carried_from: uuid.UUID | None  # the reading of the corrected version this one was carried over from
    # A failed reading the inspector confirmed as right rather than re-measuring it: by whom and when.
    confirmed_by_id: uuid.UUID | None = None
    confirmed_by: str | None = None  # their printed name
    confirmed_at: datetime | None = None

    @classmethod
    def of(cls, m: Measurement, gauge_code: str | None, carried_from: uuid.UUID | None = None,
           confirmed_by: str | None = None) -> MeasurementView:
        return cls(m.id, m.characteristic_id, m.value, m.passed, m.defect_code, m.equipment_id, gauge_code,
                   m.measured_at, m.superseded_by_id, carried_from, m.confirmed_by_id, confirmed_by, m.confirmed_at)

    @property
    def needs_confirmation(self) -> bool:
        """A failed reading that is neither confirmed nor (being current) re-measured: signing must wait."""
        return not self.passed and self.confirmed_at is None


@dataclass(frozen=True)
class Slot:
    """One field of the form: a reading of a characteristic, with the readings it replaced."""

    characteristic: CharacteristicView
    index: int  # 0 … sample size − 1
    current: MeasurementView | None
    earlier: tuple[MeasurementView, ...]  # re-measured readings, oldest first


@dataclass(frozen=True)
class Signature:
    record_id: uuid.UUID
    user_id: uuid.UUID
    username: str
    printed_name: str
    meaning: Meaning
    signed_at: datetime
    content_sha256: str

    def manifest(self) -> dict[str, Any]:
        """What is stored besides the user: the printed name, the meaning, the time and the content hash."""
        return {"printed_name": self.printed_name, "meaning": self.meaning.value,
                "signed_at": self.signed_at.isoformat(), "content_sha256": self.content_sha256}

    @classmethod
    def from_manifest(cls, record_id: uuid.UUID, user_id: uuid.UUID, username: str,
                      manifest: dict[str, Any]) -> Signature:
        return cls(record_id, user_id, username, manifest["printed_name"], Meaning(manifest["meaning"]),
                   datetime.fromisoformat(manifest["signed_at"]), manifest["content_sha256"])


@dataclass(frozen=True)
class RecordForm:
    """An inspection record as the form shows it: the plan revision it uses, every field, and its state."""

    id: uuid.UUID
    version: RecordVersion
    plan: PlanView
    item_id: uuid.UUID
    item_code: str
    item_status: ItemStatus
    step_id: uuid.UUID | None
    inspector: str
    inspected_at: datetime
    signed_at: datetime | None
    result: InspectionResult
    slots: tuple[Slot, ...]
    measurements: tuple[MeasurementView, ...]  # every reading, re-measured ones too, oldest first
    sample_size: int  # readings of each measured characteristic, as fixed when the record was opened
    signatures: tuple[Signature, ...]
    corrects: uuid.UUID | None  # the signed version this one corrects
    corrected_by: uuid.UUID | None  # the version that corrects this one
    correction_reason: str | None

    @property
    def editable(self) -> bool:
        return self.signed_at is None

    def readings_of(self, characteristic: CharacteristicView) -> int:
        return readings_per_record(characteristic.kind, self.sample_size)

    @property
    def missing(self) -> tuple[Slot, ...]:
        return tuple(slot for slot in self.slots if slot.current is None)

    @property
    def failed(self) -> tuple[Slot, ...]:
        return tuple(slot for slot in self.slots if slot.current is not None and not slot.current.passed)

    @property
    def unconfirmed(self) -> tuple[Slot, ...]:
        """Failed readings still waiting for the inspector to confirm them or re-measure."""
        return tuple(slot for slot in self.failed if slot.current is not None and slot.current.needs_confirmation)

    @property
    def title(self) -> str:
        return f"{self.item_code}, {self.plan.title}"


@dataclass(frozen=True)
class RecordSummary:
    """One inspection record of an item, for the list of its records: which plan revision, which version in
    its chain of corrections (1: as first signed), who, when, the result, and who corrected or reviewed it."""

    id: uuid.UUID
    item_code: str
    plan_id: uuid.UUID
    plan_type: PlanType
    operation_seq: int | None
    plan_revision: int
    version: int
    inspector: str
    inspected_at: datetime  # its last change while open; for a signed one, when it was last written
    signed_at: datetime | None
    result: InspectionResult
    corrects: uuid.UUID | None
    corrected_by: uuid.UUID | None
    reviewed_by: str | None

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class TypedValue:
    """A value typed into the form; `gauge` is the equipment code of the gauge read by eye, if any."""

    text: str
    gauge: str | None = None


@dataclass(frozen=True)
class GaugeReading:
    """A value sent by a connected gauge, in the unit the gauge reports."""

    value: float
    unit: str
    gauge: str


@dataclass(frozen=True)
class AttributeResult:
    passed: bool
    defect_code: str | None = None
    gauge: str | None = None


Entry = TypedValue | GaugeReading | AttributeResult


@dataclass(frozen=True)
class Saved:
    measurement: MeasurementView
    evaluation: Evaluation
    version: RecordVersion  # the form's version from now on


@dataclass(frozen=True)
class Confirmed:
    measurement: MeasurementView  # with who confirmed it and when
    version: RecordVersion  # the form's version from now on


@dataclass(frozen=True)
class GaugeView:
    id: uuid.UUID
    code: str
    name: str
    calibration_due_on: date | None


@dataclass(frozen=True)
class SignOutcome:
    signature: Signature
    result: InspectionResult
    item_status: ItemStatus
    nonconformances: tuple[str, ...]  # numbers of the nonconformances the signature opened


@dataclass(frozen=True)
class NonconformanceView:
    id: uuid.UUID
    number: str
    description: str
    defect_code: str | None
    status: NonconformanceStatus
    disposition: Disposition | None
    opened_at: datetime
    opened_by: str
    record_id: uuid.UUID | None
    items: tuple[tuple[str, ItemStatus], ...]  # (code, status) of each item it concerns
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
