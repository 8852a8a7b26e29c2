"""Process parameters: what an operation asks to be recorded (with limits), and where a piece of
equipment publishes a parameter (an MQTT topic, a Modbus register)."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, uuid_pk
from app.models.enums import OnViolation, RegisterKind, RegisterType, SensorKind


class OperationParameter(Base):
    """A parameter an operation needs recorded; out of limits it blocks the step or flags the record."""

    __tablename__ = "operation_parameters"
    __table_args__ = (
        UniqueConstraint("operation_id", "name"),
        CheckConstraint("lower_limit IS NULL OR upper_limit IS NULL OR lower_limit <= upper_limit",
                        name="limits_ordered"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operations.id"))
    seq: Mapped[int] = mapped_column(default=10)  # the order the station shows them in
    name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str | None] = mapped_column(String(16))
    lower_limit: Mapped[float | None]
    upper_limit: Mapped[float | None]
    required: Mapped[bool] = mapped_column(default=True)
    on_violation: Mapped[OnViolation] = mapped_column(str_enum(OnViolation, "on_violation"),
                                                      default=OnViolation.BLOCK)


class SensorSource(Base):
    """Where a piece of equipment reports a parameter.

    `address` is the MQTT topic, the Modbus TCP server as `host:port`, or the Modbus RTU serial port
    (`/dev/ttyUSB0`, `COM3`). The register columns apply to Modbus only; `baudrate` and `parity` to RTU.
    """

    __tablename__ = "parameter_sources"
    __table_args__ = (UniqueConstraint("equipment_id", "name"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    equipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("equipment.id"))
    name: Mapped[str] = mapped_column(String(64))  # the parameter's name, as the operations call it
    kind: Mapped[SensorKind] = mapped_column(str_enum(SensorKind, "sensor_kind"))
    address: Mapped[str] = mapped_column(String(255))
    unit: Mapped[str | None] = mapped_column(String(16))
    unit_id: Mapped[int | None]  # the Modbus device (slave) id
    register: Mapped[int | None]  # 0-based register address, as in the request
    register_kind: Mapped[RegisterKind | None] = mapped_column(str_enum(RegisterKind, "register_kind"))
    data_type: Mapped[RegisterType | None] = mapped_column(str_enum(RegisterType, "register_type"))
    scale: Mapped[float | None]  # value = raw × scale (a controller's 10634 with 0.1 is 1063.4 °C)
    word_swap: Mapped[bool] = mapped_column(default=False)  # float32 with the low word first
    baudrate: Mapped[int | None]
    parity: Mapped[str | None] = mapped_column(String(1))  # N, E or O
