"""Recall impact: from suspect items, or from a piece of equipment over a time window, every affected
item, where it is now, and which customers, orders and shipments received it."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, time, timezone

from sqlalchemy import select, union
from sqlalchemy.orm import Session, sessionmaker

from app.models import Equipment, InspectionRecord, ItemStatus, Measurement, StepRecord
from app.services.errors import NotFound, ValidationError
from app.services.lookup import match_items
from app.services.lookup_views import to_json
from app.services.trace import trace_items
from app.services.trace_views import TraceResult
from app.trace import Direction

LOCATION = {
    ItemStatus.RELEASED: "in stock", ItemStatus.QUARANTINED: "in stock (quarantine)",
    ItemStatus.ON_HOLD: "in stock (on hold)", ItemStatus.IN_PROCESS: "in process",
    ItemStatus.CONSUMED: "consumed", ItemStatus.SCRAPPED: "scrapped", ItemStatus.SHIPPED: "shipped",
}


@dataclass(frozen=True)
class RecallLine:
    identifier: str
    part_number: str
    revision: str
    kind: str
    status: str
    location: str
    depth: int
    customer: str = ""
    customer_order: str = ""
    shipment: str = ""
    shipped_at: str = ""


@dataclass(frozen=True)
class RecallReport:
    subject: str
    suspects: tuple[str, ...]
    lines: tuple[RecallLine, ...]

    @property
    def customers(self) -> dict[str, int]:
        """Items shipped per customer: who must be told."""
        counts: dict[str, int] = {}
        for line in self.lines:
            if line.customer:
                counts[line.customer] = counts.get(line.customer, 0) + 1
        return dict(sorted(counts.items()))

    def by_location(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.lines:
            counts[line.location] = counts.get(line.location, 0) + 1
        return dict(sorted(counts.items()))

    def as_json(self) -> dict[str, object]:
        return {**to_json(self), "customers": self.customers, "by_location": self.by_location()}

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        names = [f.name for f in fields(RecallLine)]
        writer.writerow(names)
        writer.writerows([getattr(line, n) for n in names] for line in self.lines)
        return out.getvalue()


def recall_from_items(factory: sessionmaker[Session], identifiers: list[str]) -> RecallReport:
    with factory() as session:
        roots: list[uuid.UUID] = []
        for identifier in identifiers:
            match = match_items(session, identifier, with_part_numbers=True)
            if match is None:
                raise NotFound(f"Nothing is known as '{identifier}'; check it and run the recall again.")
            roots.extend(session.scalars(match.item_ids.distinct()))
        return recall_report(session, list(dict.fromkeys(roots)), subject="Suspect items " + ", ".join(identifiers))


def recall_from_equipment(factory: sessionmaker[Session], equipment_code: str, start: datetime | None,
                          end: datetime | None) -> RecallReport:
    """Everything processed or measured on the equipment in [start, end]; start defaults to its last
    calibration (the last moment it was known good), end to now."""
    with factory() as session:
        code = equipment_code.strip().upper()
        # NUL names nothing, and PostgreSQL refuses it even as a bound parameter: a miss, not a driver error.
        equipment = (None if "\x00" in code
                     else session.scalar(select(Equipment).where(Equipment.code == code)))
        if equipment is None:
            raise NotFound(f"There is no equipment '{equipment_code}'. Use its code as on its label, e.g. GRD-02.")
        if start is None:
            if equipment.last_calibrated_on is None:
                raise ValidationError(f"{equipment.code} has no calibration date on record; give the start of "
                                      "the time window.")
            start = datetime.combine(equipment.last_calibrated_on, time.min, tzinfo=timezone.utc)
        end = end or datetime.now(timezone.utc)
        if end < start:
            raise ValidationError("The time window ends before it starts; swap its start and end.")
        processed = select(StepRecord.item_id).where(
            StepRecord.equipment_id == equipment.id, StepRecord.started_at.between(start, end))
        measured = (select(InspectionRecord.item_id).join(Measurement, Measurement.record_id == InspectionRecord.id)
                    .where(Measurement.equipment_id == equipment.id, Measurement.measured_at.between(start, end)))
        roots = list(session.scalars(union(processed, measured)))
        subject = (f"Equipment {equipment.code} {equipment.name}, {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC")
        return recall_report(session, roots, subject=subject)


def recall_report(session: Session, roots: list[uuid.UUID], *, subject: str) -> RecallReport:
    if not roots:
        return RecallReport(subject=subject, suspects=(), lines=())
    return recall_from_trace(trace_items(session, roots, Direction.FORWARD, process_context=False), subject)


def recall_from_trace(result: TraceResult, subject: str) -> RecallReport:
    """The recall list of a forward trace already made (the Trace page has one on screen)."""
    lines: list[RecallLine] = []
    for node in sorted(result.nodes.values(), key=lambda n: (n.depth, n.part_number, n.identifier)):
        base = dict(identifier=node.identifier, part_number=node.part_number, revision=node.revision,
                    kind=node.kind, status=node.status.value, location=LOCATION[node.status], depth=node.depth)
        shipments = result.shipments.get(node.id, [])
        if not shipments:
            lines.append(RecallLine(**base))
        for s in shipments:
            lines.append(RecallLine(**base, customer=s.customer, customer_order=s.order or "", shipment=s.number,
                                    shipped_at=s.shipped_at.isoformat()))
    suspects = tuple(result.nodes[r].identifier for r in result.graph.roots)
    return RecallReport(subject=subject, suspects=suspects, lines=tuple(lines))
