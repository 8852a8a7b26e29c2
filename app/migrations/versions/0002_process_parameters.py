"""process parameters: limits per operation, sensor sources per equipment, provenance of step parameters

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 07:40:32.938092
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('parameter_sources',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('equipment_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('mqtt', 'modbus_tcp', 'modbus_rtu', name='sensor_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('register', sa.Integer(), nullable=True),
    sa.Column('register_kind', sa.Enum('holding', 'input', name='register_kind', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('data_type', sa.Enum('int16', 'uint16', 'float32', name='register_type', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('scale', sa.Double(), nullable=True),
    sa.Column('word_swap', sa.Boolean(), nullable=False),
    sa.Column('baudrate', sa.Integer(), nullable=True),
    sa.Column('parity', sa.String(length=1), nullable=True),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_parameter_sources_equipment_id_equipment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parameter_sources')),
    sa.UniqueConstraint('equipment_id', 'name', name=op.f('uq_parameter_sources_equipment_id_name'))
    )
    op.create_table('operation_parameters',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('operation_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('lower_limit', sa.Double(), nullable=True),
    sa.Column('upper_limit', sa.Double(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('on_violation', sa.Enum('block', 'flag', name='on_violation', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.CheckConstraint('lower_limit IS NULL OR upper_limit IS NULL OR lower_limit <= upper_limit', name=op.f('ck_operation_parameters_limits_ordered')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_operation_parameters_operation_id_operations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation_parameters')),
    sa.UniqueConstraint('operation_id', 'name', name=op.f('uq_operation_parameters_operation_id_name'))
    )
    # Rows recorded before this revision were never checked against limits: out_of_limits false, no limits.
    with op.batch_alter_table('step_parameters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('source_ref', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('lower_limit', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('upper_limit', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('out_of_limits', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('step_parameters', schema=None) as batch_op:
        batch_op.drop_column('out_of_limits')
        batch_op.drop_column('upper_limit')
        batch_op.drop_column('lower_limit')
        batch_op.drop_column('source_ref')
        batch_op.drop_column('read_at')

    op.drop_table('operation_parameters')
    op.drop_table('parameter_sources')
