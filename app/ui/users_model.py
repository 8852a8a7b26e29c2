"""The Users page's table: one row per user, what an administrator checks at a glance — role, whether they
can log in, a lockout, a badge, and where they may act."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QColor

from app.services.user_admin import UserRow
from app.ui import formatting as fmt
from app.ui.palette import TEXT_BAD, TEXT_GOOD, TEXT_MUTED
from app.ui.record_table_model import Column, RecordTableModel


def is_locked(row: UserRow, now: datetime | None = None) -> bool:
    return row.locked_until is not None and row.locked_until > (now or datetime.now(UTC))


def _state(row: UserRow) -> str:
    return "Active" if row.active else "Inactive"


def _locked(row: UserRow) -> str:
    return fmt.local_time(row.locked_until) if is_locked(row) else "—"


def _muted_unless(ok: bool, colour: QColor) -> QColor:
    return colour if ok else TEXT_MUTED


def _muted_if_inactive(row: UserRow) -> QColor | None:
    return None if row.active else TEXT_MUTED


def _badge(row: UserRow) -> str:
    if not row.has_badge:
        return "No"
    return "Yes" if row.has_pin else "Yes, no PIN yet"  # a badge alone does not log anyone in


USER_COLUMNS: tuple[Column[UserRow], ...] = (
    # An inactive user's name greys out: still listed (their records stay), but not someone who can log in.
    Column("User name", lambda u: u.username, bold=lambda u: True, colour=_muted_if_inactive),
    Column("Full name", lambda u: u.full_name, width_em=16, colour=_muted_if_inactive),
    Column("Role", lambda u: u.role.label),
    Column("State", _state, colour=lambda u: _muted_unless(u.active, TEXT_GOOD), bold=lambda u: True),
    Column("Locked until", _locked, colour=lambda u: TEXT_BAD if is_locked(u) else None,
           sort_key=lambda u: u.locked_until.isoformat() if is_locked(u) and u.locked_until else ""),
    Column("Badge", _badge, tooltip="A badge lets the user log in at the bench with badge + PIN"),
    Column("Work centres", lambda u: ", ".join(u.work_centres) if u.work_centres else "Everywhere",
           colour=lambda u: None if u.work_centres else TEXT_MUTED, width_em=24),
)


class UsersModel(RecordTableModel[UserRow]):
    columns = USER_COLUMNS
