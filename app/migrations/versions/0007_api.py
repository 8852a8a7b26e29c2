"""integration API: tokens (hash only) and idempotency keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 11:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('revoked_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('name', name=op.f('uq_api_tokens_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('api_idempotency',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('token_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('endpoint', sa.String(length=200), nullable=False),
    sa.Column('request_sha256', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_api_idempotency_token_id_api_tokens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency')),
    sa.UniqueConstraint('token_id', 'key', name=op.f('uq_api_idempotency_token_id_key'))
    )


def downgrade() -> None:
    op.drop_table('api_idempotency')
    op.drop_table('api_tokens')
