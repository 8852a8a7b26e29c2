"""Gathers a certificate's facts for a set of delivered items and everything they were made from: one query
per kind of fact over the reverse-trace CTE, never one per item (a 500-component assembly is six queries)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from app.models import (
    Characteristic,
    Customer,
    CustomerOrder,
    Equipment,
    InspectionPlan,
    InspectionRecord,
    Item,
    Measurement,
    Nonconformance,
    Operation,
    PartDefinition,
    Shipment,
    ShipmentLine,
    Station,
    StepParameter,
    StepRecord,
    Supplier,
    User,
    WorkOrder,
    nonconformance_items,
)
from app.models.certificates import CertificateSubject, CertificateType
from app.services.certificates.facts import (
    CertificateFacts,
    DeliveredItem,
    MaterialFact,
    NcrFact,
    ParameterFact,
    ResultFact,
    StepFact,
)
from app.services.trace import reach_cte
from app.trace import Direction


def gather_facts(session: Session, item_ids: list[uuid.UUID], *, cert_type: CertificateType,
                 subject_kind: CertificateSubject, subject_code: str,
                 shipment_id: uuid.UUID | None = None) -> tuple[CertificateFacts, dict[uuid.UUID, str]]:
    """The facts, and the status of every traced item (for the issue rules), keyed by item id."""
    reach = reach_cte(item_ids, Direction.REVERSE)
    reached = select(reach.c.item_id)
    delivered = set(item_ids)
    codes: dict[uuid.UUID, str] = {}
    statuses: dict[uuid.UUID, str] = {}
    items: list[DeliveredItem] = []
    materials: list[MaterialFact] = []
    for (item_id, code, is_serial, quantity, status, supplier_lot, heat, cert_ref, part_number, revision,
         description, unit, supplier, work_order) in session.execute(
            select(Item.id, Item.code, Item.is_serial, Item.quantity, Item.status, Item.supplier_lot,
                   Item.heat_number, Item.material_cert_ref, PartDefinition.part_number, PartDefinition.revision,
                   PartDefinition.description, PartDefinition.unit, Supplier.name, WorkOrder.number)
            .join(PartDefinition, Item.part_id == PartDefinition.id)
            .outerjoin(Supplier, Item.supplier_id == Supplier.id)
            .outerjoin(WorkOrder, Item.work_order_id == WorkOrder.id)
            .where(Item.id.in_(reached))):
        codes[item_id] = code
        statuses[item_id] = status.value
        if item_id in delivered:
            items.append(DeliveredItem(item_id, code, is_serial, part_number, revision, description,
                                       quantity, unit, status.value, work_order))
        if supplier is not None:
            materials.append(MaterialFact(code, part_number, description, supplier, supplier_lot, heat, cert_ref))
    items.sort(key=lambda i: (i.part_number, i.code))
    materials.sort(key=lambda m: (m.part_number, m.item_code))
    customer, order, shipment, shipped_at = _customer(session, item_ids, shipment_id)
    facts = CertificateFacts(
        cert_type=cert_type, subject_kind=subject_kind, subject_code=subject_code, customer=customer,
        customer_order=order, shipment=shipment, shipped_at=shipped_at, items=tuple(items),
        materials=tuple(materials), steps=_steps(session, reached), parameters=_parameters(session, reached),
        results=_results(session, reached), ncrs=_ncrs(session, reached, codes), genealogy_size=len(codes))
    return facts, statuses


def _customer(session: Session, item_ids: list[uuid.UUID], shipment_id: uuid.UUID | None
              ) -> tuple[str | None, str | None, str | None, datetime | None]:
    """The customer and order: the shipment's, else the latest shipment of the items, else their work order's."""
    stmt = (select(Customer.name, CustomerOrder.number, Shipment.number, Shipment.shipped_at)
            .join(Customer, Shipment.customer_id == Customer.id)
            .outerjoin(CustomerOrder, Shipment.customer_order_id == CustomerOrder.id))
    if shipment_id is not None:
        row = session.execute(stmt.where(Shipment.id == shipment_id)).first()
    else:
        row = session.execute(stmt.join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
                              .where(ShipmentLine.item_id.in_(item_ids))
                              .order_by(Shipment.shipped_at.desc()).limit(1)).first()
    if row is not None:
        return row[0], row[1], row[2], row[3]
    ordered = session.execute(
        select(Customer.name, CustomerOrder.number).select_from(Item)
        .join(WorkOrder, Item.work_order_id == WorkOrder.id)
        .join(CustomerOrder, WorkOrder.customer_order_id == CustomerOrder.id)
        .join(Customer, CustomerOrder.customer_id == Customer.id)
        .where(Item.id.in_(item_ids)).limit(1)).first()
    return (ordered[0], ordered[1], None, None) if ordered else (None, None, None, None)


def _steps(session: Session, reached) -> tuple[StepFact, ...]:
    rows = session.execute(
        select(Item.code, PartDefinition.part_number, Operation.seq, Operation.name, StepRecord.notes,
               StepRecord.started_at, StepRecord.completed_at, Station.name, Equipment.code, User.full_name,
               StepRecord.operator_id, StepRecord.result)
        .join(Item, StepRecord.item_id == Item.id)
        .join(PartDefinition, Item.part_id == PartDefinition.id)
        .outerjoin(Operation, StepRecord.operation_id == Operation.id)
        .outerjoin(Station, StepRecord.station_id == Station.id)
        .outerjoin(Equipment, StepRecord.equipment_id == Equipment.id)
        .join(User, StepRecord.operator_id == User.id)
        .where(StepRecord.item_id.in_(reached))
        .order_by(StepRecord.started_at, Item.code))
    # A step outside a route (goods receipt, a lot merge) is named by its note, cut at its first comma.
    return tuple(StepFact(code, part, f"{seq} {name}" if name else (notes or "unrouted step").split(",")[0],
                          started, completed, station, equipment, operator, operator_id, result.value)
                 for code, part, seq, name, notes, started, completed, station, equipment, operator, operator_id,
                 result in rows)


def _parameters(session: Session, reached) -> tuple[ParameterFact, ...]:
    rows = session.execute(
        select(Item.code, Operation.seq, Operation.name, StepParameter.name, StepParameter.value,
               StepParameter.text_value, StepParameter.unit, StepParameter.lower_limit, StepParameter.upper_limit,
               StepParameter.out_of_limits)
        .join(StepRecord, StepParameter.step_id == StepRecord.id)
        .join(Item, StepRecord.item_id == Item.id)
        .outerjoin(Operation, StepRecord.operation_id == Operation.id)
        .where(StepRecord.item_id.in_(reached),
               or_(StepParameter.lower_limit.is_not(None), StepParameter.upper_limit.is_not(None)))
        .order_by(StepRecord.started_at, Item.code, StepParameter.name))
    return tuple(ParameterFact(code, f"{seq} {op}" if op else "(no operation)", name,
                               text if value is None else f"{value:g}", low, high, unit or "", not out)
                 for code, seq, op, name, value, text, unit, low, high, out in rows)


def _results(session: Session, reached) -> tuple[ResultFact, ...]:
    gauge = aliased(Equipment)
    rows = session.execute(
        select(InspectionRecord.item_id, Item.code, InspectionPlan.plan_type, InspectionPlan.revision,
               InspectionRecord.inspected_at, User.full_name, Characteristic.name, Characteristic.classification,
               Characteristic.decimals, Measurement.value, Measurement.passed, Measurement.defect_code,
               Characteristic.lower_limit, Characteristic.upper_limit, Characteristic.unit, gauge.code)
        .join(InspectionRecord, Measurement.record_id == InspectionRecord.id)
        .join(Item, InspectionRecord.item_id == Item.id)
        .join(InspectionPlan, InspectionRecord.plan_id == InspectionPlan.id)
        .join(User, InspectionRecord.inspector_id == User.id)
        .join(Characteristic, Measurement.characteristic_id == Characteristic.id)
        .outerjoin(gauge, Measurement.equipment_id == gauge.id)
        .where(InspectionRecord.item_id.in_(reached), Measurement.superseded_by_id.is_(None))
        .order_by(InspectionRecord.inspected_at, Item.code, Characteristic.seq, Measurement.measured_at))
    facts = []
    for r in rows:
        (item_id, code, plan_type, revision, inspected_at, inspector, name, classification, decimals, value,
         passed, defect, low, high, unit, gauge_code) = r
        shown = (("pass" if passed else f"fail {defect or ''}".strip()) if value is None
                 else f"{value:.{decimals}f}")
        facts.append(ResultFact(item_id, code, f"{plan_type.value.replace('_', ' ')} rev {revision}", inspected_at,
                                inspector, name, classification.value, shown, low, high, unit or "", passed,
                                gauge_code))
    return tuple(facts)


def _ncrs(session: Session, reached, codes: dict[uuid.UUID, str]) -> tuple[NcrFact, ...]:
    found: dict[uuid.UUID, Nonconformance] = {}
    items: dict[uuid.UUID, list[str]] = defaultdict(list)
    for ncr, item_id in session.execute(
            select(Nonconformance, nonconformance_items.c.item_id).join(nonconformance_items)
            .where(nonconformance_items.c.item_id.in_(reached)).order_by(Nonconformance.number)):
        found[ncr.id] = ncr
        items[ncr.id].append(codes.get(item_id, "?"))
    return tuple(NcrFact(n.number, tuple(sorted(items[n.id])), n.status.value,
                         n.disposition.value if n.disposition else None, n.description) for n in found.values())
