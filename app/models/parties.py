"""People and organisations: users with roles, suppliers, customers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, uuid_pk
from app.models.enums import Role


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = uuid_pk()
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    badge_uid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # argon2id of the badge PIN; empty until the user (or an administrator) sets one.
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    # Consecutive failed log-ins (password or PIN) since the last success; reaching the limit locks the user.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class UserWorkCentre(Base):
    """A work centre where a user may act. A user with no rows may act at every station (so databases from
    before work centres existed keep working); a user with rows only at stations of those work centres."""

    __tablename__ = "user_work_centres"
    __table_args__ = (UniqueConstraint("user_id", "work_center"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # The name as on Station.work_center: work centres are named there, not kept in a table of their own.
    work_center: Mapped[str] = mapped_column(String(64))


class Supplier(Base):
    __tablename__ = "suppliers"

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    country: Mapped[str | None] = mapped_column(String(2))


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    country: Mapped[str | None] = mapped_column(String(2))
