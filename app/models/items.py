"""Physical things: lots (a quantity) and serialized units, and the identifiers printed or encoded on them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, uuid_pk
from app.models.enums import IdentifierKind, ItemStatus


class Item(Base):
    """A lot or a serialized unit of one part definition.

    `code` is the lot number or the serial number as people say it. Purchased lots carry their
    supplier's lot, the heat number of the melt and the material-certificate reference.
    """

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("part_id", "code"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        Index("ix_items_code", "code"),
        Index("ix_items_heat_number", "heat_number"),
        Index("ix_items_supplier_lot", "supplier_lot"),
        Index("ix_items_work_order_id", "work_order_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("part_definitions.id"))
    code: Mapped[str] = mapped_column(String(64))
    is_serial: Mapped[bool]
    quantity: Mapped[float]
    initial_quantity: Mapped[float]
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus, "item_status"))
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("work_orders.id"))
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("suppliers.id"))
    supplier_lot: Mapped[str | None] = mapped_column(String(64))
    heat_number: Mapped[str | None] = mapped_column(String(64))
    material_cert_ref: Mapped[str | None] = mapped_column(String(128))
    expires_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ItemIdentifier(Base):
    """Another name for an item: a printed barcode, a GS1 element string, an RFID EPC or TID."""

    __tablename__ = "item_identifiers"
    __table_args__ = (
        UniqueConstraint("kind", "value"),
        Index("ix_item_identifiers_value", "value"),
        Index("ix_item_identifiers_item_id", "item_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    kind: Mapped[IdentifierKind] = mapped_column(str_enum(IdentifierKind, "identifier_kind"))
    value: Mapped[str] = mapped_column(String(128))
