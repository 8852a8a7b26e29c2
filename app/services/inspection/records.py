"""Filling in an inspection form: open a record for an item against the current plan, enter values (typed or
from a gauge whose type and calibration are checked), re-measure them or confirm a failed one as right, every
write guarded against a concurrent one on the same record."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    Characteristic,
    Equipment,
    EquipmentStatus,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    Item,
    ItemStatus,
    Measurement,
    Operation,
    PartDefinition,
    PlanType,
    User,
)
from app.models.base import utcnow, uuid7
from app.services.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.services.inspection.due import decide
from app.services.inspection.forms import read_form
from app.services.inspection.guard import SIGNED_READ_ONLY, RecordSigned, database_now, update_if
from app.services.inspection.plans import read_characteristic, read_plan, read_plans
from app.services.inspection.tolerance import (
    Evaluation,
    Tolerance,
    evaluate_attribute,
    evaluate_reading,
    evaluate_text,
)
from app.services.inspection.views import (
    AttributeResult,
    CharacteristicView,
    Confirmed,
    Entry,
    GaugeReading,
    GaugeView,
    MeasurementView,
    PlanView,
    RecordForm,
    RecordVersion,
    Saved,
    TypedValue,
    readings_per_record,
)
from app.services.permissions import Action, Actor
from app.services.unit_of_work import unit_of_work

_NOT_INSPECTABLE = {ItemStatus.SCRAPPED: "is scrapped", ItemStatus.SHIPPED: "has been shipped",
                    ItemStatus.CONSUMED: "has been consumed"}


class GaugeRefused(ValidationError):
    """The gauge may not be used for this characteristic: wrong type, out of service or calibration due."""


class ImplausibleValue(ValidationError):
    """The value is so far from the tolerance that it is probably a slip; submit it again with `confirmed`."""


def plans_for_item(factory: sessionmaker[Session], item_id: uuid.UUID) -> list[PlanView]:
    """The current plans of the item's part, for the form's choice of inspection."""
    with factory() as session:
        part_id = session.scalar(select(Item.part_id).where(Item.id == item_id))
        if part_id is None:
            raise NotFound("That item no longer exists; scan it again.")
        return read_plans(session, InspectionPlan.part_id == part_id, InspectionPlan.active.is_(True))


def open_record(factory: sessionmaker[Session], actor: Actor, item_id: uuid.UUID, plan_type: PlanType, *,
                operation_id: uuid.UUID | None = None, step_id: uuid.UUID | None = None) -> RecordForm:
    """The form for inspecting `item` against the current plan of its part for `plan_type` (at `operation_id`
    when the part has such plans at several operations). An unsigned record of the item on that plan is
    resumed rather than a second one started."""
    if actor.user_id is None:
        raise PermissionDenied("An inspection record names its inspector: log in as a person to inspect.")
    with unit_of_work(factory, actor, Action.INSPECT) as session:
        item = session.get(Item, item_id)
        if item is None:
            raise NotFound("That item no longer exists; scan it again.")
        # A delivery received as serials is a used-up lot, and still the one its receiving inspection is about.
        if item.status in _NOT_INSPECTABLE and not (plan_type is PlanType.RECEIVING
                                                    and item.status is ItemStatus.CONSUMED):
            raise ValidationError(f"{item.code} {_NOT_INSPECTABLE[item.status]}; it cannot be inspected any more.")
        plan_id = _current_plan(session, item, plan_type, operation_id)
        record_id = session.scalar(
            select(InspectionRecord.id)
            .where(InspectionRecord.item_id == item.id, InspectionRecord.plan_id == plan_id,
                   InspectionRecord.signed_at.is_(None))
            .order_by(InspectionRecord.inspected_at.desc()).limit(1))
        if record_id is None:
            record_id = uuid7()
            # The sample is fixed now: a lot's by its size, otherwise the plan's.
            sample_size = decide(session, item, read_plan(session, plan_id)).readings
            session.add(InspectionRecord(id=record_id, plan_id=plan_id, item_id=item.id, step_id=step_id,
                                         inspector_id=actor.user_id, inspected_at=utcnow(),
                                         result=InspectionResult.OPEN, sample_size=sample_size))
            session.flush()
        return read_form(session, record_id)


def record_value(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID,
                 characteristic_id: uuid.UUID, entry: Entry, *, version: RecordVersion,
                 replaces: uuid.UUID | None = None, confirmed: bool = False) -> Saved:
    """Save one reading into an empty slot, or, with `replaces`, a re-measure of that reading (the old one
    is kept and points to the new one). An implausible value needs `confirmed`. Raises Conflict when the
    record changed since `version`, RecordSigned when it is signed, GaugeRefused for an unusable gauge."""
    with unit_of_work(factory, actor, Action.INSPECT) as session:
        new_version = claim(session, record_id, version)
        row = session.execute(
            select(Characteristic, func.coalesce(InspectionRecord.sample_size, InspectionPlan.sample_size))
            .join(InspectionRecord, InspectionRecord.plan_id == Characteristic.plan_id)
            .join(InspectionPlan, InspectionPlan.id == Characteristic.plan_id)
            .where(Characteristic.id == characteristic_id, InspectionRecord.id == record_id)).first()
        if row is None:
            raise NotFound("That characteristic is not on this record's plan; reload the form.")
        characteristic = read_characteristic(session, row[0])
        # The gauge first: a value read from a gauge that may not be used means nothing, in or out of tolerance.
        gauge = usable_gauge(session, characteristic, entry.gauge) if entry.gauge else None
        evaluation = evaluate_entry(characteristic.tolerance, entry)
        if evaluation.implausible and not confirmed:
            raise ImplausibleValue(evaluation.message)
        readings = readings_per_record(characteristic.kind, row[1])
        previous = _slot_to_fill(session, record_id, characteristic, readings, replaces)
        measurement = Measurement(
            id=uuid7(), record_id=record_id, characteristic_id=characteristic.id,
            value=None if evaluation.value is None else float(evaluation.value), passed=evaluation.passed,
            defect_code=evaluation.defect_code, equipment_id=gauge.id if gauge else None, measured_at=utcnow())
        session.add(measurement)
        session.flush()  # the new reading must exist before the old one can point to it
        if previous is not None:
            previous.superseded_by_id = measurement.id
        return Saved(MeasurementView.of(measurement, gauge.code if gauge else None), evaluation, new_version)


def confirm_value(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID, measurement_id: uuid.UUID, *,
                  version: RecordVersion) -> Confirmed:
    """The inspector confirms a failed reading as right (rather than re-measuring it): who and when are stored
    with the reading, in the audit trail, and in what is signed. Raises Conflict when the record changed since
    `version`, RecordSigned when it is signed."""
    if actor.user_id is None:
        raise PermissionDenied("A confirmation names who made it: log in as a person to confirm a value.")
    with unit_of_work(factory, actor, Action.INSPECT) as session:
        new_version = claim(session, record_id, version)
        row = session.execute(select(Measurement, Characteristic.name, Equipment.code)
                              .join(Characteristic, Measurement.characteristic_id == Characteristic.id)
                              .outerjoin(Equipment, Measurement.equipment_id == Equipment.id)
                              .where(Measurement.id == measurement_id, Measurement.record_id == record_id)).first()
        if row is None:
            raise NotFound("That reading is not on this record any more; reload the form.")
        measurement, name, gauge_code = row
        if measurement.superseded_by_id is not None:
            raise ValidationError(f"That reading of {name} was re-measured; the new reading is the one to confirm "
                                  "or re-measure. Reload the form.")
        if measurement.passed:
            raise ValidationError(f"The reading of {name} is within its limits: there is nothing to confirm.")
        if measurement.confirmed_at is None:
            measurement.confirmed_by_id, measurement.confirmed_at = actor.user_id, database_now(session)
            session.flush()  # the audit row of the change goes with it
        confirmer = session.get_one(User, measurement.confirmed_by_id)
        return Confirmed(MeasurementView.of(measurement, gauge_code, confirmed_by=confirmer.full_name), new_version)


def evaluate_entry(tolerance: Tolerance, entry: Entry) -> Evaluation:
    """What the form shows for an entry before it is saved; the same judgement `record_value` stores."""
    if isinstance(entry, TypedValue):
        return evaluate_text(tolerance, entry.text)
    if isinstance(entry, GaugeReading):
        return evaluate_reading(tolerance, entry.value, entry.unit)
    if isinstance(entry, AttributeResult):
        return evaluate_attribute(tolerance, entry.passed, entry.defect_code)
    raise TypeError(f"not an inspection entry: {entry!r}")


def check_gauge(factory: sessionmaker[Session], characteristic_id: uuid.UUID, gauge_code: str) -> GaugeView:
    """Whether the gauge may measure the characteristic, asked when a gauge is picked or connected."""
    with factory() as session:
        characteristic = session.get(Characteristic, characteristic_id)
        if characteristic is None:
            raise NotFound("That characteristic no longer exists; reload the form.")
        gauge = usable_gauge(session, read_characteristic(session, characteristic), gauge_code)
        return GaugeView(gauge.id, gauge.code, gauge.name, gauge.calibration_due_on)


def usable_gauge(session: Session, characteristic: CharacteristicView, code: str) -> Equipment:
    gauge = session.scalar(select(Equipment).where(func.upper(Equipment.code) == code.strip().upper()))
    if gauge is None:
        raise NotFound(f"There is no gauge with the code {code.strip()}; check the label on the gauge.")
    named = f"{gauge.code} ({gauge.name})"
    if gauge.status is not EquipmentStatus.ACTIVE:
        raise GaugeRefused(f"{named} is {gauge.status.value.replace('_', ' ')}; it may not be used for "
                           "inspection. Take another gauge.")
    if characteristic.gauge_type and not _is_of_type(gauge, characteristic.gauge_type):
        raise GaugeRefused(f"The plan says {characteristic.name} is measured with: {characteristic.gauge_type}. "
                           f"{named} is not one; take a gauge of that type.")
    if gauge.calibration_due_on is None:
        raise GaugeRefused(f"{named} has no calibration on record; it may not be used for inspection until the "
                           "calibration lab records one.")
    if gauge.calibration_due_on < date.today():
        raise GaugeRefused(f"{named} was due for calibration on {gauge.calibration_due_on:%d %b %Y}; it may not "
                           "be used until it is recalibrated. Take another gauge and hand this one to the "
                           "calibration lab.")
    return gauge


def claim(session: Session, record_id: uuid.UUID, version: RecordVersion) -> RecordVersion:
    """Move the record to a new version if it is still unsigned and at `version`, else say why not. The
    first statement of every write to a record, so the reads after it see what the winner wrote."""
    # Strictly later than `version` even if the clock stands still or went back: a version never repeats.
    new_version = max(utcnow(), version + timedelta(microseconds=1))
    unchanged = (InspectionRecord.inspected_at == version) & InspectionRecord.signed_at.is_(None)
    if update_if(session, InspectionRecord, record_id, unchanged, {"inspected_at": version},
                 {"inspected_at": new_version}):
        return new_version
    row = session.execute(select(InspectionRecord.signed_at, Item.code)
                          .join(Item, InspectionRecord.item_id == Item.id)
                          .where(InspectionRecord.id == record_id)).first()
    if row is None:
        raise NotFound("That inspection record no longer exists; scan the item again to open its form.")
    if row.signed_at is not None:
        raise RecordSigned(SIGNED_READ_ONLY)
    raise Conflict(f"Someone else changed the inspection record of {row.code} since you opened it; nothing of "
                   "yours was saved. Reload the form to see their entries, then enter yours again.")


def _is_of_type(gauge: Equipment, gauge_type: str) -> bool:
    # Equipment has no gauge-type column yet: its name says what it is ("Digital caliper 0–150 mm").
    return gauge_type.casefold() in gauge.name.casefold()


def _current_plan(session: Session, item: Item, plan_type: PlanType, operation_id: uuid.UUID | None) -> uuid.UUID:
    query = (select(InspectionPlan.id, Operation.seq)
             .outerjoin(Operation, InspectionPlan.operation_id == Operation.id)
             .where(InspectionPlan.part_id == item.part_id, InspectionPlan.plan_type == plan_type,
                    InspectionPlan.active.is_(True)).order_by(Operation.seq))
    if operation_id is not None:
        query = query.where(InspectionPlan.operation_id == operation_id)
    plans = session.execute(query).all()
    if len(plans) == 1:
        return plans[0].id
    part = session.get_one(PartDefinition, item.part_id)
    kind = plan_type.value.replace("_", " ")
    if not plans:
        raise NotFound(f"There is no current {kind} inspection plan for {part.part_number} rev {part.revision}"
                       f"{' at that operation' if operation_id else ''}; ask a quality engineer to write one.")
    raise ValidationError(f"{part.part_number} rev {part.revision} has {kind} inspection plans at operations "
                          f"{', '.join(str(p.seq) for p in plans)}; choose the operation.")


def _slot_to_fill(session: Session, record_id: uuid.UUID, characteristic: CharacteristicView, readings: int,
                  replaces: uuid.UUID | None) -> Measurement | None:
    """The reading a re-measure replaces, or None for a new reading while the record still lacks some."""
    current = session.scalars(select(Measurement).where(
        Measurement.record_id == record_id, Measurement.characteristic_id == characteristic.id,
        Measurement.superseded_by_id.is_(None))).all()
    if replaces is None:
        if len(current) >= readings:
            raise ValidationError(f"{characteristic.name} already has its {readings} reading(s); re-measure one "
                                  "to replace it.")
        return None
    previous = next((m for m in current if m.id == replaces), None)
    if previous is None:
        raise ValidationError(f"The reading of {characteristic.name} to be re-measured is not a current reading "
                              "of this record; reload the form.")
    return previous
