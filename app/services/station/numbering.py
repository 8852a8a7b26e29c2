"""Numbers the stations give out — goods receipts, merged lots, shipments (`GR-26-00017`), serials and split
lots — each one more than the highest issued, with the series locked so two benches never issue the same."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.models import Item

WIDTHS = {"GR": 5, "SM": 4, "DN": 5}  # goods receipt, stock merge, delivery note: as the demo plant numbers
SERIAL_WIDTH = 7


def lock_series(session: Session, prefix: str) -> None:
    """Serialise everyone issuing numbers of `prefix` until this transaction ends. SQLite needs nothing:
    the station holds the database's write lock (see `locks.claim_write_lock`)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:prefix))"), {"prefix": prefix})


def next_number(session: Session, column: InstrumentedAttribute[str], prefix: str, width: int,
                *where: ColumnElement[bool]) -> int:
    """One more than the highest `prefix` followed by `width` digits in `column` (1 for the first).
    Fixed-width numbers sort like text, so the index finds the highest without reading them all."""
    lock_series(session, prefix)
    stmt = (select(column).where(column.startswith(prefix, autoescape=True),
                                 func.length(column) == len(prefix) + width, *where)
            .order_by(column.desc()).limit(20))
    for code in session.scalars(stmt):
        suffix = code[len(prefix):]
        if suffix.isdigit():  # a hand-typed code may share the prefix and length
            return int(suffix) + 1
    return 1


def document_number(session: Session, column: InstrumentedAttribute[str], series: str, now: datetime) -> str:
    prefix = f"{series}-{now:%y}-"
    width = WIDTHS[series]
    return f"{prefix}{next_number(session, column, prefix, width):0{width}d}"


def numbered(prefix: str, first: int, count: int, width: int) -> list[str]:
    return [f"{prefix}{number:0{width}d}" for number in range(first, first + count)]


def new_serials(session: Session, part_id: uuid.UUID, prefix: str, count: int) -> list[str]:
    """`count` serial numbers of the part, following the highest one issued with `prefix`."""
    first = next_number(session, Item.code, prefix, SERIAL_WIDTH, Item.part_id == part_id)
    return numbered(prefix, first, count, SERIAL_WIDTH)

