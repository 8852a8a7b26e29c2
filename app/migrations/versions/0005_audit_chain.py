"""the hash chain of the audit trail, and the database refusing to change or delete its rows

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 10:40:00.000000

The existing rows are chained in id order (their ids may have gaps from rolled-back transactions; new
rows get gapless ids). The chain is sequential — each hash needs the one before — so the backfill streams
batches through Python and writes them back with one executemany UPDATE per batch.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base
from app.services.audit_chain import GENESIS, entry_hash, install_guards, remove_guards

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_BATCH = 5000


def _events() -> sa.Table:
    return sa.Table(
        "audit_events", sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("occurred_at", app.models.base.UTCDateTime()),
        sa.Column("user_id", app.models.base.GUID()),
        sa.Column("username", sa.String(64)),
        sa.Column("action", sa.String(32)),
        sa.Column("table_name", sa.String(64)),
        sa.Column("row_id", sa.String(64)),
        sa.Column("old_values", sa.JSON()),
        sa.Column("new_values", sa.JSON()),
        sa.Column("reason", sa.String(500)),
        sa.Column("prev_hash", sa.String(64)),
        sa.Column("entry_hash", sa.String(64)),
    )


def _backfill(conn: sa.Connection) -> None:
    events = _events()
    content = [c for c in events.c if c.name not in ("prev_hash", "entry_hash")]
    update = (events.update().where(events.c.id == sa.bindparam("b_id"))
              .values(prev_hash=sa.bindparam("b_prev"), entry_hash=sa.bindparam("b_hash")))
    prev, last_id = GENESIS, None
    while True:
        query = sa.select(*content).order_by(events.c.id).limit(_BATCH)
        if last_id is not None:
            query = query.where(events.c.id > last_id)
        rows = conn.execute(query).mappings().all()
        if not rows:
            return
        sealed = []
        for row in rows:
            digest = entry_hash(row, prev)
            sealed.append({"b_id": row["id"], "b_prev": prev, "b_hash": digest})
            prev = digest
        conn.execute(update, sealed)
        last_id = rows[-1]["id"]


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('entry_hash', existing_type=sa.String(length=64), nullable=False)
    install_guards(op.get_bind())


def downgrade() -> None:
    remove_guards(op.get_bind())
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
