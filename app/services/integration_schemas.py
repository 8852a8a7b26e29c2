"""What integrations send, by HTTP (app.api) or in a file (app.services.exchange): pydantic models whose field
names are the names in error messages. One definition of every field's name and limits for both, kept out of
the API layer so the file exchange service does not depend on it."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Text32 = Annotated[str, Field(min_length=1, max_length=32)]
Quantity = Annotated[float, Field(gt=0, le=1e9)]
Serial = Annotated[str, Field(min_length=1, max_length=64)]
ItemCode = Annotated[str, Field(min_length=1, max_length=128)]


class _Strict(BaseModel):
    # An unknown field is a typo in the ERP mapping: say so instead of silently dropping it.
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _no_control_characters(self) -> Self:
        # PostgreSQL refuses NUL in text, and no lot number or name has control characters: refuse them here,
        # naming the field, instead of failing in the database.
        for name, value in self:
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and CONTROL.search(text):
                    raise ValueError(f"{name} contains a control character (such as NUL); send plain text")
        return self


class SupplierIn(_Strict):
    code: Text32
    name: Annotated[str, Field(min_length=1, max_length=128)]
    country: Annotated[str, Field(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")] | None = None


class SupplierUpdate(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=128)]
    country: Annotated[str, Field(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")] | None = None


class ReceiptIn(_Strict):
    part_number: Text32
    revision: Annotated[str, Field(min_length=1, max_length=8)] | None = None
    supplier: Text32 = Field(description="supplier code")
    supplier_lot: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: Quantity
    heat_number: Annotated[str, Field(max_length=64)] | None = None
    material_cert_ref: Annotated[str, Field(max_length=128)] | None = None
    serials: Annotated[list[Serial], Field(max_length=10000)] | None = Field(
        default=None, description="the supplier's serial numbers, one per piece, for a serial-tracked part")
    number_serials: bool = Field(default=False,
                                 description="number the pieces here instead of sending serials")
    expires_on: date | None = None
    delivery_note: Annotated[str, Field(max_length=64)] | None = None


class ReceiptBatchIn(_Strict):
    receipts: Annotated[list[ReceiptIn], Field(min_length=1, max_length=500)]


class WorkOrderIn(_Strict):
    number: Text32
    part_number: Text32
    revision: Annotated[str, Field(min_length=1, max_length=8)] | None = None
    quantity: Quantity
    due_on: date | None = None
    customer_order: Text32 | None = None
    released: bool = True


class CustomerOrderIn(_Strict):
    number: Text32
    customer: Text32 = Field(description="customer code")
    customer_name: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    ordered_at: datetime | None = None


class ShipmentIn(_Strict):
    customer_order: Text32
    items: Annotated[list[ItemCode], Field(min_length=1, max_length=5000)]
    sscc: Annotated[str, Field(pattern="^[0-9]{18}$")] | None = None
