"""The inspection records of an item, newest first: each with its plan revision, its version in a chain of
corrections, its inspector and signature time, its result, and who corrected or reviewed it. A rescanned item
is opened from here: its signed records read-only, to review or to correct."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEvent, InspectionPlan, InspectionRecord, Item, Operation, User
from app.services.errors import NotFound
from app.services.inspection.forms import CORRECT_EVENT, RECORDS_TABLE, SIGN_EVENT
from app.services.inspection.views import Meaning, RecordSummary


def records_for_item(factory: sessionmaker[Session], item_id: uuid.UUID) -> list[RecordSummary]:
    with factory() as session:
        return read_records_for_item(session, item_id)


def read_records_for_item(session: Session, item_id: uuid.UUID) -> list[RecordSummary]:
    """In two queries: the records with their plans and inspectors, then their signature and correction events."""
    if session.get(Item, item_id) is None:
        raise NotFound("That item no longer exists; scan it again.")
    rows = session.execute(
        select(InspectionRecord, Item.code, InspectionPlan.plan_type, Operation.seq, InspectionPlan.revision,
               User.full_name)
        .join(Item, InspectionRecord.item_id == Item.id)
        .join(InspectionPlan, InspectionRecord.plan_id == InspectionPlan.id)
        .outerjoin(Operation, InspectionPlan.operation_id == Operation.id)
        .join(User, InspectionRecord.inspector_id == User.id)
        .where(InspectionRecord.item_id == item_id)
        .order_by(InspectionRecord.inspected_at.desc(), InspectionRecord.id.desc())).all()
    ids = {str(row[0].id): row[0].id for row in rows}
    corrects: dict[uuid.UUID, uuid.UUID] = {}
    reviewed_by: dict[uuid.UUID, str] = {}
    if ids:
        for row_id, action, values in session.execute(
                select(AuditEvent.row_id, AuditEvent.action, AuditEvent.new_values)
                .where(AuditEvent.table_name == RECORDS_TABLE, AuditEvent.row_id.in_(list(ids)),
                       AuditEvent.action.in_((SIGN_EVENT, CORRECT_EVENT))).order_by(AuditEvent.id)):
            if not values or row_id not in ids:
                continue
            if action == CORRECT_EVENT:
                corrects[ids[row_id]] = uuid.UUID(values["corrects"])
            elif values.get("meaning") == Meaning.REVIEWED.value:
                reviewed_by[ids[row_id]] = values["printed_name"]
    corrected_by = {old: new for new, old in corrects.items()}

    def version(record_id: uuid.UUID) -> int:
        # A chain of corrections is short; each one corrects the version before it.
        steps, current = 1, record_id
        while current in corrects:
            steps, current = steps + 1, corrects[current]
        return steps

    return [RecordSummary(record.id, code, record.plan_id, plan_type, seq, revision, version(record.id), inspector,
                          record.inspected_at, record.signed_at, record.result, corrects.get(record.id),
                          corrected_by.get(record.id), reviewed_by.get(record.id))
            for record, code, plan_type, seq, revision, inspector in rows]
