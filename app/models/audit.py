"""The audit trail: one row per created, changed or deleted record, and per security event."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_record", "table_name", "row_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    # The integer key is the chain order: app.services.audit_chain assigns it (last + 1, gapless) under the
    # chain lock, together with the server time and the two hashes, whoever inserts the row.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    table_name: Mapped[str | None] = mapped_column(String(64))
    row_id: Mapped[str | None] = mapped_column(String(64))
    old_values: Mapped[dict[str, Any] | None]
    new_values: Mapped[dict[str, Any] | None]
    reason: Mapped[str | None] = mapped_column(String(500))
    # SHA-256 hex of the row before (zeros for the first) and of this row's canonical text plus prev_hash.
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
