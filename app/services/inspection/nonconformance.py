"""Nonconformances from inspection: signing a failed result opens one per failing reading and holds the item;
a quality engineer's disposition records the decision and releases, reworks, scraps or returns the item; a
passed receiving inspection releases a quarantined lot."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import ColumnElement, exists, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    AuditEvent,
    CharacteristicKind,
    Disposition,
    GenealogyLink,
    Item,
    ItemStatus,
    Nonconformance,
    NonconformanceStatus,
    PlanType,
    User,
    nonconformance_items,
)
from app.models.base import utcnow, uuid7
from app.services.audit import event_row
from app.services.errors import Conflict, NotFound, ValidationError
from app.services.inspection.guard import database_now, update_if
from app.services.inspection.views import NonconformanceView, RecordForm, Slot
from app.services.permissions import Action, Actor, require
from app.services.unit_of_work import unit_of_work

_HOLDABLE = {ItemStatus.RELEASED, ItemStatus.QUARANTINED, ItemStatus.IN_PROCESS}
OPEN, CLOSED = NonconformanceStatus.OPEN, NonconformanceStatus.CLOSED
# What each decision does to a held item, and whether that ends the nonconformance: rework and a return to
# the supplier still have work to do after the decision.
OUTCOME = {
    Disposition.USE_AS_IS: (ItemStatus.RELEASED, CLOSED),
    Disposition.REWORK: (ItemStatus.RELEASED, NonconformanceStatus.DISPOSITIONED),
    Disposition.SCRAP: (ItemStatus.SCRAPPED, CLOSED),
    Disposition.RETURN_TO_SUPPLIER: (ItemStatus.QUARANTINED, NonconformanceStatus.DISPOSITIONED),
}
_NUMBER_ATTEMPTS = 5


def settle(session: Session, signer: Actor, form: RecordForm) -> tuple[tuple[str, ...], ItemStatus]:
    """The consequences of signing `form` as inspected, in the signing transaction: the numbers of the
    nonconformances opened and the item's status afterwards."""
    # Row locks (PostgreSQL; SQLite already serialises on the first write): a station consuming the item at
    # this moment finishes first, and the status below is decided on what it left.
    item = session.get_one(Item, form.item_id, with_for_update=True)
    receiving = form.plan.plan_type is PlanType.RECEIVING
    items = [item, *_received_as(session, item)] if receiving else [item]
    # A failure carried over unchanged into a correction already has its nonconformance from the old version.
    opened = tuple(_open(session, signer, form, items, slot) for slot in form.failed
                   if slot.current is not None and slot.current.carried_from is None)
    if opened:
        for held in items:
            if held.status in _HOLDABLE:
                held.status = ItemStatus.ON_HOLD
    elif receiving and not form.failed:
        require(signer, Action.RELEASE_HOLD)
        for released in items:
            if released.status is ItemStatus.QUARANTINED:
                released.status = ItemStatus.RELEASED
    return opened, item.status


def disposition_nonconformance(factory: sessionmaker[Session], actor: Actor, ncr_id: uuid.UUID,
                               decision: Disposition, *, note: str) -> NonconformanceView:
    """Decide what happens to a nonconformance's items. A held item is released (use as is; rework), scrapped
    or quarantined for the return to its supplier; it stays on hold while another nonconformance is open."""
    note = note.strip()
    if not note:
        raise ValidationError("Write down why: a disposition needs a note (concession, rework instruction, "
                              "reason for scrap or return).")
    with unit_of_work(factory, actor, Action.DISPOSITION_NCR, reason=note) as session:
        ncr = session.get(Nonconformance, ncr_id)
        if ncr is None:
            raise NotFound("That nonconformance no longer exists; reload the list.")
        if ncr.status is not OPEN:
            raise Conflict(f"{ncr.number} has already been dispositioned; nothing was changed.")
        item_status, status = OUTCOME[decision]
        closed_at = database_now(session) if status is CLOSED else None
        if not update_if(session, Nonconformance, ncr.id, Nonconformance.status == OPEN,
                         {"status": OPEN, "disposition": None, "closed_at": None},
                         {"status": status, "disposition": decision, "closed_at": closed_at}):
            raise Conflict(f"Someone else dispositioned {ncr.number} a moment ago; nothing of yours was saved. "
                           "Reload it to see their decision.")
        held = session.scalars(select(Item).join(nonconformance_items).where(
            nonconformance_items.c.nonconformance_id == ncr.id, Item.status == ItemStatus.ON_HOLD)
            .with_for_update(of=Item)).all()
        for item in held:
            if item_status is ItemStatus.SCRAPPED or not _held_elsewhere(session, item.id, ncr.id):
                item.status = item_status
        session.flush()
        return read_nonconformances(session, Nonconformance.id == ncr.id)[0]


def list_nonconformances(factory: sessionmaker[Session], *, open_only: bool = False,
                         item_id: uuid.UUID | None = None,
                         record_id: uuid.UUID | None = None) -> list[NonconformanceView]:
    where: list[ColumnElement[bool]] = []
    if open_only:
        where.append(Nonconformance.status == OPEN)
    if item_id is not None:
        where.append(Nonconformance.id.in_(select(nonconformance_items.c.nonconformance_id)
                                           .where(nonconformance_items.c.item_id == item_id)))
    if record_id is not None:
        where.append(Nonconformance.inspection_record_id == record_id)
    with factory() as session:
        return read_nonconformances(session, *where)


