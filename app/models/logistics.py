"""Leaving the plant: customer orders, shipments and the items on them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, uuid_pk


class CustomerOrder(Base):
    __tablename__ = "customer_orders"

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    ordered_at: Mapped[datetime]


class Shipment(Base):
    __tablename__ = "shipments"

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    customer_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer_orders.id"))
    sscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    shipped_at: Mapped[datetime]


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (
        Index("ix_shipment_lines_item_id", "item_id"),
        Index("ix_shipment_lines_shipment_id", "shipment_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    shipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipments.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[float]
