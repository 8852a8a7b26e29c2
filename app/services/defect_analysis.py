"""Defect analysis: a Pareto of defect codes, and defect rates per day or week by operation, equipment or
operator, each from one query, with CSV export for spreadsheets."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Literal, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, union_all
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    Characteristic,
    CharacteristicKind,
    Equipment,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    Measurement,
    Nonconformance,
    Operation,
    PartDefinition,
    Route,
    StepRecord,
    User,
)
from app.services.errors import ValidationError

TrendKey = Literal["operation", "equipment", "operator"]
Period = Literal["day", "week"]
NO_KEY = "(none)"  # the label of records without a step, or of steps without that key


class ParetoRow(NamedTuple):
    defect_code: str
    count: int
    cumulative_percent: float


class TrendRow(NamedTuple):
    period_start: date
    key: str
    inspected: int
    defective: int
    rate: float  # defective / inspected


def defect_pareto(factory: sessionmaker[Session], *, since: datetime | None = None,
                  until: datetime | None = None, operation_id: uuid.UUID | None = None) -> list[ParetoRow]:
    """Defect codes by how often they occurred, most frequent first, with the cumulative share in percent.

    An occurrence is a nonconformance with a defect code (dated when it was opened), or a failed attribute
    measurement with a defect code (dated when it was measured) that no nonconformance of the same
    inspection record already counts with the same code: the NCR stands for what its inspection found.
    `since` is inclusive and `until` exclusive. With `operation_id`, only occurrences found by inspection
    plans of that operation count (an NCR raised without an inspection record has no operation).
    """
    found = union_all(_nonconformance_codes(since, until, operation_id),
                      _attribute_codes(since, until, operation_id)).subquery()
    with factory() as session:
        counts = session.execute(
            select(found.c.code, func.count()).group_by(found.c.code)
            .order_by(func.count().desc(), found.c.code)).all()
    total = sum(count for _, count in counts)
    rows: list[ParetoRow] = []
    running = 0
    for code, count in counts:
        running += count
        rows.append(ParetoRow(code, count, 100.0 * running / total))
    return rows


def _nonconformance_codes(since: datetime | None, until: datetime | None,
                          operation_id: uuid.UUID | None) -> Select:
    stmt = select(Nonconformance.defect_code.label("code")).where(
        Nonconformance.defect_code.is_not(None), *_within(Nonconformance.opened_at, since, until))
    if operation_id is not None:
        stmt = (stmt.join(InspectionRecord, Nonconformance.inspection_record_id == InspectionRecord.id)
                .join(InspectionPlan, InspectionRecord.plan_id == InspectionPlan.id)
                .where(InspectionPlan.operation_id == operation_id))
    return stmt


def _attribute_codes(since: datetime | None, until: datetime | None,
                     operation_id: uuid.UUID | None) -> Select:
    counted_by_ncr = exists().where(Nonconformance.inspection_record_id == Measurement.record_id,
                                    Nonconformance.defect_code == Measurement.defect_code)
    stmt = (select(Measurement.defect_code.label("code"))
            .join(Characteristic, Measurement.characteristic_id == Characteristic.id)
            .where(Characteristic.kind == CharacteristicKind.ATTRIBUTE, Measurement.passed.is_(False),
                   Measurement.defect_code.is_not(None), Measurement.superseded_by_id.is_(None),
                   ~counted_by_ncr, *_within(Measurement.measured_at, since, until)))
    if operation_id is not None:
        stmt = stmt.join(InspectionPlan, and_(Characteristic.plan_id == InspectionPlan.id,
                                              InspectionPlan.operation_id == operation_id))
    return stmt


def _within(column: ColumnElement[datetime], since: datetime | None,
            until: datetime | None) -> list[ColumnElement[bool]]:
    return ([] if since is None else [column >= since]) + ([] if until is None else [column < until])


def defect_rate_trend(factory: sessionmaker[Session], *, by: TrendKey, period: Period = "day",
                      since: datetime | None = None, tz: tzinfo = timezone.utc) -> list[TrendRow]:
    """Inspected and failed inspection records per period and per operation, equipment or operator of the
    step each record checked, in period and key order. Records still open are not counted.

    Periods are calendar days or ISO weeks (starting on Monday) in `tz`. The rows are bucketed here rather
    than in SQL, because SQLite and PostgreSQL share no function that truncates a timestamp to a day in a
    time zone; the one query fetches only (time, key, result) per record.
    """
    if period not in ("day", "week"):
        raise ValidationError(f"Defect rates are grouped by day or by week, not by '{period}'.")
    key_columns, stmt = _trend_keys(by)
    failed = InspectionRecord.result == InspectionResult.FAIL
    stmt = stmt.add_columns(InspectionRecord.inspected_at, failed).where(
        InspectionRecord.result != InspectionResult.OPEN,
        *_within(InspectionRecord.inspected_at, since, None))
    with factory() as session:
        rows = session.connection().execute(stmt).all()
    inspected: Counter[tuple[date, tuple[object, ...]]] = Counter()
    defective: Counter[tuple[date, tuple[object, ...]]] = Counter()
    width = len(key_columns)
    for row in rows:
        bucket = (_period_start(row[width], period, tz), tuple(row[:width]))
        inspected[bucket] += 1
        defective[bucket] += bool(row[width + 1])
    trend = [TrendRow(start, _label(by, key), count, defective[start, key], defective[start, key] / count)
             for (start, key), count in inspected.items()]
    return sorted(trend, key=lambda r: (r.period_start, r.key))


def _trend_keys(by: TrendKey) -> tuple[tuple[ColumnElement[object], ...], Select]:
    """The columns that name a key (no UUIDs: converting one per record would cost more than the query) and
    the SELECT that reaches them from an inspection record through its step."""
    record_step = select().select_from(InspectionRecord).outerjoin(StepRecord,
                                                                   InspectionRecord.step_id == StepRecord.id)
    if by == "operation":
        columns: tuple[ColumnElement[object], ...] = (
            PartDefinition.part_number, PartDefinition.revision, Operation.seq, Operation.name)
        return columns, (record_step.add_columns(*columns)
                         .outerjoin(Operation, StepRecord.operation_id == Operation.id)
                         .outerjoin(Route, Operation.route_id == Route.id)
                         .outerjoin(PartDefinition, Route.part_id == PartDefinition.id))
    if by == "equipment":
        columns = (Equipment.code,)
        return columns, record_step.add_columns(*columns).outerjoin(Equipment,
                                                                    StepRecord.equipment_id == Equipment.id)
    if by == "operator":
        columns = (User.username, User.full_name)
        return columns, record_step.add_columns(*columns).outerjoin(User, StepRecord.operator_id == User.id)
    raise ValidationError(f"Defect rates are broken down by operation, equipment or operator, not by '{by}'.")


def _period_start(at: datetime, period: Period, tz: tzinfo) -> date:
    day = at.astimezone(tz).date()
    return day if period == "day" else day - timedelta(days=day.weekday())


def _label(by: TrendKey, key: tuple[object, ...]) -> str:
    if key[0] is None:
        return NO_KEY
    if by == "operation":
        part, revision, seq, name = key
        return f"{part} rev {revision} · {seq} {name}"
    if by == "operator":
        return str(key[1])
    return str(key[0])


def as_csv(rows: Sequence[ParetoRow] | Sequence[TrendRow], row_type: type[ParetoRow | TrendRow]) -> str:
    """`rows` as CSV text with a header line (also without rows), ready to save for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(row_type._fields)
    writer.writerows(tuple(round(v, 4) if isinstance(v, float) else v for v in row) for row in rows)
    return out.getvalue()
