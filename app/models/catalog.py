"""What can be made and how: part definitions, bills of material, routes and their operations."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, uuid_pk
from app.models.enums import Tracking


class PartDefinition(Base):
    __tablename__ = "part_definitions"
    __table_args__ = (UniqueConstraint("part_number", "revision"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    part_number: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(200))
    tracking: Mapped[Tracking] = mapped_column(str_enum(Tracking, "tracking"))
    unit: Mapped[str] = mapped_column(String(8), default="pcs")
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    shelf_life_days: Mapped[int | None]


class BomLine(Base):
    """A component the parent consumes, at which operation, and how much per produced unit."""

    __tablename__ = "bom_lines"
    __table_args__ = (
        UniqueConstraint("parent_part_id", "component_part_id"),
        CheckConstraint("quantity_per > 0", name="quantity_positive"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    parent_part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("part_definitions.id"))
    component_part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("part_definitions.id"))
    quantity_per: Mapped[float]
    operation_seq: Mapped[int | None]


class Route(Base):
    __tablename__ = "routes"
    __table_args__ = (UniqueConstraint("part_id", "version"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("part_definitions.id"))
    version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)


class Operation(Base):
    __tablename__ = "operations"
    __table_args__ = (UniqueConstraint("route_id", "seq"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    route_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routes.id"))
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(64))
    work_center: Mapped[str] = mapped_column(String(64))
