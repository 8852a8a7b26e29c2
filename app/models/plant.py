"""The shop floor: stations (bench PCs at a work centre) and equipment with calibration dates."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, uuid_pk
from app.models.enums import EquipmentKind, EquipmentStatus


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(64), unique=True)
    work_center: Mapped[str] = mapped_column(String(64))


class Equipment(Base):
    __tablename__ = "equipment"

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[EquipmentKind] = mapped_column(str_enum(EquipmentKind, "equipment_kind"))
    status: Mapped[EquipmentStatus] = mapped_column(
        str_enum(EquipmentStatus, "equipment_status"), default=EquipmentStatus.ACTIVE
    )
    station_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stations.id"))
    last_calibrated_on: Mapped[date | None]
    calibration_due_on: Mapped[date | None]
