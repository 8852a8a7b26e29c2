"""user work centres: where a user may act (no rows: everywhere)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 12:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing users get no rows, which means "everywhere": an upgraded database behaves as before.
    op.create_table('user_work_centres',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('user_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('work_center', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_work_centres_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_work_centres')),
    sa.UniqueConstraint('user_id', 'work_center', name=op.f('uq_user_work_centres_user_id_work_center'))
    )


def downgrade() -> None:
    op.drop_table('user_work_centres')
