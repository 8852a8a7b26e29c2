"""Several stations, one database: two benches taking the last of a lot at the same moment, each on its own
connection in its own thread. Exactly one gets it; the other is told there is not enough, and nothing of
its step is written."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from app.models import GenealogyLink, ItemStatus, StepRecord
from app.services.station import (
    ComponentScan,
    Receipt,
    StepCompletion,
    StepStart,
    checks,
    receive,
    record_step,
)
from app.services.station.errors import InsufficientQuantity
from tests.station.conftest import BAR, Plant

WAIT = 20.0  # seconds; only reached when something hangs


def run_together(calls: list[Callable[[], object]]) -> list[Any]:
    """Start `calls` in threads released by one barrier; each one's result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def worker(index: int) -> None:
        barrier.wait(WAIT)
        try:
            outcomes[index] = calls[index]()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each bench got
            outcomes[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), "a station hung"
    return outcomes


def saw_call(plant: Plant, body: str, bar: str) -> Callable[[], object]:
    return lambda: record_step(plant.factory, plant.operator, StepStart(station="SAW-PC1", items=(body,)),
                               StepCompletion(components=(ComponentScan(bar),)))


def assert_one_took_the_last(plant: Plant, bar: str, outcomes: list[Any]) -> None:
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], InsufficientQuantity), outcomes
    assert str(failures[0]) == (f"Lot {bar} (BAR-40) has nothing left: it was used up, so it cannot be "
                                "consumed. Scan another lot of BAR-40.")
    lot = plant.item(bar)
    assert lot.quantity == 0 and lot.status is ItemStatus.CONSUMED
    with plant.factory() as session:
        assert session.scalar(select(func.count()).select_from(GenealogyLink)
                              .where(GenealogyLink.parent_item_id == lot.id)) == 1
        assert session.scalar(select(func.count()).select_from(StepRecord)
                              .where(StepRecord.operation_id.isnot(None))) == 1


@pytest.mark.parametrize("round_", range(3))
def test_two_benches_consuming_the_last_of_a_lot_at_once(plant, round_):
    bar = plant.receive_bar(0.12)
    first, second = plant.bodies(2)
    outcomes = run_together([saw_call(plant, first, bar), saw_call(plant, second, bar)])
    assert_one_took_the_last(plant, bar, outcomes)


def test_the_second_bench_waits_for_the_first_and_reads_what_it_left(plant, monkeypatch):
    """Deterministic interleaving: the first bench is held inside its checks, after it has locked the lot;
    the second must wait for it rather than read the lot's old quantity."""
    bar = plant.receive_bar(0.12)
    first, second = plant.bodies(2)
    inside, go_on = threading.Event(), threading.Event()
    real = checks.require_quantity

    def held_first_time(*args: Any) -> None:
        if not inside.is_set():
            inside.set()
            assert go_on.wait(WAIT)
        real(*args)

    monkeypatch.setattr(checks, "require_quantity", held_first_time)
    outcomes: list[Any] = [None, None]

    def bench(index: int, body: str) -> None:
        try:
            outcomes[index] = saw_call(plant, body, bar)()
        except Exception as exc:  # noqa: BLE001
            outcomes[index] = exc

    one = threading.Thread(target=bench, args=(0, first))
    one.start()
    assert inside.wait(WAIT)
    two = threading.Thread(target=bench, args=(1, second))
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second bench did not wait for the first one's lock"
    go_on.set()
    for thread in (one, two):
        thread.join(WAIT)
    assert not isinstance(outcomes[0], Exception), outcomes
    assert_one_took_the_last(plant, bar, outcomes)


def test_two_receipts_at_once_get_different_numbers(plant):
    receipt = Receipt(part_number=BAR, supplier="ACME", supplier_lot="S", quantity=1.0)
    outcomes = run_together([lambda: receive(plant.factory, plant.operator, receipt),
                             lambda: receive(plant.factory, plant.operator2, receipt)])
    codes = {outcome.lot.code for outcome in outcomes}
    assert len(codes) == 2, outcomes
