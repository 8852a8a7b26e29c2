"""Sampling in the database: which items of a work order are due (every n-th, first-off, last-off), a lot's
sample by its size at the boundaries of the table, the record that keeps the sample it was opened with, and
the rule stored as readable JSON with the plan."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.models import (
    Classification,
    InspectionPlan,
    Item,
    ItemStatus,
    PartDefinition,
    PlanType,
    Tracking,
    WorkOrder,
    WorkOrderStatus,
)
from app.models.base import uuid7
from app.services.errors import ValidationError
from app.services.inspection import (
    CharacteristicDefinition,
    PlanDefinition,
    Sampling,
    TypedValue,
    create_plan,
    export_plans,
    import_plans,
    inspection_due,
    list_plans,
    load_form,
    load_plan,
    open_record,
    record_value,
    revise_plan,
)
from app.services.permissions import SYSTEM
from tests.inspection.conftest import BODY, FINAL, slot
from tests.inspection.test_specs import LEVEL_I

SEALS = "ORK-4711"
WIDTH, COUNT = "Cross-section", "Count and batch label"
SEAL_PLAN = PlanDefinition(SEALS, "B", PlanType.RECEIVING, None, (
    CharacteristicDefinition.variable(WIDTH, Classification.MINOR, unit="mm", decimals=2, nominal=2.62,
                                      tolerance=0.08),
    CharacteristicDefinition.attribute(COUNT, Classification.MINOR, "Visual")), sampling=LEVEL_I)


def _work_order(factory, part_id: uuid.UUID, number: str, quantity: int, made: int, *,
                status: WorkOrderStatus = WorkOrderStatus.IN_PROGRESS, same_time: bool = True) -> list[uuid.UUID]:
    """A work order for `quantity` bodies with `made` serials so far; made in one transaction (one time, as the
    station serialises them) or one second apart."""
    start = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        order = WorkOrder(id=uuid7(), number=number, part_id=part_id, quantity=quantity, status=status)
        session.add(order)
        session.flush()
        # Codes made in reverse order of creation would be a mistake to sort by; here they run with it.
        items = [Item(id=uuid7(), part_id=part_id, code=f"{number}-{n:03d}", is_serial=True, quantity=1,
                      initial_quantity=1, status=ItemStatus.IN_PROCESS, work_order_id=order.id,
                      created_at=start if same_time else start + timedelta(seconds=n))
                 for n in range(1, made + 1)]
        session.add_all(items)
    return [item.id for item in items]


def _lots(factory, sizes: list[float]) -> dict[float, uuid.UUID]:
    """Lots of the seal kit (the part made first), by size."""
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        part = PartDefinition(id=uuid7(), part_number=SEALS, revision="B", description="O-ring kit",
                              tracking=Tracking.LOT)
        session.add(part)
        session.flush()
        lots = {size: Item(id=uuid7(), part_id=part.id, code=f"OR-{index:04d}", is_serial=False, quantity=size,
                           initial_quantity=size, status=ItemStatus.QUARANTINED)
                for index, size in enumerate(sizes, start=1)}
        session.add_all(lots.values())
    return {size: lot.id for size, lot in lots.items()}


def _revise(factory, shop, sampling: Sampling):
    current = next(p for p in list_plans(factory) if p.plan_type is PlanType.FINAL)
    return revise_plan(factory, shop.engineer, current.id, replace(FINAL, sampling=sampling),
                       reason=f"Sampling: {sampling.describe()}")


@pytest.mark.parametrize("same_time", [True, False])
def test_every_nth_item_of_a_work_order_is_due_from_the_first(factory, shop, same_time):
    plan = _revise(factory, shop, Sampling.every_nth(5))
    items = _work_order(factory, shop.final.part_id, "WO-1042", 12, 12, same_time=same_time)
    decisions = [inspection_due(factory, item, plan.id) for item in items]
    assert [n for n, d in enumerate(decisions, start=1) if d.due] == [1, 6, 11]
    assert decisions[5].text == "6th item of WO-1042: due (every 5th item, from the 1st)"
    assert decisions[6].text == "7th item of WO-1042: not due (every 5th item; the next is the 11th)"
    assert (decisions[6].position, decisions[6].work_order, decisions[6].readings) == (7, "WO-1042", 1)
    # The shop's bodies belong to no work order: counted among the part's other such serials.
    assert inspection_due(factory, shop.spare, plan.id).text == \
        "2nd item without a work order: not due (every 5th item; the next is the 6th)"


def test_first_off_and_last_off_of_a_work_order(factory, shop):
    plan = _revise(factory, shop, Sampling.first_last())
    items = _work_order(factory, shop.final.part_id, "WO-1042", 12, 12)
    texts = [(d.due, d.text) for d in (inspection_due(factory, item, plan.id) for item in items)]
    assert texts[0] == (True, "First-off of WO-1042")
    assert texts[1] == (False, "2nd item of WO-1042: not due (only the first-off and last-off of each work "
                               "order)")
    assert texts[11] == (True, "Last-off of WO-1042 (12th item)")  # it makes the order's quantity full
    assert [due for due, _ in texts].count(True) == 2
    # A one-piece order: its only item is both.
    [single] = _work_order(factory, shop.final.part_id, "WO-1043", 1, 1)
    assert inspection_due(factory, single, plan.id).text == "First-off and last-off of WO-1043"
    # An order finished short of its quantity: its newest item was the last-off.
    short = _work_order(factory, shop.final.part_id, "WO-1044", 20, 7, status=WorkOrderStatus.COMPLETED)
    assert [inspection_due(factory, item, plan.id).due for item in short] == [True] + [False] * 5 + [True]
    # Codes made at one time count shorter ones first: the 9th before the 10th.
    made = _work_order(factory, shop.final.part_id, "WO-1045", 10, 10)
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        for n, item in enumerate(made, start=1):
            session.execute(update(Item).where(Item.id == item).values(code=f"WO-1045-{n}"))
    assert [inspection_due(factory, item, plan.id).position for item in made] == list(range(1, 11))
    # Last-off only; and an item of no work order is no first-off of one.
    last_only = _revise(factory, shop, Sampling.first_last(first=False))
    assert not inspection_due(factory, items[0], last_only.id).due
    assert inspection_due(factory, shop.body, last_only.id).text == (
        "VB-0001 belongs to no work order: not due (only the last-off of each work order)")


@pytest.mark.parametrize(("size", "sample", "text"), [
    (500, 20, "Lot of 500: sample 20"),
    (501, 32, "Lot of 501: sample 32"),
    (1200, 32, "Lot of 1,200: sample 32"),
    (1201, 50, "Lot of 1,201: sample 50"),
    (8, 2, "Lot of 8: sample 2"),
    (2, 2, "Lot of 2: sample 2"),
])
def test_a_lots_sample_follows_its_size_and_its_record_keeps_it(factory, shop, size, sample, text):
    lot = _lots(factory, [size])[size]
    plan = create_plan(factory, shop.engineer, SEAL_PLAN)
    decision = inspection_due(factory, lot, plan.id)
    assert (decision.due, decision.readings, decision.text, decision.lot_size) == (True, sample, text, size)
    form = open_record(factory, shop.inspector, lot, PlanType.RECEIVING)
    assert form.sample_size == sample
    assert [s.characteristic.name for s in form.slots].count(WIDTH) == sample
    assert [s.characteristic.name for s in form.slots].count(COUNT) == 1  # one pass/fail result per record


def test_a_record_keeps_the_sample_it_was_opened_with(factory, shop):
    lot = _lots(factory, [1200])[1200]
    plan = create_plan(factory, shop.engineer, SEAL_PLAN)
    form = open_record(factory, shop.inspector, lot, PlanType.RECEIVING)
    with factory() as session, session.begin():  # the lot is recounted meanwhile
        session.info["actor"] = SYSTEM
        session.execute(update(Item).where(Item.id == lot).values(quantity=500, initial_quantity=500))
    assert inspection_due(factory, lot, plan.id).readings == 20  # a lot of 500 now …
    resumed = open_record(factory, shop.inspector, lot, PlanType.RECEIVING)
    assert resumed.id == form.id and resumed.sample_size == 32  # … but this record was opened for 1,200
    width = slot(form, WIDTH).characteristic.id
    version = form.version
    for index in range(32):
        version = record_value(factory, shop.inspector, form.id, width, TypedValue(f"{2.60 + index % 5 / 100:.2f}"),
                               version=version).version
    with pytest.raises(ValidationError, match="already has its 32 reading"):
        record_value(factory, shop.inspector, form.id, width, TypedValue("2.62"), version=version)
    assert len(load_form(factory, form.id).missing) == 1  # the count check


def test_a_lot_outside_the_table_is_said_and_opens_no_record(factory, shop):
    lot = _lots(factory, [1])[1]
    plan = create_plan(factory, shop.engineer, SEAL_PLAN)
    words = (f"The sampling table of {plan.title} has no row for OR-0001, a lot of 1 (it covers lots of 2 and "
             "more); ask a quality engineer to extend the table.")
    with pytest.raises(ValidationError) as refused:
        inspection_due(factory, lot, plan.id)
    assert str(refused.value) == words
    with pytest.raises(ValidationError) as refused:
        open_record(factory, shop.inspector, lot, PlanType.RECEIVING)
    assert str(refused.value) == words


def test_a_lot_smaller_than_its_sample_is_inspected_whole(factory, shop):
    level_iii = Sampling.by_lot_size((1, 8, 3), (9, None, 5))
    lots = _lots(factory, [2, 2.5, 9])
    plan = create_plan(factory, shop.engineer, replace(SEAL_PLAN, sampling=level_iii))
    assert [inspection_due(factory, lots[size], plan.id).readings for size in (2, 2.5, 9)] == [2, 3, 5]
    assert inspection_due(factory, lots[2], plan.id).text == \
        "Lot of 2: all 2 (a lot smaller than its sample of 3 is inspected whole)"
    assert inspection_due(factory, lots[2.5], plan.id).text == "Lot of 2.5: sample 3"


def test_the_rule_is_stored_as_readable_json_and_travels_with_the_plan(factory, shop):
    _lots(factory, [])
    plan = create_plan(factory, shop.engineer, SEAL_PLAN)
    with factory() as session:
        stored = session.execute(select(InspectionPlan.sampling, InspectionPlan.frequency)
                                 .where(InspectionPlan.id == plan.id)).one()
    assert json.loads(stored.sampling)["lot_sizes"][8] == {"from": 501, "to": 1200, "sample": 32}
    assert stored.frequency == 1 and load_plan(factory, plan.id).sampling == LEVEL_I
    # A plan stored before the column existed (its rule empty) samples every `frequency`-th item.
    with factory() as session, session.begin():
        session.info["actor"] = SYSTEM
        session.execute(update(InspectionPlan).where(InspectionPlan.id == shop.final.id)
                        .values(sampling=None, frequency=4))
    assert load_plan(factory, shop.final.id).sampling == Sampling.every_nth(4)
    # Out as JSON and back: the same plan, nothing to revise.
    text = export_plans(factory, [plan.id])
    assert json.loads(text)["plans"][0]["sampling"]["rule"] == "lot_size"
    [imported] = import_plans(factory, shop.engineer, text, reason="round trip")
    assert imported.outcome == "unchanged"


def test_the_body_plans_of_the_shop_sample_every_item(factory, shop):
    decision = inspection_due(factory, shop.body, shop.final.id)
    assert (decision.due, decision.readings, decision.text) == (True, 1, "Every item is inspected")
    assert shop.final.sampling == Sampling.every_nth(1) and shop.final.definition.frequency == 1
    assert BODY == shop.final.part_number
