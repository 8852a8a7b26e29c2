"""Import genealogy links from a legacy system's CSV: all rows or none.

Header: parent_part,parent_id,child_part,child_id,quantity[,timestamp]. Missing part definitions and
items are created; a file whose links would close a cycle — among themselves or with links already
stored — is rejected with the offending line numbers.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from app.models import GenealogyLink, Item, ItemStatus, PartDefinition, Tracking
from app.models.base import uuid7
from app.services.errors import ValidationError
from app.services.permissions import Action, Actor
from app.services.trace import reach_cte
from app.services.planner import refresh_statistics
from app.services.unit_of_work import unit_of_work
from app.trace import Direction
from app.trace.graph import cyclic_edges

REQUIRED = ("parent_part", "parent_id", "child_part", "child_id", "quantity")
IMPORTED_REVISION = "-"


@dataclass(frozen=True)
class LinkRow:
    line: int
    parent: tuple[str, str]  # (part number, lot or serial)
    child: tuple[str, str]
    quantity: float
    timestamp: datetime | None


@dataclass(frozen=True)
class ImportSummary:
    links: int
    new_parts: int
    new_items: int


def parse_links(text: str) -> list[LinkRow]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(f"The file has no column {', '.join(missing)}. The first line must be: "
                              + ",".join(REQUIRED) + "[,timestamp]")
    rows, problems = [], []
    for line, raw in enumerate(reader, start=2):
        values = {k: (raw.get(k) or "").strip() for k in (*REQUIRED, "timestamp")}
        empty = [k for k in REQUIRED if not values[k]]
        if empty:
            problems.append(f"line {line}: {', '.join(empty)} empty")
            continue
        try:
            quantity = float(values["quantity"])
            if quantity <= 0:
                raise ValueError
        except ValueError:
            problems.append(f"line {line}: quantity '{values['quantity']}' is not a positive number")
            continue
        stamp = None
        if values["timestamp"]:
            try:
                stamp = datetime.fromisoformat(values["timestamp"])
            except ValueError:
                problems.append(f"line {line}: timestamp '{values['timestamp']}' is not ISO 8601")
                continue
            stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
        parent, child = (values["parent_part"], values["parent_id"]), (values["child_part"], values["child_id"])
        if parent == child:
            problems.append(f"line {line}: {parent[1]} cannot be made from itself")
            continue
        rows.append(LinkRow(line, parent, child, quantity, stamp))
    if problems:
        raise ValidationError("Nothing was imported. Fix these lines and import the file again: "
                              + "; ".join(problems[:20]) + (" …" if len(problems) > 20 else ""))
    return rows


BULK_ROWS = 10_000  # from here on a file moves the planner's picture of the genealogy


def import_links(factory: sessionmaker[Session], actor: Actor, text: str) -> ImportSummary:
    rows = parse_links(text)
    with unit_of_work(factory, actor, Action.IMPORT_DATA, reason="genealogy import") as session:
        parts = _ensure_parts(session, {r.parent[0] for r in rows} | {r.child[0] for r in rows})
        new_parts = sum(1 for p in parts.values() if p[1])
        keys = {r.parent for r in rows} | {r.child for r in rows}
        items, new_items = _ensure_items(session, {k: parts[k[0]][0] for k in keys})
        pairs = [(items[r.parent], items[r.child]) for r in rows]
        _refuse_cycles(session, rows, pairs, items)
        session.add_all(GenealogyLink(parent_item_id=p, child_item_id=c, quantity=r.quantity)
                        for r, (p, c) in zip(rows, pairs))
    if len(rows) >= BULK_ROWS:
        refresh_statistics(factory)
    return ImportSummary(links=len(rows), new_parts=new_parts, new_items=new_items)


def _ensure_parts(session: Session, numbers: set[str]) -> dict[str, tuple[PartDefinition, bool]]:
    found = {p.part_number: (p, False) for p in session.scalars(
        select(PartDefinition).where(PartDefinition.part_number.in_(numbers))
        .order_by(PartDefinition.revision.desc()))}
    for number in sorted(numbers - found.keys()):
        part = PartDefinition(part_number=number, revision=IMPORTED_REVISION, tracking=Tracking.LOT,
                              description=f"{number} (imported)")
        session.add(part)
        found[number] = (part, True)
    session.flush()
    return found


def _ensure_items(session: Session, parts: dict[tuple[str, str], PartDefinition]
                  ) -> tuple[dict[tuple[str, str], uuid.UUID], int]:
    by_part = {p.id: number for (number, _), p in parts.items()}
    wanted = {(p.id, code) for (_, code), p in parts.items()}
    ids: dict[tuple[str, str], uuid.UUID] = {}
    for chunk in _chunks(sorted(wanted), 500):
        for item_id, part_id, code in session.execute(
                select(Item.id, Item.part_id, Item.code).where(tuple_(Item.part_id, Item.code).in_(chunk))):
            ids[(by_part[part_id], code)] = item_id
    created = 0
    for key, part in parts.items():
        if key not in ids:
            serial = part.tracking is Tracking.SERIAL
            item = Item(id=uuid7(), part_id=part.id, code=key[1], is_serial=serial, quantity=1 if serial else 0,
                        initial_quantity=1 if serial else 0, status=ItemStatus.RELEASED)
            session.add(item)
            ids[key] = item.id
            created += 1
    session.flush()
    return ids, created


def _refuse_cycles(session: Session, rows: list[LinkRow], pairs: list[tuple[uuid.UUID, uuid.UUID]],
                   items: dict[tuple[str, str], uuid.UUID]) -> None:
    # A new link closes a cycle only through items downstream of the new children; fetch just those links.
    downstream = reach_cte({c for _, c in pairs}, Direction.FORWARD)
    link = GenealogyLink.__table__.c
    stored = session.execute(select(link.parent_item_id, link.child_item_id)
                             .where(link.parent_item_id.in_(select(downstream.c.item_id)))).all()
    bad = cyclic_edges([*pairs, *stored])
    lines = [r.line for r, pair in zip(rows, pairs) if pair in bad]
    if lines:
        shown = ", ".join(map(str, lines[:20])) + (" …" if len(lines) > 20 else "")
        raise ValidationError(f"Nothing was imported: the links on line{'s' if len(lines) > 1 else ''} {shown} "
                              "would make an item its own ancestor (a cycle). Correct those rows and import again.")


def _chunks(values: list, size: int) -> list[list]:
    return [values[i:i + size] for i in range(0, len(values), size)]
