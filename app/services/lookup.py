"""Lookup: what is this identifier? A serial, lot, barcode, EPC, heat number, supplier lot, work order,
customer order or shipment number, answered in a bounded number of indexed queries."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.models import (
    Characteristic,
    CustomerOrder,
    Customer,
    Equipment,
    GenealogyLink,
    InspectionPlan,
    InspectionRecord,
    Item,
    ItemIdentifier,
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
from app.services.errors import NotFound
from app.services.lookup_views import (
    InspectionView,
    ItemHistory,
    ItemSummary,
    LinkView,
    LookupResult,
    MeasurementView,
    NonconformanceView,
    Origin,
    Parameter,
    ShipmentView,
    StepView,
)

LIST_LIMIT = 500


def _summary_select() -> Select:
    return select(Item, PartDefinition).join(PartDefinition, Item.part_id == PartDefinition.id)


def _summary(item: Item, part: PartDefinition) -> ItemSummary:
    return ItemSummary(
        id=item.id, code=item.code, part_number=part.part_number, revision=part.revision,
        description=part.description, is_serial=item.is_serial, quantity=item.quantity, unit=part.unit,
        status=item.status, created_at=item.created_at,
    )


def _items(session: Session, stmt: Select) -> tuple[list[ItemSummary], int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.execute(stmt.order_by(Item.code).limit(LIST_LIMIT)).all()
    return [_summary(i, p) for i, p in rows], total


def lookup(factory: sessionmaker[Session], text: str) -> LookupResult:
    query = text.strip()
    if not query:
        return LookupResult(query=query, heading="", hint="Scan or type a serial, lot, heat number or order.")
    with factory() as session:
        for candidate in dict.fromkeys((query, query.upper())):
            result = _lookup_exact(session, candidate)
            if result is not None:
                return result
    return LookupResult(
        query=query, heading=f"Nothing is known as '{query}'",
        hint="Check the label and scan again. Lookup accepts serials, lot numbers, barcodes, RFID tags, "
             "heat numbers, supplier lots, work orders, customer orders and shipments.",
    )


def _lookup_exact(session: Session, q: str) -> LookupResult | None:
    base = _summary_select()
    by_code = base.where(Item.code == q)
    by_identifier = base.where(Item.id.in_(select(ItemIdentifier.item_id).where(ItemIdentifier.value == q)))
    for stmt in (by_code, by_identifier):
        items, total = _items(session, stmt)
        if total == 1:
            return LookupResult(query=q, heading=items[0].title, items=tuple(items), total=1,
                                history=_history(session, items[0].id))
        if total > 1:
            return LookupResult(query=q, heading=f"{total} items are called '{q}'", items=tuple(items),
                                total=total, hint="Pick one to see its history.")
    searches: list[tuple[str, Select]] = [
        ("Heat number", base.where(Item.heat_number == q)),
        ("Supplier lot", base.where(Item.supplier_lot == q)),
        ("Work order", base.join(WorkOrder, Item.work_order_id == WorkOrder.id).where(WorkOrder.number == q)),
        ("Shipment", base.where(Item.id.in_(
            select(ShipmentLine.item_id).join(Shipment).where(Shipment.number == q)))),
        ("Customer order", base.where(Item.id.in_(
            select(ShipmentLine.item_id).join(Shipment).join(CustomerOrder).where(CustomerOrder.number == q)))),
    ]
    for label, stmt in searches:
        items, total = _items(session, stmt)
        if total:
            shown = "" if total <= LIST_LIMIT else f" (first {LIST_LIMIT} shown)"
            return LookupResult(query=q, heading=f"{label} {q}: {total} item{'s' if total != 1 else ''}{shown}",
                                items=tuple(items), total=total, hint="Pick one to see its history.")
    return None


def item_history(factory: sessionmaker[Session], item_id: uuid.UUID) -> ItemHistory:
    with factory() as session:
        return _history(session, item_id)


def _history(session: Session, item_id: uuid.UUID) -> ItemHistory:
    row = session.execute(_summary_select().where(Item.id == item_id)).first()
    if row is None:
        raise NotFound("That item no longer exists; look it up again.")
    item, part = row
    summary = _summary(item, part)
    identifiers = tuple(session.execute(
        select(ItemIdentifier.kind, ItemIdentifier.value).where(ItemIdentifier.item_id == item_id)
        .order_by(ItemIdentifier.kind)).tuples())
    origin = None
    if item.supplier_id is not None:
        supplier = session.get(Supplier, item.supplier_id)
        origin = Origin(supplier=f"{supplier.name} ({supplier.code})" if supplier else "?",
                        supplier_lot=item.supplier_lot, heat_number=item.heat_number,
                        material_cert_ref=item.material_cert_ref)
    work_order = session.scalar(select(WorkOrder.number).where(WorkOrder.id == item.work_order_id)) \
        if item.work_order_id else None
    return ItemHistory(
        item=summary,
        identifiers=tuple((kind.value, value) for kind, value in identifiers),
        origin=origin, work_order=work_order, expires_on=item.expires_on,
        made_from=_links(session, item_id, upstream=True),
        used_in=_links(session, item_id, upstream=False),
        steps=_steps(session, item_id),
        inspections=_inspections(session, item_id),
        nonconformances=_nonconformances(session, item_id),
        shipments=_shipments(session, item_id),
    )


def _links(session: Session, item_id: uuid.UUID, *, upstream: bool) -> tuple[LinkView, ...]:
    here, there = ((GenealogyLink.child_item_id, GenealogyLink.parent_item_id) if upstream
                   else (GenealogyLink.parent_item_id, GenealogyLink.child_item_id))
    rows = session.execute(
        select(Item, PartDefinition, func.sum(GenealogyLink.quantity))
        .join(GenealogyLink, there == Item.id).join(PartDefinition, Item.part_id == PartDefinition.id)
        .where(here == item_id).group_by(Item.id, PartDefinition.id).order_by(PartDefinition.part_number, Item.code)
        .limit(LIST_LIMIT)
    ).all()
    return tuple(LinkView(item=_summary(i, p), quantity=q) for i, p, q in rows)


def _steps(session: Session, item_id: uuid.UUID) -> tuple[StepView, ...]:
    rows = session.execute(
        select(StepRecord, Operation, Station.name, Equipment.code, Equipment.name, User.full_name)
        .outerjoin(Operation, StepRecord.operation_id == Operation.id)
        .outerjoin(Station, StepRecord.station_id == Station.id)
        .outerjoin(Equipment, StepRecord.equipment_id == Equipment.id)
        .join(User, StepRecord.operator_id == User.id)
        .where(StepRecord.item_id == item_id).order_by(StepRecord.started_at)
    ).all()
    params: dict[uuid.UUID, list[Parameter]] = defaultdict(list)
    if rows:
        for p in session.scalars(select(StepParameter).where(
                StepParameter.step_id.in_([r[0].id for r in rows])).order_by(StepParameter.name)):
            shown = p.text_value if p.value is None else f"{p.value:g}"
            params[p.step_id].append(Parameter(p.name, f"{shown} {p.unit or ''}".strip(), p.source.value))
    return tuple(
        StepView(
            started_at=step.started_at, completed_at=step.completed_at,
            operation=f"{op.seq} {op.name}" if op else "(no operation)",
            work_center=op.work_center if op else None, station=station,
            equipment=f"{eq_code} {eq_name}" if eq_code else None, operator=operator,
            result=step.result.value, parameters=tuple(params[step.id]),
        )
        for step, op, station, eq_code, eq_name, operator in rows
    )


def _inspections(session: Session, item_id: uuid.UUID) -> tuple[InspectionView, ...]:
    records = session.execute(
        select(InspectionRecord, InspectionPlan, User.full_name)
        .join(InspectionPlan, InspectionRecord.plan_id == InspectionPlan.id)
        .join(User, InspectionRecord.inspector_id == User.id)
        .where(InspectionRecord.item_id == item_id).order_by(InspectionRecord.inspected_at)
    ).all()
    if not records:
        return ()
    gauge = aliased(Equipment)
    measured: dict[uuid.UUID, list[MeasurementView]] = defaultdict(list)
    for m, c, gauge_code in session.execute(
        select(Measurement, Characteristic, gauge.code)
        .join(Characteristic, Measurement.characteristic_id == Characteristic.id)
        .outerjoin(gauge, Measurement.equipment_id == gauge.id)
        .where(Measurement.record_id.in_([r[0].id for r in records]), Measurement.superseded_by_id.is_(None))
        .order_by(Characteristic.seq)
    ):
        measured[m.record_id].append(MeasurementView(
            characteristic=c.name, value=_format_value(m.value, c.decimals, c.unit, m.passed, m.defect_code),
            limits=_format_limits(c.lower_limit, c.upper_limit, c.decimals, c.unit), passed=m.passed,
            gauge=gauge_code))
    return tuple(
        InspectionView(inspected_at=rec.inspected_at, plan=f"{plan.plan_type.value.replace('_', ' ')} "
                       f"rev {plan.revision}", inspector=inspector, result=rec.result.value,
                       measurements=tuple(measured[rec.id]))
        for rec, plan, inspector in records
    )


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


def _nonconformances(session: Session, item_id: uuid.UUID) -> tuple[NonconformanceView, ...]:
    rows = session.scalars(
        select(Nonconformance).join(nonconformance_items)
        .where(nonconformance_items.c.item_id == item_id).order_by(Nonconformance.opened_at))
    return tuple(NonconformanceView(n.number, n.status.value, n.disposition.value if n.disposition else None,
                                    n.description) for n in rows)


def _shipments(session: Session, item_id: uuid.UUID) -> tuple[ShipmentView, ...]:
    rows = session.execute(
        select(Shipment, Customer.name, CustomerOrder.number, ShipmentLine.quantity)
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(Customer, Shipment.customer_id == Customer.id)
        .outerjoin(CustomerOrder, Shipment.customer_order_id == CustomerOrder.id)
        .where(ShipmentLine.item_id == item_id).order_by(Shipment.shipped_at))
    return tuple(ShipmentView(s.number, customer, order, s.shipped_at, qty) for s, customer, order, qty in rows)
