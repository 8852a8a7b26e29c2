"""Inspection plans in the database: read them, create one, revise it (a change is a new revision and the old
one retires; records keep the revision they used), and exchange plans as readable JSON."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Characteristic, InspectionPlan, Operation, PartDefinition, Route
from app.models.quality import CharacteristicDefectCode
from app.models.base import uuid7
from app.services.errors import Conflict, NotFound, ValidationError
from app.services.inspection.guard import update_if
from app.services.inspection.sampling import Sampling
from app.services.inspection.specs import PlanDefinition, plans_from_json, plans_to_json
from app.services.inspection.tolerance import DefectCode
from app.services.inspection.views import CharacteristicView, PlanView
from app.services.permissions import Action, Actor
from app.services.unit_of_work import unit_of_work

SEQ_STEP = 10  # characteristics are numbered 10, 20, 30 … so a later hand edit can slot one in between


@dataclass(frozen=True)
class ImportedPlan:
    plan: PlanView
    outcome: Literal["created", "revised", "unchanged"]


def list_plans(factory: sessionmaker[Session], *, active_only: bool = True,
               part_id: uuid.UUID | None = None) -> list[PlanView]:
    """Plans by part, type and operation, newest revision first within each; only current ones by default."""
    where: list[ColumnElement[bool]] = []
    if active_only:
        where.append(InspectionPlan.active.is_(True))
    if part_id is not None:
        where.append(InspectionPlan.part_id == part_id)
    with factory() as session:
        return read_plans(session, *where)


def load_plan(factory: sessionmaker[Session], plan_id: uuid.UUID) -> PlanView:
    with factory() as session:
        return read_plan(session, plan_id)


def read_plan(session: Session, plan_id: uuid.UUID) -> PlanView:
    found = read_plans(session, InspectionPlan.id == plan_id)
    if not found:
        raise NotFound("That inspection plan no longer exists; pick the plan again from the list.")
    return found[0]


def read_plans(session: Session, *where: ColumnElement[bool]) -> list[PlanView]:
    """Plans matching `where` with their characteristics and defect codes in order, in three queries."""
    rows = session.execute(
        select(InspectionPlan, PartDefinition.part_number, PartDefinition.revision, Operation.seq, Operation.name)
        .join(PartDefinition, InspectionPlan.part_id == PartDefinition.id)
        .outerjoin(Operation, InspectionPlan.operation_id == Operation.id)
        .where(*where)
        .order_by(PartDefinition.part_number, PartDefinition.revision, InspectionPlan.plan_type, Operation.seq,
                  InspectionPlan.revision.desc())).all()
    characteristics: dict[uuid.UUID, list[CharacteristicView]] = defaultdict(list)
    if rows:
        plan_ids = [row[0].id for row in rows]
        codes: dict[uuid.UUID, list[DefectCode]] = defaultdict(list)
        for characteristic_id, code, description in session.execute(
                select(CharacteristicDefectCode.characteristic_id, CharacteristicDefectCode.code,
                       CharacteristicDefectCode.description)
                .join(Characteristic, CharacteristicDefectCode.characteristic_id == Characteristic.id)
                .where(Characteristic.plan_id.in_(plan_ids)).order_by(CharacteristicDefectCode.seq)):
            codes[characteristic_id].append(DefectCode(code, description))
        for c in session.scalars(select(Characteristic).where(Characteristic.plan_id.in_(plan_ids))
                                 .order_by(Characteristic.seq)):
            characteristics[c.plan_id].append(CharacteristicView.of(c, tuple(codes[c.id])))
    return [PlanView(plan.id, plan.part_id, number, revision, plan.plan_type, plan.operation_id, seq, name,
                     plan.revision, plan.sample_size, Sampling.from_column(plan.sampling, plan.frequency),
                     plan.active, tuple(characteristics[plan.id]))
            for plan, number, revision, seq, name in rows]


def read_characteristic(session: Session, characteristic: Characteristic) -> CharacteristicView:
    """One characteristic with its defect codes, for a write that judges an entry against it."""
    codes = session.execute(select(CharacteristicDefectCode.code, CharacteristicDefectCode.description)
                            .where(CharacteristicDefectCode.characteristic_id == characteristic.id)
                            .order_by(CharacteristicDefectCode.seq)).all()
    return CharacteristicView.of(characteristic, tuple(DefectCode(code, text) for code, text in codes))


def create_plan(factory: sessionmaker[Session], actor: Actor, definition: PlanDefinition) -> PlanView:
    """Revision 1 of a plan for a part, inspection type and operation that have none yet."""
    definition = definition.validated()
    with unit_of_work(factory, actor, Action.EDIT_PLANS) as session:
        existing = _plans_for(session, definition)
        if existing:
            raise Conflict(f"{definition.title} already has a plan (rev {existing[0].revision}); open it and "
                           "revise it instead.")
        return _store(session, definition, None)


def revise_plan(factory: sessionmaker[Session], actor: Actor, plan_id: uuid.UUID, definition: PlanDefinition,
                *, reason: str) -> PlanView:
    """Save a changed plan as the next revision of `plan_id`, which must be the current one."""
    definition = definition.validated()
    reason = _required_reason(reason)
    with unit_of_work(factory, actor, Action.EDIT_PLANS, reason=reason) as session:
        current = read_plan(session, plan_id)
        if not current.active:
            newest = _plans_for(session, current.definition)[0]  # the list holds `current` at least
            raise Conflict(f"Rev {current.revision} of {current.definition.title} has been replaced by rev "
                           f"{newest.revision}; open the newest revision and change that.")
        if _key(definition) != _key(current.definition):
            raise ValidationError(f"A revision of {current.definition.title} must stay with that part, "
                                  "inspection type and operation; create a new plan for another one.")
        if definition == current.definition:
            raise ValidationError(f"Nothing in {current.title} was changed, so no new revision was made.")
        return _store(session, definition, current)


def export_plans(factory: sessionmaker[Session], plan_ids: list[uuid.UUID] | None = None) -> str:
    """The given plans (default: every current plan) as readable JSON."""
    with factory() as session:
        plans = (read_plans(session, InspectionPlan.active.is_(True)) if plan_ids is None else
                 read_plans(session, InspectionPlan.id.in_(plan_ids)))
    return plans_to_json([(plan.definition, plan.revision) for plan in plans])


def import_plans(factory: sessionmaker[Session], actor: Actor, text: str, *, reason: str) -> list[ImportedPlan]:
    """Import plans from JSON, all or nothing: a new plan is created, a changed one revised, an identical one
    left as it is."""
    definitions = plans_from_json(text)
    reason = _required_reason(reason)
    keys = [_key(d) for d in definitions]
    twice = sorted({d.title for d, key in zip(definitions, keys) if keys.count(key) > 1})
    if twice:
        raise ValidationError(f"The plan file holds more than one plan for {', '.join(twice)}; keep one each.")
    imported: list[ImportedPlan] = []
    with unit_of_work(factory, actor, Action.EDIT_PLANS, reason=reason) as session:
        for definition in definitions:
            existing = _plans_for(session, definition)
            newest = existing[0] if existing else None
            if newest is not None and newest.active and newest.definition == definition:
                imported.append(ImportedPlan(newest, "unchanged"))
            else:
                imported.append(ImportedPlan(_store(session, definition, newest),
                                             "revised" if newest else "created"))
    return imported


def _key(definition: PlanDefinition) -> tuple[str, str, str, int | None]:
    return (definition.part_number, definition.part_revision, definition.plan_type.value,
            definition.operation_seq)


def _required_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError("Say why the plan changes: a new revision needs a reason for the audit trail.")
    return reason.strip()


def _resolve(session: Session, definition: PlanDefinition) -> tuple[uuid.UUID, uuid.UUID | None]:
    """The part definition and the operation (in the part's active route) a definition names."""
    part_id = session.scalar(select(PartDefinition.id).where(PartDefinition.part_number == definition.part_number,
                                                             PartDefinition.revision == definition.part_revision))
    if part_id is None:
        raise NotFound(f"There is no part {definition.part_number} rev {definition.part_revision}; check the "
                       "part number and revision, or create the part first.")
    if definition.operation_seq is None:
        return part_id, None
    operation_id = session.scalar(
        select(Operation.id).join(Route, Operation.route_id == Route.id)
        .where(Route.part_id == part_id, Route.active.is_(True), Operation.seq == definition.operation_seq))
    if operation_id is None:
        raise NotFound(f"{definition.part_number} rev {definition.part_revision} has no operation "
                       f"{definition.operation_seq} in its active route; check the operation number.")
    return part_id, operation_id


def _plans_for(session: Session, definition: PlanDefinition) -> list[PlanView]:
    """Every revision of the plan a definition names, newest first."""
    part_id, operation_id = _resolve(session, definition)
    operation = (InspectionPlan.operation_id.is_(None) if operation_id is None else
                 InspectionPlan.operation_id == operation_id)
    return read_plans(session, InspectionPlan.part_id == part_id, InspectionPlan.plan_type == definition.plan_type,
                      operation)


def _store(session: Session, definition: PlanDefinition, newest: PlanView | None) -> PlanView:
    """Write `definition` as the revision after `newest` (or as the first) and retire `newest`."""
    if newest is None:
        part_id, operation_id = _resolve(session, definition)
    else:
        part_id, operation_id = newest.part_id, newest.operation_id
        if newest.active and not update_if(session, InspectionPlan, newest.id, InspectionPlan.active.is_(True),
                                           {"active": True}, {"active": False}):
            raise Conflict(f"Someone else revised {newest.title} a moment ago; nothing of yours was saved. "
                           "Open the newest revision and make your change there.")
    plan = InspectionPlan(id=uuid7(), part_id=part_id, operation_id=operation_id,
                          plan_type=definition.plan_type, revision=newest.revision + 1 if newest else 1,
                          sample_size=definition.sample_size, frequency=definition.frequency,
                          sampling=definition.sampling.column(), active=True)
    session.add(plan)
    session.flush()  # the plan row first: characteristics refer to it
    rows = [Characteristic(
        id=uuid7(), plan_id=plan.id, seq=SEQ_STEP * index, name=c.name, kind=c.kind,
        classification=c.classification, nominal=c.nominal, lower_limit=c.lower_limit, upper_limit=c.upper_limit,
        unit=c.unit, decimals=c.decimals, gauge_type=c.gauge_type)
        for index, c in enumerate(definition.characteristics, start=1)]
    session.add_all(rows)
    session.flush()
    session.add_all(CharacteristicDefectCode(characteristic_id=row.id, seq=SEQ_STEP * index, code=code.code,
                                             description=code.description)
                    for row, c in zip(rows, definition.characteristics)
                    for index, code in enumerate(c.defect_codes, start=1))
    session.flush()
    return read_plan(session, plan.id)
