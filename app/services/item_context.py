"""Context of a set of items (steps with parameters, inspections with measurements, nonconformances,
shipments), each fetched in one query for the whole set, grouped by item.

`item_ids` is anything `Column.in_()` takes: a list of ids, or a SELECT of ids (a trace's recursive CTE).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.models import (
    Characteristic,
    Complaint,
    Customer,
    CustomerOrder,
    Equipment,
    InspectionPlan,
    InspectionRecord,
    Measurement,
    Nonconformance,
    Operation,
    Shipment,
    ShipmentLine,
    Station,
    StepParameter,
    StepRecord,
    User,
    nonconformance_items,
)
from app.services.lookup_views import (
    ComplaintView,
    InspectionView,
    MeasurementView,
    NonconformanceView,
    Parameter,
    ShipmentView,
    StepView,
)

ItemIds = Any  # list[uuid.UUID] | Select


def steps_by_item(session: Session, item_ids: ItemIds) -> dict[uuid.UUID, list[StepView]]:
    rows = session.execute(
        select(StepRecord, Operation, Station.name, Equipment.code, Equipment.name, User.full_name)
        .outerjoin(Operation, StepRecord.operation_id == Operation.id)
        .outerjoin(Station, StepRecord.station_id == Station.id)
        .outerjoin(Equipment, StepRecord.equipment_id == Equipment.id)
        .join(User, StepRecord.operator_id == User.id)
        .where(StepRecord.item_id.in_(item_ids)).order_by(StepRecord.started_at)
    ).all()
    params: dict[uuid.UUID, list[Parameter]] = defaultdict(list)
    if rows:
        step_ids = select(StepRecord.id).where(StepRecord.item_id.in_(item_ids))
        for p in session.scalars(select(StepParameter).where(StepParameter.step_id.in_(step_ids))
                                 .order_by(StepParameter.name)):
            shown = p.text_value if p.value is None else f"{p.value:g}"
            params[p.step_id].append(Parameter(p.name, f"{shown} {p.unit or ''}".strip(), p.source.value))
    steps: dict[uuid.UUID, list[StepView]] = defaultdict(list)
    for step, op, station, eq_code, eq_name, operator in rows:
        steps[step.item_id].append(StepView(
            started_at=step.started_at, completed_at=step.completed_at,
            operation=f"{op.seq} {op.name}" if op else "(no operation)",
            work_center=op.work_center if op else None, station=station,
            equipment=f"{eq_code} {eq_name}" if eq_code else None, operator=operator,
            result=step.result.value, parameters=tuple(params[step.id]),
        ))
    return steps


def inspections_by_item(session: Session, item_ids: ItemIds) -> dict[uuid.UUID, list[InspectionView]]:
    records = session.execute(
        select(InspectionRecord, InspectionPlan, User.full_name)
        .join(InspectionPlan, InspectionRecord.plan_id == InspectionPlan.id)
        .join(User, InspectionRecord.inspector_id == User.id)
        .where(InspectionRecord.item_id.in_(item_ids)).order_by(InspectionRecord.inspected_at)
    ).all()
    if not records:
        return {}
    gauge = aliased(Equipment)
    record_ids = select(InspectionRecord.id).where(InspectionRecord.item_id.in_(item_ids))
    measured: dict[uuid.UUID, list[MeasurementView]] = defaultdict(list)
    for m, c, gauge_code in session.execute(
        select(Measurement, Characteristic, gauge.code)
        .join(Characteristic, Measurement.characteristic_id == Characteristic.id)
        .outerjoin(gauge, Measurement.equipment_id == gauge.id)
        .where(Measurement.record_id.in_(record_ids), Measurement.superseded_by_id.is_(None))
        .order_by(Characteristic.seq)
    ):
        measured[m.record_id].append(MeasurementView(
            characteristic=c.name, value=_format_value(m.value, c.decimals, c.unit, m.passed, m.defect_code),
            limits=_format_limits(c.lower_limit, c.upper_limit, c.decimals, c.unit), passed=m.passed,
            gauge=gauge_code))
    inspections: dict[uuid.UUID, list[InspectionView]] = defaultdict(list)
    for rec, plan, inspector in records:
        inspections[rec.item_id].append(InspectionView(
            inspected_at=rec.inspected_at, plan=f"{plan.plan_type.value.replace('_', ' ')} rev {plan.revision}",
            inspector=inspector, result=rec.result.value, measurements=tuple(measured[rec.id])))
    return inspections


def _format_value(value: float | None, decimals: int, unit: str | None, passed: bool, defect: str | None) -> str:
    if value is None:
        return "pass" if passed else f"fail {defect or ''}".strip()
    return f"{value:.{decimals}f} {unit or ''}".strip()


def _format_limits(low: float | None, high: float | None, decimals: int, unit: str | None) -> str:
    if low is None and high is None:
        return ""
    lo = "−∞" if low is None else f"{low:.{decimals}f}"
    hi = "+∞" if high is None else f"{high:.{decimals}f}"
    return f"{lo} … {hi} {unit or ''}".strip()


def nonconformances_by_item(session: Session, item_ids: ItemIds) -> dict[uuid.UUID, list[NonconformanceView]]:
    found: dict[uuid.UUID, list[NonconformanceView]] = defaultdict(list)
    for ncr, item_id in session.execute(
        select(Nonconformance, nonconformance_items.c.item_id).join(nonconformance_items)
        .where(nonconformance_items.c.item_id.in_(item_ids)).order_by(Nonconformance.opened_at)
    ):
        found[item_id].append(NonconformanceView(
            ncr.number, ncr.status.value, ncr.disposition.value if ncr.disposition else None, ncr.description))
    return found


def shipments_by_item(session: Session, item_ids: ItemIds) -> dict[uuid.UUID, list[ShipmentView]]:
    found: dict[uuid.UUID, list[ShipmentView]] = defaultdict(list)
    for number, shipped_at, customer, order, qty, item_id in session.execute(
        select(Shipment.number, Shipment.shipped_at, Customer.name, CustomerOrder.number, ShipmentLine.quantity,
               ShipmentLine.item_id)
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(Customer, Shipment.customer_id == Customer.id)
        .outerjoin(CustomerOrder, Shipment.customer_order_id == CustomerOrder.id)
        .where(ShipmentLine.item_id.in_(item_ids)).order_by(Shipment.shipped_at)
    ):
        found[item_id].append(ShipmentView(number, customer, order, shipped_at, qty))
    return found


def complaints_by_item(session: Session, item_ids: ItemIds) -> dict[uuid.UUID, list[ComplaintView]]:
    found: dict[uuid.UUID, list[ComplaintView]] = defaultdict(list)
    for number, customer, received_at, status, description, item_id in session.execute(
        select(Complaint.number, Customer.name, Complaint.received_at, Complaint.status, Complaint.description,
               Complaint.item_id)
        .join(Customer, Complaint.customer_id == Customer.id)
        .where(Complaint.item_id.in_(item_ids)).order_by(Complaint.received_at)
    ):
        found[item_id].append(ComplaintView(number, customer, received_at, status.value, description))
    return found
