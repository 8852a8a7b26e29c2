"""Many purchase receipts as one: every receipt goes through goods in as at the bench, all inside one
database transaction, so a batch (an ERP's day of deliveries, an imported file) lands whole or not at all.

Each receipt's unit of work runs in a SAVEPOINT of the batch's transaction (SQLAlchemy's "join an external
transaction" pattern), so a refused receipt is rolled back alone, the others are still checked, and every
refusal is reported by row before the whole batch is rolled back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Transaction
from sqlalchemy.orm import Session, sessionmaker

from app.services.errors import DomainError, ValidationError
from app.services.permissions import Actor
from app.services.station import Receipt, ReceivedLot, receive


@dataclass(frozen=True)
class RowError:
    row: int  # 0-based position in the batch
    message: str


class BatchRefused(ValidationError):
    """Some receipts were refused: none of the batch was written. `rows` says which and why."""

    def __init__(self, rows: Sequence[RowError], total: int) -> None:
        self.rows = tuple(rows)
        first = "; ".join(f"row {e.row + 1}: {e.message}" for e in self.rows[:3])
        more = f" (and {len(self.rows) - 3} more)" if len(self.rows) > 3 else ""
        super().__init__(f"{len(self.rows)} of {total} receipts were refused, so none was written. "
                         f"{first}{more}")


def receive_all(factory: sessionmaker[Session], actor: Actor,
                receipts: Sequence[Receipt]) -> list[ReceivedLot]:
    bind = factory.kw["bind"]
    if isinstance(bind, Connection):
        # Already inside the caller's transaction (an API write under an Idempotency-Key): the batch is a
        # SAVEPOINT of it, and the caller's commit makes it durable.
        return _receive_each(bind, bind.begin_nested(), actor, receipts)
    assert isinstance(bind, Engine)
    with bind.connect() as connection:
        transaction = connection.begin()
        if connection.dialect.name == "sqlite":
            # The write lock first, as every station write takes it (see station.locks): the savepoints
            # below then run inside this one IMMEDIATE transaction.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return _receive_each(connection, transaction, actor, receipts)


def _receive_each(connection: Connection, transaction: Transaction, actor: Actor,
                  receipts: Sequence[Receipt]) -> list[ReceivedLot]:
    joined = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    done: list[ReceivedLot] = []
    errors: list[RowError] = []
    try:
        for row, receipt in enumerate(receipts):
            try:
                done.append(receive(joined, actor, receipt))
            except DomainError as exc:
                errors.append(RowError(row, str(exc)))
    except BaseException:
        transaction.rollback()
        raise
    if errors:
        transaction.rollback()
        raise BatchRefused(errors, len(receipts))
    transaction.commit()
    return done
