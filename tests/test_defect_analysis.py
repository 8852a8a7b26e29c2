"""Defect analysis on a demo plant (plus a few attribute failures): the Pareto agrees with a count done in
Python from the rows, and the rate trend adds up to the inspection totals on every breakdown."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.models import (
    Characteristic,
    CharacteristicKind,
    Equipment,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    Measurement,
    Nonconformance,
    NonconformanceStatus,
    StepRecord,
)
from app.services.defect_analysis import (
    NO_KEY,
    ParetoRow,
    TrendRow,
    as_csv,
    defect_pareto,
    defect_rate_trend,
)
from app.services.demo import build_demo_plant
from app.services.errors import ValidationError
from app.services.permissions import SYSTEM


@pytest.fixture
def plant(factory):
    summary = build_demo_plant(factory, SYSTEM, units=200, seed=5)
    _add_attribute_failures(factory)
    return summary


def _add_attribute_failures(factory) -> None:
    """The demo's attribute checks all pass; fail a few, one of them with an NCR and one re-checked."""
    with factory.begin() as session:
        session.info["actor"] = SYSTEM
        thread = session.scalars(select(Characteristic).where(
            Characteristic.kind == CharacteristicKind.ATTRIBUTE, Characteristic.name.like("Thread%"))).one()
        checks = session.scalars(select(Measurement).where(Measurement.characteristic_id == thread.id)
                                 .order_by(Measurement.measured_at).limit(3)).all()
        for check in checks:
            check.passed, check.defect_code = False, "THREAD-NG"
        first, _, third = checks
        # The NCR of the first record already counts its thread failure: counted once, not twice.
        inspector = session.scalar(select(InspectionRecord.inspector_id).limit(1))
        session.add(Nonconformance(number="NCR-T-1", description="Thread gauge NO GO enters",
                                   defect_code="THREAD-NG", status=NonconformanceStatus.OPEN,
                                   inspection_record_id=first.record_id, opened_by_id=inspector))
        # The third was re-checked and passed: the failed reading is superseded and no longer counts.
        recheck = Measurement(record_id=third.record_id, characteristic_id=thread.id, passed=True,
                              measured_at=third.measured_at + timedelta(minutes=5))
        session.add(recheck)
        session.flush()
        third.superseded_by_id = recheck.id


def _expected_codes(factory, operation_id=None) -> Counter[str]:
    """Occurrences counted in Python from the rows: NCR codes, plus current failed attribute readings whose
    record has no NCR with the same code."""
    with factory() as session:
        plan_operation = dict(session.execute(
            select(InspectionRecord.id, InspectionPlan.operation_id).join(InspectionPlan)).all())
        ncrs = session.execute(select(Nonconformance.defect_code, Nonconformance.inspection_record_id)
                               .where(Nonconformance.defect_code.is_not(None))).all()
        failed = session.execute(
            select(Measurement.defect_code, Measurement.record_id).join(Characteristic)
            .where(Characteristic.kind == CharacteristicKind.ATTRIBUTE, Measurement.passed.is_(False),
                   Measurement.superseded_by_id.is_(None))).all()
    counted_by_ncr = {(record, code) for code, record in ncrs}
    found = list(ncrs) + [(code, record) for code, record in failed if (record, code) not in counted_by_ncr]
    return Counter(code for code, record in found if operation_id is None or
                   (record is not None and plan_operation[record] == operation_id))


def test_the_pareto_counts_every_defect_once_most_frequent_first(factory, plant):
    rows = defect_pareto(factory)
    expected = _expected_codes(factory)
    assert {row.defect_code: row.count for row in rows} == dict(expected)
    assert expected["THREAD-NG"] == 2 and {"DIM-HIGH", "DIM-LOW"} <= expected.keys()
    assert [row.count for row in rows] == sorted((row.count for row in rows), reverse=True)
    total, running = sum(expected.values()), 0
    for row in rows:
        running += row.count
        assert row.cumulative_percent == pytest.approx(100 * running / total)
    assert rows[-1].cumulative_percent == 100.0


