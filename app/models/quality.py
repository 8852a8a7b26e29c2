"""Quality: inspection plans and their characteristics, inspection records, measurements,
nonconformances and customer complaints."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import GUID, Base, str_enum, uuid_pk
from app.models.enums import (
    CharacteristicKind,
    Classification,
    ComplaintStatus,
    Disposition,
    InspectionResult,
    NonconformanceStatus,
    PlanType,
)


class InspectionPlan(Base):
    """A revision of the checks for a part at an operation; records keep the revision they used."""

    __tablename__ = "inspection_plans"
    __table_args__ = (UniqueConstraint("part_id", "operation_id", "plan_type", "revision"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("part_definitions.id"))
    operation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operations.id"))
    plan_type: Mapped[PlanType] = mapped_column(str_enum(PlanType, "plan_type"))
    revision: Mapped[int] = mapped_column(default=1)
    sample_size: Mapped[int] = mapped_column(default=1)
    frequency: Mapped[int] = mapped_column(default=1)  # every n-th item
    active: Mapped[bool] = mapped_column(default=True)
    # Which items (or lots) are inspected and with how many readings, as readable JSON, e.g.
    # {"rule": "lot_size", "lot_sizes": [{"from": 2, "to": 8, "sample": 2}, …]}. NULL (plans written before
    # schema 0003): every `frequency`-th item.
    sampling: Mapped[str | None] = mapped_column(Text)


class Characteristic(Base):
    __tablename__ = "characteristics"
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection_plans.id"))
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[CharacteristicKind] = mapped_column(str_enum(CharacteristicKind, "characteristic_kind"))
    classification: Mapped[Classification] = mapped_column(str_enum(Classification, "classification"))
    nominal: Mapped[float | None]
    lower_limit: Mapped[float | None]
    upper_limit: Mapped[float | None]
    unit: Mapped[str | None] = mapped_column(String(16))
    decimals: Mapped[int] = mapped_column(default=3)
    gauge_type: Mapped[str | None] = mapped_column(String(64))


class CharacteristicDefectCode(Base):
    """A defect code a pass/fail characteristic may fail with, and what it means. Like the characteristic, it
    belongs to one plan revision: a changed list is a new revision."""

    __tablename__ = "characteristic_defect_codes"
    __table_args__ = (UniqueConstraint("characteristic_id", "code"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    characteristic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("characteristics.id"))
    seq: Mapped[int]
    code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(120))


class InspectionRecord(Base):
    __tablename__ = "inspection_records"
    __table_args__ = (
        Index("ix_inspection_records_item_id", "item_id"),
        Index("ix_inspection_records_plan_id", "plan_id", "inspected_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection_plans.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    step_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("step_records.id"))
    inspector_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    inspected_at: Mapped[datetime]
    signed_at: Mapped[datetime | None]
    result: Mapped[InspectionResult] = mapped_column(str_enum(InspectionResult, "inspection_result"))
    # Readings of each measured characteristic this record needs, fixed when it was opened (a lot's sample
    # follows its size); NULL (records from before schema 0003): the plan's sample size.
    sample_size: Mapped[int | None]


class Measurement(Base):
    """One reading against a characteristic. A re-measure adds a row and points the old one at it."""

    __tablename__ = "measurements"
    __table_args__ = (
        Index("ix_measurements_record_id", "record_id"),
        Index("ix_measurements_characteristic_id", "characteristic_id", "measured_at"),
        Index("ix_measurements_equipment_id", "equipment_id", "measured_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection_records.id"))
    characteristic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("characteristics.id"))
    value: Mapped[float | None]
    passed: Mapped[bool]
    defect_code: Mapped[str | None] = mapped_column(String(32))
    equipment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("equipment.id"))
    measured_at: Mapped[datetime]
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("measurements.id"))
    # Who confirmed a failed reading as right (rather than re-measuring it), and when: part of what is signed.
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]


nonconformance_items = Table(
    "nonconformance_items",
    Base.metadata,
    Column("nonconformance_id", GUID(), ForeignKey("nonconformances.id"), primary_key=True),
    Column("item_id", GUID(), ForeignKey("items.id"), primary_key=True, index=True),
)


class Nonconformance(Base):
    __tablename__ = "nonconformances"

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    description: Mapped[str] = mapped_column(String(500))
    defect_code: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[NonconformanceStatus] = mapped_column(
        str_enum(NonconformanceStatus, "nonconformance_status")
    )
    disposition: Mapped[Disposition | None] = mapped_column(str_enum(Disposition, "disposition"))
    inspection_record_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection_records.id"))
    opened_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(server_default=func.now())
    closed_at: Mapped[datetime | None]


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_item_id", "item_id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("items.id"))
    received_at: Mapped[datetime]
    description: Mapped[str] = mapped_column(String(500))
    status: Mapped[ComplaintStatus] = mapped_column(str_enum(ComplaintStatus, "complaint_status"))
