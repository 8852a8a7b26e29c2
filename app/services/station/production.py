"""New items out of existing ones: serialising N units for a work order or from a lot, splitting a lot into
child lots, merging lots into one. The genealogy follows each; 10,000 serials go in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.models import GenealogyLink, Item, ItemStatus, PartDefinition, Tracking
from app.models.base import utcnow
from app.services.permissions import Action, Actor
from app.services.scope import require_at
from app.services.station import checks, scan
from app.services.station.bulk import insert_audited
from app.services.station.consume import bom_lines, take
from app.services.station.errors import InvalidRequest, WrongPart
from app.services.station.handling import common_origin, handling_step
from app.services.station.locks import claim_write_lock, lock_items
from app.services.station.numbering import document_number, new_serials, next_number, numbered
from app.services.station.route import route_id
from app.services.station.views import ItemRef, ItemView, Produced, SerializeRequest
from app.services.unit_of_work import unit_of_work

MAX_SERIALS = 100_000
SPLIT_WIDTH = 2  # GR-26-00004-01 …; at most 99 child lots per lot, more would break the fixed width


def serialize(factory: sessionmaker[Session], actor: Actor, request: SerializeRequest) -> Produced:
    checks.require_person(actor)
    if not 1 <= request.count <= MAX_SERIALS:
        raise InvalidRequest(f"{request.count} serials cannot be made at once. Make between 1 and "
                             f"{MAX_SERIALS:,}.")
    now = utcnow()
    with unit_of_work(factory, actor, Action.RECORD_STEP) as session:
        claim_write_lock(session)
        order = scan.work_order(session, request.work_order) if request.work_order else None
        source = scan.item(session, request.source) if request.source is not None else None
        station = scan.station(session, request.station) if request.station else None
        require_at(session, actor, Action.RECORD_STEP, station)
        if source is not None:
            lock_items(session, [source.id])  # rows first, number series second: the same order everywhere
        if order is not None:
            part = session.get_one(PartDefinition, order.part_id)
            checks.require_work_order_open(order)
        elif source is not None:
            part = scan.part(session, source)
        else:
            raise InvalidRequest("Scan the work order the serials are for, or the lot they are made from.")
        if part.tracking is not Tracking.SERIAL:
            raise InvalidRequest(f"{part.part_number} is tracked by lot, not by serial. Split the lot "
                                 "instead.")
        each = _quantity_each(session, source, part, request, checks.local_day(now)) if source is not None else 0.0
        order_id = order.id if order is not None else None
        prefix = request.prefix or f"{part.part_number}-"
        codes = new_serials(session, part.id, prefix, request.count)
        # Made to a route, a serial is in process until its last operation passes; without one it is done.
        status = ItemStatus.IN_PROCESS if route_id(session, part.id, order_id) else ItemStatus.RELEASED
        origin: dict[str, Any] = {}
        if source is not None and source.part_id == part.id:
            origin = common_origin([source])  # unitising a lot: the serials are the same material
        rows = [{"id": uuid.uuid4(), "part_id": part.id, "code": code, "is_serial": True, "quantity": 1.0,
                 "initial_quantity": 1.0, "status": status, "work_order_id": order_id, "created_at": now, **origin}
                for code in codes]
        made = f"{request.count} serials of {part.part_number} made: {codes[0]} … {codes[-1]}."
        step_id = None
        if source is not None:
            total = round(each * request.count, 6)
            step_id = handling_step(session, actor, source, station=station, quantity=total, now=now,
                                    notes=f"Serialised {made}").id
            take(source, total)
            made += (f" Used {total:g} {scan.part(session, source).unit} of {scan.label(session, source)} "
                     f"({source.quantity:g} left).")
        insert_audited(session, Item, rows)
        if source is not None:
            insert_audited(session, GenealogyLink, [
                {"id": uuid.uuid4(), "parent_item_id": source.id, "child_item_id": row["id"],
                 "quantity": each, "step_id": step_id} for row in rows])
        session.flush()
        created = tuple(ItemView(id=row["id"], code=row["code"], part_number=part.part_number,
                                 revision=part.revision, description=part.description, is_serial=True,
                                 quantity=1.0, unit=part.unit, status=status, created_at=row["created_at"])
                        for row in rows)
        return Produced(sources=(scan.view(session, source),) if source is not None else (), created=created,
                        step_id=step_id, message=made)


def _quantity_each(session: Session, source: Item, part: PartDefinition, request: SerializeRequest,
                   today: date) -> float:
    """What each serial takes from `source`: given, else 1 of the same part or the BOM quantity."""
    if source.is_serial:
        raise InvalidRequest(f"{scan.label(session, source)} is a serial already. Serials are made from "
                             "a lot.")
    checks.require_status(session, source, checks.AVAILABLE, doing="used", today=today)
    if source.part_id == part.id:
        default = 1.0
    else:
        line = checks.require_in_bom(session, source, part, None, bom_lines(session, part, None))
        default = line.quantity_per
    each = default if request.quantity_each is None else request.quantity_each
    if each <= checks.EPSILON:
        raise InvalidRequest(f"Each serial must take more than nothing from {scan.label(session, source)}. "
                             "Enter the quantity per serial.")
    checks.require_quantity(session, source, round(each * request.count, 6))
    return each


def split(factory: sessionmaker[Session], actor: Actor, lot: ItemRef, quantities: Sequence[float], *,
          station: str | None = None) -> Produced:
    """Child lots of the given quantities; what is left stays on the parent (consumed when nothing is)."""
    checks.require_person(actor)
    if not quantities:
        raise InvalidRequest("Enter the quantity of each new lot.")
    now = utcnow()
    with unit_of_work(factory, actor, Action.RECORD_STEP) as session:
        claim_write_lock(session)
        parent = scan.item(session, lot)
        place = scan.station(session, station) if station else None
        require_at(session, actor, Action.RECORD_STEP, place)
        lock_items(session, [parent.id])
        name = scan.label(session, parent)
        if parent.is_serial:
            raise InvalidRequest(f"{name} is a serial, one piece: it cannot be split.")
        checks.require_status(session, parent, checks.AVAILABLE, doing="split", today=checks.local_day(now))
        if any(quantity <= checks.EPSILON for quantity in quantities):
            raise InvalidRequest(f"Every new lot split from {name} needs a quantity above zero.")
        total = round(sum(quantities), 6)
        checks.require_quantity(session, parent, total)
        prefix = f"{parent.code}-"
        first = next_number(session, Item.code, prefix, SPLIT_WIDTH, Item.part_id == parent.part_id)
        if first - 1 + len(quantities) >= 10 ** SPLIT_WIDTH:
            raise InvalidRequest(f"{name} cannot be split into more than {10 ** SPLIT_WIDTH - 1} lots in "
                                 "all. Merge some of them first, or split one of its child lots.")
        origin = common_origin([parent])
        codes = numbered(prefix, first, len(quantities), SPLIT_WIDTH)
        children = [Item(id=uuid.uuid4(), part_id=parent.part_id, code=code, is_serial=False,
                         quantity=quantity, initial_quantity=quantity, status=parent.status,
                         work_order_id=parent.work_order_id, **origin)
                    for code, quantity in zip(codes, quantities, strict=True)]
        unit = scan.part(session, parent).unit
        into = ", ".join(f"{child.code} ({child.quantity:g} {unit})" for child in children)
        step = handling_step(session, actor, parent, station=place, quantity=total, now=now,
                             notes=f"Split into {into}")
        session.add_all(children)
        take(parent, total)
        session.flush()  # the children exist before the links that point at them
        session.add_all(GenealogyLink(parent_item_id=parent.id, child_item_id=child.id,
                                      quantity=child.quantity, step_id=step.id) for child in children)
        return _produced(session, [parent], children, step.id,
                         f"{name} split into {into}; {parent.quantity:g} {unit} left on it.")


def merge(factory: sessionmaker[Session], actor: Actor, lots: Sequence[ItemRef], *,
          station: str | None = None) -> Produced:
    """One new lot holding all of each of `lots` (one part); the lots merged are consumed."""
    checks.require_person(actor)
    now = utcnow()
    with unit_of_work(factory, actor, Action.RECORD_STEP) as session:
        claim_write_lock(session)
        sources = scan.items(session, lots)
        place = scan.station(session, station) if station else None
        require_at(session, actor, Action.RECORD_STEP, place)
        if len(sources) < 2:
            raise InvalidRequest("Scan at least two lots to merge them.")
        lock_items(session, [source.id for source in sources])
        part = scan.part(session, sources[0])
        today = checks.local_day(now)
        for source in sources:
            name = scan.label(session, source)
            if source.is_serial:
                raise InvalidRequest(f"{name} is a serial, one piece: only lots can be merged.")
            if source.part_id != part.id:
                raise WrongPart(f"{name} is not a {part.part_number}: only lots of one part can be merged. "
                                "Take it out of this merge.")
            checks.require_status(session, source, checks.AVAILABLE, doing="merged", today=today)
            checks.require_quantity(session, source, source.quantity)
        total = round(sum(source.quantity for source in sources), 6)
        orders = {source.work_order_id for source in sources}
        merged = Item(id=uuid.uuid4(), part_id=part.id, code=document_number(session, Item.code, "SM", now),
                      is_serial=False, quantity=total, initial_quantity=total, status=ItemStatus.RELEASED,
                      work_order_id=orders.pop() if len(orders) == 1 else None, **common_origin(sources))
        session.add(merged)
        session.flush()
        codes = ", ".join(source.code for source in sources)
        step = handling_step(session, actor, merged, station=place, quantity=total, now=now,
                             notes=f"Merged {codes} into {merged.code}")
        session.add_all(GenealogyLink(parent_item_id=source.id, child_item_id=merged.id,
                                      quantity=source.quantity, step_id=step.id) for source in sources)
        for source in sources:
            take(source, source.quantity)
        return _produced(session, sources, [merged], step.id,
                         f"Lots {codes} merged into lot {merged.code} ({total:g} {part.unit}).")


def _produced(session: Session, sources: list[Item], created: list[Item], step_id: uuid.UUID, message: str
              ) -> Produced:
    session.flush()
    return Produced(sources=tuple(scan.view(session, item) for item in sources),
                    created=tuple(scan.view(session, item) for item in created), step_id=step_id,
                    message=message)

