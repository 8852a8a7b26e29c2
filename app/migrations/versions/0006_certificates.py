"""issued certificates and the organisation's signing key reference

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 10:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificates',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('cert_type', sa.Enum('coc', '3.1', name='certificate_type', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('subject_kind', sa.Enum('serial', 'lot', 'shipment', name='certificate_subject', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('subject_code', sa.String(length=64), nullable=False),
    sa.Column('shipment_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('issued_by_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('issued_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('signer_name', sa.String(length=128), nullable=False),
    sa.Column('signer_meaning', sa.String(length=200), nullable=False),
    sa.Column('validated_by_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('signing_cert_sha256', sa.String(length=64), nullable=True),
    sa.Column('trial_signature', sa.Boolean(), nullable=False),
    sa.Column('is_copy', sa.Boolean(), nullable=False),
    sa.Column('reprint_of_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('revoked_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_certificates_shipment_id_shipments')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_by_id_users')),
    sa.ForeignKeyConstraint(['validated_by_id'], ['users.id'], name=op.f('fk_certificates_validated_by_id_users')),
    sa.ForeignKeyConstraint(['reprint_of_id'], ['certificates.id'], name=op.f('fk_certificates_reprint_of_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number'))
    )
    op.create_index('ix_certificates_subject', 'certificates', ['subject_kind', 'subject_code'], unique=False)
    op.create_table('certificate_items',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('certificate_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('item_id', app.models.base.GUID(length=16), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_items_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_certificate_items_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_items')),
    sa.UniqueConstraint('certificate_id', 'item_id', name=op.f('uq_certificate_items_certificate_id_item_id'))
    )
    op.create_index('ix_certificate_items_item_id', 'certificate_items', ['item_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_certificate_items_item_id', table_name='certificate_items')
    op.drop_table('certificate_items')
    op.drop_index('ix_certificates_subject', table_name='certificates')
    op.drop_table('certificates')
