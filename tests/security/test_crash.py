"""Crash safety: the kill -9 harness of benchmarks/bench_crash.py, with a few kills, on both databases —
and proof that its checks would see a lost or half-written step, so its zeros mean something."""

from __future__ import annotations

import os
import sys

import pytest
from sqlalchemy import delete, select

from app.db import make_engine
from app.models import GenealogyLink, StepParameter, StepRecord, WorkOrder
from benchmarks import bench_crash

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the harness forks its child (POSIX)")


def test_kill_nine_loses_nothing_acknowledged(db_url):
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    log: list[str] = []
    outcome = bench_crash.run(db_url, backend, kills=5, seed=7, cut=backend == "postgresql", max_life=1.0,
                              log=log.append)
    print(outcome.summary(), file=sys.stderr)
    assert outcome.passed, log
    assert outcome.kills == 5
    assert outcome.acknowledged > 0 and outcome.steps_in_db >= outcome.acknowledged
    assert outcome.lost == 0 and outcome.half_written == 0
    assert outcome.integrity == ("ok" if backend == "sqlite" else "n/a (server)")

    # The same checker, shown a step that lost a row of its own and a step acknowledged but absent.
    engine = make_engine(db_url)
    with engine.begin() as conn:
        victim = conn.scalars(select(StepRecord.id).join(WorkOrder, StepRecord.work_order_id == WorkOrder.id)
                              .where(WorkOrder.number == bench_crash.ORDER).limit(1)).one()
        param = conn.scalars(select(StepParameter.id).where(StepParameter.step_id == victim).limit(1)).first()
        if param is not None:
            conn.execute(delete(StepParameter).where(StepParameter.id == param))
        else:
            conn.execute(delete(GenealogyLink).where(GenealogyLink.step_id == victim))
    engine.dispose()
    damaged = bench_crash.Outcome(backend)
    bench_crash.check(db_url, outcome.acknowledged_ids | {"00000000-0000-4000-8000-000000000000"}, damaged)
    assert damaged.lost == 1
    assert damaged.half_written >= 1 and str(victim) in " ".join(damaged.problems)
