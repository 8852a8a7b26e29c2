"""Reading an inspection record as its form: the plan revision, one slot per reading with the readings it
replaced, the signatures and the links between corrected versions, in a fixed handful of queries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.models import AuditEvent, Equipment, InspectionRecord, Item, Measurement, User
from app.services.errors import NotFound
from app.services.inspection.plans import read_plan
from app.services.inspection.views import (
    MeasurementView,
    PlanView,
    RecordForm,
    Signature,
    Slot,
    readings_per_record,
)

# Until inspection records have columns for them, signatures and the link from a correction to the version it
# corrects are events of the record's audit trail (indexed by table and row), written by `signature`.
SIGN_EVENT, CORRECT_EVENT = "sign", "correct"
RECORDS_TABLE = InspectionRecord.__tablename__


def load_form(factory: sessionmaker[Session], record_id: uuid.UUID) -> RecordForm:
    with factory() as session:
        return read_form(session, record_id)


def read_form(session: Session, record_id: uuid.UUID) -> RecordForm:
    row = session.execute(
        select(InspectionRecord, Item.code, Item.status, User.full_name)
        .join(Item, InspectionRecord.item_id == Item.id)
        .join(User, InspectionRecord.inspector_id == User.id)
        .where(InspectionRecord.id == record_id)).first()
    if row is None:
        raise NotFound("That inspection record no longer exists; scan the item again to open its form.")
    record, item_code, item_status, inspector = row
    plan = read_plan(session, record.plan_id)
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.table_name == RECORDS_TABLE, AuditEvent.row_id == str(record_id),
        AuditEvent.action.in_((SIGN_EVENT, CORRECT_EVENT))).order_by(AuditEvent.id)).all()
    signatures = tuple(Signature.from_manifest(record_id, e.user_id, e.username, e.new_values)
                       for e in events if e.action == SIGN_EVENT and e.user_id and e.new_values)
    correction = next((e for e in events if e.action == CORRECT_EVENT), None)
    corrects = uuid.UUID(correction.new_values["corrects"]) if correction and correction.new_values else None
    measurements = _measurements(session, record_id, corrects)
    # Records from before schema 0003 did not keep their own sample size: the plan's was theirs.
    sample_size = record.sample_size if record.sample_size is not None else plan.sample_size
    own = {m.id for m in measurements}
    onward = [m.superseded_by_id for m in measurements if m.superseded_by_id and m.superseded_by_id not in own]
    corrected_by = (session.scalar(select(Measurement.record_id).where(Measurement.id == onward[0]))
                    if onward else None)
    return RecordForm(
        id=record.id, version=record.inspected_at, plan=plan, item_id=record.item_id, item_code=item_code,
        item_status=item_status, step_id=record.step_id, inspector=inspector, inspected_at=record.inspected_at,
        signed_at=record.signed_at, result=record.result, slots=_slots(plan, sample_size, measurements),
        measurements=measurements, sample_size=sample_size, signatures=signatures, corrects=corrects,
        corrected_by=corrected_by,
        correction_reason=correction.reason if correction else None)


def _measurements(session: Session, record_id: uuid.UUID, corrects: uuid.UUID | None
                  ) -> tuple[MeasurementView, ...]:
    """Every reading of the record, oldest first; in a correction, each knows the reading it carries over."""
    carried: dict[uuid.UUID, uuid.UUID] = {}
    if corrects is not None:
        carried = {new: old for old, new in session.execute(
            select(Measurement.id, Measurement.superseded_by_id)
            .where(Measurement.record_id == corrects, Measurement.superseded_by_id.is_not(None)))}
    confirmer = aliased(User)
    return tuple(
        MeasurementView.of(m, code, carried.get(m.id), name)
        for m, code, name in session.execute(
            select(Measurement, Equipment.code, confirmer.full_name)
            .outerjoin(Equipment, Measurement.equipment_id == Equipment.id)
            .outerjoin(confirmer, Measurement.confirmed_by_id == confirmer.id)
            .where(Measurement.record_id == record_id).order_by(Measurement.measured_at, Measurement.id)))


def _slots(plan: PlanView, sample_size: int, measurements: Sequence[MeasurementView]) -> tuple[Slot, ...]:
    """Each chain of re-measures within the record is one slot, in the order the slots were first filled;
    empty slots follow up to the number of readings the plan asks for."""
    by_id = {m.id: m for m in measurements}
    successors = {m.superseded_by_id for m in measurements if m.superseded_by_id in by_id}
    chains: dict[uuid.UUID, list[list[MeasurementView]]] = defaultdict(list)
    for m in measurements:  # oldest first, so the chains come in the order they were started
        if m.id in successors:
            continue
        chain = [m]
        while chain[-1].superseded_by_id in by_id:
            chain.append(by_id[chain[-1].superseded_by_id])  # type: ignore[index]  # checked just above
        chains[m.characteristic_id].append(chain)
    slots: list[Slot] = []
    for c in plan.characteristics:
        found = chains[c.id]
        slots += [Slot(c, i, chain[-1], tuple(chain[:-1])) for i, chain in enumerate(found)]
        slots += [Slot(c, i, None, ()) for i in range(len(found), readings_per_record(c.kind, sample_size))]
    return tuple(slots)
