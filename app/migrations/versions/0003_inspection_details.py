"""inspection details: defect codes of pass/fail characteristics, sampling rules of plans, the sample size a
record was opened with, and who confirmed a failed reading

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:12:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('characteristic_defect_codes',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('characteristic_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('description', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['characteristic_id'], ['characteristics.id'], name=op.f('fk_characteristic_defect_codes_characteristic_id_characteristics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_characteristic_defect_codes')),
    sa.UniqueConstraint('characteristic_id', 'code', name=op.f('uq_characteristic_defect_codes_characteristic_id_code'))
    )
    # Every new column may be empty: plans, records and readings from before this revision keep their meaning
    # (every n-th item by `frequency`, the plan's sample size, no confirmation on record). Plain ADD COLUMN on
    # both databases: a batch copy of measurements, millions of rows in a plant, would hold up the start-up.
    op.add_column('inspection_plans', sa.Column('sampling', sa.Text(), nullable=True))
    op.add_column('inspection_records', sa.Column('sample_size', sa.Integer(), nullable=True))
    if op.get_context().dialect.name == 'sqlite':
        # SQLite takes a column's reference in ADD COLUMN, though not an added constraint.
        op.execute('ALTER TABLE measurements ADD COLUMN confirmed_by_id BLOB '
                   'CONSTRAINT fk_measurements_confirmed_by_id_users REFERENCES users (id)')
    else:
        op.add_column('measurements', sa.Column('confirmed_by_id', app.models.base.GUID(length=16), nullable=True))
        op.create_foreign_key(op.f('fk_measurements_confirmed_by_id_users'), 'measurements', 'users',
                              ['confirmed_by_id'], ['id'])
    op.add_column('measurements', sa.Column('confirmed_at', app.models.base.UTCDateTime(timezone=True),
                                            nullable=True))


def downgrade() -> None:
    op.drop_column('measurements', 'confirmed_at')
    if op.get_context().dialect.name == 'sqlite':
        # A column in a reference cannot be dropped in place on SQLite: measurements is copied without it (no
        # other table refers to measurements, so the copy may replace it).
        with op.batch_alter_table('measurements', schema=None) as batch_op:
            batch_op.drop_column('confirmed_by_id')
    else:
        op.drop_constraint(op.f('fk_measurements_confirmed_by_id_users'), 'measurements', type_='foreignkey')
        op.drop_column('measurements', 'confirmed_by_id')
    op.drop_column('inspection_records', 'sample_size')
    op.drop_column('inspection_plans', 'sampling')
    op.drop_table('characteristic_defect_codes')
