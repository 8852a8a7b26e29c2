"""badge PINs, failed log-ins and lockout of users

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (no batch copy): existing users get no PIN, no failures, no lock.
    op.add_column('users', sa.Column('pin_hash', sa.String(length=255), nullable=True))
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
    op.add_column('users', sa.Column('locked_until', app.models.base.UTCDateTime(timezone=True),
                                     nullable=True))


def downgrade() -> None:
    # SQLite ≥ 3.35 drops a column in place when no index or constraint names it, as here.
    op.drop_column('users', 'locked_until')
    op.drop_column('users', 'failed_logins')
    op.drop_column('users', 'pin_hash')
