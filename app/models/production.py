"""Making things: work orders, executed operations (step records), their parameters, and genealogy."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, uuid_pk
from app.models.enums import ParameterSource, StepResult, WorkOrderStatus


class WorkOrder(Base):
    __tablename__ = "work_orders"

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("part_definitions.id"))
    route_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("routes.id"))
    customer_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer_orders.id"))
    quantity: Mapped[float]
    status: Mapped[WorkOrderStatus] = mapped_column(str_enum(WorkOrderStatus, "work_order_status"))
    due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class StepRecord(Base):
    """One executed operation on one item: who, where, with what, when, and how it ended."""

    __tablename__ = "step_records"
    __table_args__ = (
        Index("ix_step_records_item_id", "item_id", "started_at"),
        Index("ix_step_records_equipment_id", "equipment_id", "completed_at"),
        Index("ix_step_records_operator_id", "operator_id", "completed_at"),
        Index("ix_step_records_work_order_id", "work_order_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("work_orders.id"))
    operation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operations.id"))
    station_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stations.id"))
    equipment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("equipment.id"))
    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    result: Mapped[StepResult] = mapped_column(str_enum(StepResult, "step_result"))
    quantity: Mapped[float] = mapped_column(default=1)
    notes: Mapped[str | None] = mapped_column(String(500))


class StepParameter(Base):
    """A process parameter read during a step, typed by hand or read from a sensor."""

    __tablename__ = "step_parameters"
    __table_args__ = (Index("ix_step_parameters_step_id", "step_id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    step_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("step_records.id"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None]
    text_value: Mapped[str | None] = mapped_column(String(128))
    unit: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[ParameterSource] = mapped_column(str_enum(ParameterSource, "parameter_source"))
    read_at: Mapped[datetime | None]  # when the sensor gave the value; None: typed at the step
    source_ref: Mapped[str | None] = mapped_column(String(255))  # which sensor, e.g. "mqtt:plant/lth-01/rpm"
    # The limits the value was checked against, as they were then: a record keeps its own evidence.
    lower_limit: Mapped[float | None]
    upper_limit: Mapped[float | None]
    out_of_limits: Mapped[bool] = mapped_column(default=False, server_default=false())


class GenealogyLink(Base):
    """An edge of the genealogy DAG: `parent` was consumed (in `quantity`) to make `child` at `step`."""

    __tablename__ = "genealogy_links"
    __table_args__ = (
        CheckConstraint("parent_item_id <> child_item_id", name="not_self"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # Both directions of the trace walk one of these; the second column makes each index covering.
        Index("ix_genealogy_links_parent", "parent_item_id", "child_item_id"),
        Index("ix_genealogy_links_child", "child_item_id", "parent_item_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    parent_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    child_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[float]
    step_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("step_records.id"))