def read_nonconformances(session: Session, *where: ColumnElement[bool]) -> list[NonconformanceView]:
    """Nonconformances with their items and decisions, oldest first, in three queries."""
    rows = session.execute(select(Nonconformance, User.full_name)
                           .join(User, Nonconformance.opened_by_id == User.id)
                           .where(*where).order_by(Nonconformance.opened_at, Nonconformance.number)).all()
    ids = [ncr.id for ncr, _ in rows]
    items: dict[uuid.UUID, list[tuple[str, ItemStatus]]] = defaultdict(list)
    for ncr_id, code, status in session.execute(
            select(nonconformance_items.c.nonconformance_id, Item.code, Item.status)
            .join(Item, nonconformance_items.c.item_id == Item.id)
            .where(nonconformance_items.c.nonconformance_id.in_(ids)).order_by(Item.code)):
        items[ncr_id].append((code, status))
    # Who decided, when and why are in the audit row of the disposition until the table has columns for them.
    decided: dict[str, tuple[str, AuditEvent]] = {}
    for event, name in session.execute(
            select(AuditEvent, func.coalesce(User.full_name, AuditEvent.username))
            .outerjoin(User, AuditEvent.user_id == User.id)
            .where(AuditEvent.table_name == Nonconformance.__tablename__, AuditEvent.action == "update",
                   AuditEvent.row_id.in_([str(i) for i in ids])).order_by(AuditEvent.id)):
        if event.row_id and event.new_values and event.new_values.get("disposition"):
            decided[event.row_id] = (name, event)
    views = []
    for ncr, opened_by in rows:
        name, event = decided.get(str(ncr.id), (None, None))
        views.append(NonconformanceView(
            ncr.id, ncr.number, ncr.description, ncr.defect_code, ncr.status, ncr.disposition, ncr.opened_at,
            opened_by, ncr.inspection_record_id, tuple(items[ncr.id]), name,
            event.occurred_at if event else None, event.reason if event else None))
    return views


def _received_as(session: Session, lot: Item) -> list[Item]:
    """The serials a delivery was received as (goods in serialises them from the lot): they wait in quarantine
    until the lot's receiving inspection, and share its outcome."""
    return list(session.scalars(select(Item).join(GenealogyLink, GenealogyLink.child_item_id == Item.id)
                                .where(GenealogyLink.parent_item_id == lot.id,
                                       Item.status == ItemStatus.QUARANTINED)
                                .order_by(Item.code).with_for_update(of=Item)))


def _open(session: Session, signer: Actor, form: RecordForm, items: list[Item], slot: Slot) -> str:
    for _ in range(_NUMBER_ATTEMPTS):
        ncr = Nonconformance(id=uuid7(), number=_next_number(session), description=_describe(form, slot),
                             defect_code=slot.current.defect_code if slot.current else None, status=OPEN,
                             inspection_record_id=form.id, opened_by_id=signer.user_id)
        try:
            with session.begin_nested():
                session.add(ncr)
                session.flush()
        except IntegrityError:
            continue  # another bench took the number between our look and our insert: take the next one
        session.execute(insert(nonconformance_items),
                        [{"nonconformance_id": ncr.id, "item_id": item.id} for item in items])
        # A Core insert passes the flush hook by; the links are part of the trail all the same.
        session.add_all(AuditEvent(**event_row(
            signer, "create", table=nonconformance_items.name, row_id=str(ncr.id),
            new={"nonconformance_id": str(ncr.id), "item_id": str(item.id)})) for item in items)
        return ncr.number
    raise Conflict("Several benches opened nonconformances at the same moment and no number was free; nothing "
                   "was signed. Sign again.")


def _next_number(session: Session) -> str:
    """`NCR-26-0042`: the year's next number (by length first, so 10000 sorts after 9999)."""
    prefix = f"NCR-{utcnow():%y}-"
    last = session.scalar(select(Nonconformance.number).where(Nonconformance.number.like(f"{prefix}%"))
                          .order_by(func.length(Nonconformance.number).desc(), Nonconformance.number.desc())
                          .limit(1))
    suffix = last[len(prefix):] if last else ""
    return f"{prefix}{int(suffix) + 1 if suffix.isdigit() else 1:04d}"


def _describe(form: RecordForm, slot: Slot) -> str:
    """What was found, on which characteristic, the value against the limits, and where."""
    c, m = slot.characteristic, slot.current
    assert m is not None
    readings = form.readings_of(c)
    which = f" (reading {slot.index + 1} of {readings})" if readings > 1 else ""
    gauge = f" with {m.gauge_code}" if m.gauge_code else ""
    if c.kind is CharacteristicKind.VARIABLE and m.value is not None:
        found = (f"{c.tolerance.format(m.value)} measured{gauge}{which}, outside the limits "
                 f"{c.tolerance.describe()}")
    else:
        found = f"failed{gauge}, defect {m.defect_code}"
    return f"{form.item_code}: {c.name} {found}; {form.plan.title}."[:500]


def _held_elsewhere(session: Session, item_id: uuid.UUID, ncr_id: uuid.UUID) -> bool:
    return bool(session.scalar(select(exists().where(
        nonconformance_items.c.item_id == item_id, nonconformance_items.c.nonconformance_id != ncr_id,
        nonconformance_items.c.nonconformance_id == Nonconformance.id, Nonconformance.status == OPEN))))
