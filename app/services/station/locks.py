"""Several stations, one database: every station write locks what it will change before its checks read
it, so two benches taking the last of a lot are serialised and the second one sees what the first left."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Item


def claim_write_lock(session: Session) -> None:
    """On SQLite, take the database's write lock now, before the first read of the transaction.

    A deferred SQLite transaction that has read cannot start writing once another connection committed
    (SQLITE_BUSY_SNAPSHOT, raised at once, the busy timeout does not help). `BEGIN IMMEDIATE` makes the
    second bench wait for the first and then read its result. PostgreSQL needs nothing here: `lock_items`
    takes row locks there.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_items(session: Session, ids: Iterable[uuid.UUID]) -> None:
    """SELECT … FOR UPDATE the items, in id order so that two benches locking the same lots cannot
    deadlock, and refresh the loaded rows so every check sees the committed state."""
    session.scalars(select(Item).where(Item.id.in_(set(ids))).order_by(Item.id).with_for_update()
                    .execution_options(populate_existing=True)).all()
