"""What the Inspection page asks the worker thread to do: find the scanned item and the plans that apply to
it, open or load a record's form (with the nonconformances its signature opened, whether the item is due, and
the item's other records), save one entry, confirm a failed one, sign, review and correct. Plain functions over
the services, no Qt; they run off the GUI thread."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session, sessionmaker

from app.services.errors import ValidationError
from app.services.inspection import (
    Confirmed,
    Meaning,
    NonconformanceView,
    PlanView,
    RecordForm,
    RecordSummary,
    RecordVersion,
    SamplingDecision,
    Saved,
    SignOutcome,
    confirm_value,
    correct_record,
    inspection_due,
    list_nonconformances,
    load_form,
    open_record,
    plans_for_item,
    record_value,
    records_for_item,
    review_record,
    sign_record,
)
from app.services.inspection.views import Entry
from app.services.lookup import item_history, lookup
from app.services.lookup_views import ItemSummary, LookupResult
from app.services.permissions import Actor


@dataclass(frozen=True)
class ItemAnswer:
    """What a scan named: one item and its current plans, several items to pick from, or nothing."""

    result: LookupResult
    plans: tuple[PlanView, ...] = ()

    @property
    def item(self) -> ItemSummary | None:
        return self.result.items[0] if self.result.history is not None else None


@dataclass(frozen=True)
class FormAnswer:
    """A record as the form shows it; once signed, with the nonconformances it opened."""

    form: RecordForm
    nonconformances: tuple[NonconformanceView, ...] = ()
    outcome: SignOutcome | None = None  # set right after signing
    sampling: SamplingDecision | None = None  # whether the item is due, and its sample; for an open record
    records: tuple[RecordSummary, ...] = ()  # every record of the item, newest first
    rescanned: bool = False  # a signed record shown because the item was scanned again


def find_item(factory: sessionmaker[Session], text: str) -> ItemAnswer:
    result = lookup(factory, text)
    if result.history is None:
        return ItemAnswer(result)
    return ItemAnswer(result, tuple(plans_for_item(factory, result.history.item.id)))


def item_plans(factory: sessionmaker[Session], item_id: uuid.UUID) -> ItemAnswer:
    """The same answer for an item picked from a list."""
    history = item_history(factory, item_id)
    result = LookupResult(query=history.item.code, heading=history.item.title, items=(history.item,), total=1,
                          history=history)
    return ItemAnswer(result, tuple(plans_for_item(factory, item_id)))


def open_form(factory: sessionmaker[Session], actor: Actor, item_id: uuid.UUID, plan: PlanView) -> FormAnswer:
    """The item's unsigned record of `plan`'s inspection, or a new one. An item already inspected there and
    signed shows that record instead: scanning it again is far more often a look, a review or a correction than
    a second inspection, which `inspect_again` starts on purpose."""
    records = records_for_item(factory, item_id)
    same = [r for r in records if r.plan_type is plan.plan_type and r.operation_seq == plan.operation_seq]
    if same and all(r.signed for r in same):
        newest = next(r for r in same if r.corrected_by is None)  # a chain of corrections ends in one
        return replace(load(factory, newest.id), rescanned=True)
    return inspect_again(factory, actor, item_id, plan)


def inspect_again(factory: sessionmaker[Session], actor: Actor, item_id: uuid.UUID, plan: PlanView) -> FormAnswer:
    """A new record on the current plan of `plan`'s inspection (or the unsigned one there is)."""
    form = open_record(factory, actor, item_id, plan.plan_type, operation_id=plan.operation_id)
    return FormAnswer(form, sampling=_sampling(factory, form), records=tuple(records_for_item(factory, item_id)))


def load(factory: sessionmaker[Session], record_id: uuid.UUID) -> FormAnswer:
    form = load_form(factory, record_id)
    ncrs = () if form.editable else tuple(list_nonconformances(factory, record_id=record_id))
    return FormAnswer(form, ncrs, sampling=_sampling(factory, form),
                      records=tuple(records_for_item(factory, form.item_id)))


def _sampling(factory: sessionmaker[Session], form: RecordForm) -> SamplingDecision | None:
    """Whether the item is due, for a record still being filled in; a signed one is past that question."""
    if not form.editable:
        return None
    try:
        return inspection_due(factory, form.item_id, form.plan.id)
    except ValidationError:
        return None  # a lot the table no longer covers: its record has its sample, the form can do without


def save_entry(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID, characteristic_id: uuid.UUID,
               entry: Entry, *, version: RecordVersion, replaces: uuid.UUID | None,
               confirmed: bool) -> Saved:
    return record_value(factory, actor, record_id, characteristic_id, entry, version=version, replaces=replaces,
                        confirmed=confirmed)


def confirm(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID, measurement_id: uuid.UUID, *,
            version: RecordVersion) -> Confirmed:
    return confirm_value(factory, actor, record_id, measurement_id, version=version)


def sign(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID, *, password: str,
         meaning: Meaning, version: RecordVersion) -> FormAnswer:
    """Sign as inspected (the record locks) or, for a signed record, as reviewed; then the form as it is now."""
    if meaning is Meaning.REVIEWED:
        outcome = review_record(factory, actor, record_id, password=password)
    else:
        outcome = sign_record(factory, actor, record_id, password=password, version=version)
    return replace(load(factory, record_id), outcome=outcome)


def correct(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID, *, reason: str) -> FormAnswer:
    form = correct_record(factory, actor, record_id, reason=reason)
    return FormAnswer(form, sampling=_sampling(factory, form), records=tuple(records_for_item(factory, form.item_id)))