def test_the_pareto_narrows_to_an_operation_and_a_time_window(factory, plant):
    with factory() as session:
        grinding = session.scalar(select(InspectionPlan.operation_id).join(Characteristic)
                                  .where(Characteristic.name.like("Bore diameter%")))
        middle = session.scalar(select(func.min(Nonconformance.opened_at))) + timedelta(days=3)
    at_grinding = defect_pareto(factory, operation_id=grinding)
    assert {row.defect_code: row.count for row in at_grinding} == dict(_expected_codes(factory, grinding))
    assert "THREAD-NG" not in {row.defect_code for row in at_grinding}
    before, after = defect_pareto(factory, until=middle), defect_pareto(factory, since=middle)
    assert before and after
    split = sum((Counter({r.defect_code: r.count for r in rows}) for rows in (before, after)), Counter())
    assert split == _expected_codes(factory)


@pytest.mark.parametrize("by", ["operation", "equipment", "operator"])
def test_the_trend_adds_up_to_the_inspection_totals(factory, plant, by):
    with factory() as session:
        results = Counter(session.scalars(select(InspectionRecord.result)))
    for period in ("day", "week"):
        trend = defect_rate_trend(factory, by=by, period=period)
        decided = results[InspectionResult.PASS] + results[InspectionResult.FAIL]
        assert sum(r.inspected for r in trend) == decided
        assert sum(r.defective for r in trend) == results[InspectionResult.FAIL] > 0
        assert all(r.rate == r.defective / r.inspected for r in trend)
        assert trend == sorted(trend, key=lambda r: (r.period_start, r.key))
        assert len({(r.period_start, r.key) for r in trend}) == len(trend)
        if period == "week":
            assert {r.period_start.weekday() for r in trend} == {0}


def test_the_trend_by_equipment_matches_the_steps_of_failed_records(factory, plant):
    with factory() as session:
        failed = Counter(session.scalars(
            select(Equipment.code).select_from(InspectionRecord).join(StepRecord).join(Equipment)
            .where(InspectionRecord.result == InspectionResult.FAIL)))
        since = session.scalar(select(func.min(InspectionRecord.inspected_at))) + timedelta(days=7)
        later = session.scalar(select(func.count()).where(InspectionRecord.inspected_at >= since,
                                                          InspectionRecord.result != InspectionResult.OPEN))
    trend = defect_rate_trend(factory, by="equipment", period="week")
    by_key: Counter[str] = Counter()
    for row in trend:
        by_key[row.key] += row.defective
    assert {key: count for key, count in by_key.items() if count and key != NO_KEY} == dict(failed)
    assert sum(r.inspected for r in defect_rate_trend(factory, by="equipment", since=since)) == later
    far_east = defect_rate_trend(factory, by="equipment", tz=timezone(timedelta(hours=14)))
    assert sum(r.inspected for r in far_east) == sum(r.inspected for r in trend)
    with pytest.raises(ValidationError, match="by day or by week"):
        defect_rate_trend(factory, by="equipment", period="month")  # type: ignore[arg-type]


def test_both_export_as_csv_with_a_header(factory, plant):
    pareto = defect_pareto(factory)
    parsed = list(csv.reader(io.StringIO(as_csv(pareto, ParetoRow))))
    assert parsed[0] == ["defect_code", "count", "cumulative_percent"] and len(parsed) == len(pareto) + 1
    assert parsed[-1][2] == "100.0" and int(parsed[1][1]) == pareto[0].count
    trend = defect_rate_trend(factory, by="operator", period="week")
    parsed = list(csv.reader(io.StringIO(as_csv(trend, TrendRow))))
    assert parsed[0] == ["period_start", "key", "inspected", "defective", "rate"]
    assert parsed[1][0] == trend[0].period_start.isoformat() and len(parsed) == len(trend) + 1
    assert as_csv([], TrendRow) == "period_start,key,inspected,defective,rate\n"
