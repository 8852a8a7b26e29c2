"""The integration API's own tables: the tokens integrations authenticate with (only a hash is kept) and
the idempotency keys that let an ERP retry a write without creating a duplicate."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, uuid_pk


class ApiToken(Base):
    """One integration's credential. `token_hash` is the SHA-256 of the secret shown once at creation
    (the audit trail redacts `*_hash` columns); `scopes` is a space-separated list such as `read:trace`."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class IdempotencyRecord(Base):
    """A write request seen under a client's `Idempotency-Key`: the hash of its body and, once done, the
    response given, so a retry gets the same answer. `status_code` is empty while the write runs."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    token_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_tokens.id"))
    key: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
