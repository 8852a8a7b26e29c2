"""A small plant for the station tests, written through the ORM as the system: a valve body (serial) sawn
from bar (lot, metres) and a valve assembled from a body and a seal kit (lot, with a shelf life), their
routes, stations, equipment in and out of calibration, people, a supplier and a customer order.

`snapshot` captures every row a station writes, so a refused call can be shown to have written nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import (
    AuditEvent,
    BomLine,
    Customer,
    CustomerOrder,
    Equipment,
    EquipmentKind,
    EquipmentStatus,
    GenealogyLink,
    Item,
    ItemStatus,
    Nonconformance,
    NonconformanceStatus,
    Operation,
    PartDefinition,
    Role,
    Route,
    Shipment,
    ShipmentLine,
    Station,
    StepParameter,
    StepRecord,
    Supplier,
    Tracking,
    User,
    WorkOrder,
    WorkOrderStatus,
    nonconformance_items,
)
from app.services.audit import ACTOR_KEY
from app.services.errors import DomainError
from app.services.permissions import SYSTEM, Actor
from app.services.station import (
    ComponentScan,
    Receipt,
    SerializeRequest,
    StepCompletion,
    StepStart,
    receive,
    record_step,
    release,
    serialize,
)
from app.services.users import actor_for

BAR, SEAL, BODY, VALVE = "BAR-40", "SEAL-KIT", "BODY-1", "VALVE-1"
TODAY = date.today()


@dataclass(frozen=True)
class Plant:
    factory: sessionmaker[Session]
    operator: Actor
    operator2: Actor
    supervisor: Actor
    inspector: Actor
    admin: Actor

    def receive_bar(self, quantity: float = 10.0, *, released: bool = True, heat: str = "H-1") -> str:
        """A bar delivery through goods in (and out of quarantine); returns its lot code."""
        lot = receive(self.factory, self.operator, Receipt(
            part_number=BAR, supplier="ACME", supplier_lot=f"S-{uuid.uuid4().hex[:6]}", quantity=quantity,
            heat_number=heat, material_cert_ref="certs/3.1-4711.pdf")).lot
        if released:
            release(self.factory, self.inspector, lot.code)
        return lot.code

    def receive_seals(self, quantity: float = 50, **fields: Any) -> str:
        lot = receive(self.factory, self.operator, Receipt(
            part_number=SEAL, supplier="ACME", supplier_lot="SK-1", quantity=quantity, **fields)).lot
        release(self.factory, self.inspector, lot.code)
        return lot.code

    def bodies(self, count: int = 1, order: str = "WO-BODY") -> list[str]:
        return [v.code for v in serialize(self.factory, self.operator,
                                          SerializeRequest(count=count, work_order=order)).created]

    def valves(self, count: int = 1) -> list[str]:
        return self.bodies(count, order="WO-VALVE")

    def finished_bodies(self, count: int = 1) -> list[str]:
        """Bodies through their whole route, released for assembly."""
        bar, bodies = self.receive_bar(), self.bodies(count)
        record_step(self.factory, self.operator, StepStart(station="SAW-PC1", items=tuple(bodies)),
                    StepCompletion(components=(ComponentScan(bar),)))
        for station in ("TRN-PC1", "QL-PC1"):
            record_step(self.factory, self.operator, StepStart(station=station, items=tuple(bodies)))
        return bodies

    def edit(self, change: Callable[[Session], None]) -> None:
        """Change master or item data behind the services' back, as set-up for a test."""
        with self.factory() as session, session.begin():
            session.info[ACTOR_KEY] = SYSTEM
            change(session)

    def item(self, code: str) -> Item:
        with self.factory() as session:
            return session.scalars(select(Item).where(Item.code == code)).one()

    def hold(self, code: str, ncr: str = "NCR-26-0003") -> None:
        def put_on_hold(session: Session) -> None:
            item = session.scalars(select(Item).where(Item.code == code)).one()
            item.status = ItemStatus.ON_HOLD
            nc = Nonconformance(id=uuid.uuid4(), number=ncr, description="Bore oversize",
                                status=NonconformanceStatus.OPEN, opened_by_id=self.inspector.user_id)
            session.add(nc)
            session.flush()
            session.execute(nonconformance_items.insert().values(nonconformance_id=nc.id, item_id=item.id))
        self.edit(put_on_hold)


def _user(session: Session, username: str, role: Role) -> Actor:
    user = User(id=uuid.uuid4(), username=username, full_name=f"{role.label} {username}", role=role,
                password_hash="not-a-login")
    session.add(user)
    session.flush()
    return actor_for(user)


def _route(session: Session, part: PartDefinition, operations: list[tuple[int, str, str]]) -> Route:
    route = Route(id=uuid.uuid4(), part_id=part.id, version=1, active=True)
    session.add(route)
    session.flush()
    session.add_all(Operation(route_id=route.id, seq=seq, name=name, work_center=centre)
                    for seq, name, centre in operations)
    return route


def build_plant(session: Session) -> dict[str, Actor]:
    actors = {name: _user(session, name, role) for name, role in (
        ("op", Role.OPERATOR), ("op2", Role.OPERATOR), ("sup", Role.SUPERVISOR), ("insp", Role.INSPECTOR),
        ("adm", Role.ADMIN))}
    session.add(Supplier(code="ACME", name="Acme Steel", country="DE"))
    customer = Customer(id=uuid.uuid4(), code="CUST", name="Severn Valves Ltd", country="GB")
    session.add(customer)
    parts = {number: PartDefinition(id=uuid.uuid4(), part_number=number, revision="A", description=text,
                                    tracking=tracking, unit=unit, shelf_life_days=shelf)
             for number, text, tracking, unit, shelf in (
                 (BAR, "Round bar 316L Ø40", Tracking.LOT, "m", None),
                 (SEAL, "O-ring kit FKM", Tracking.LOT, "pcs", 365),
                 (BODY, "Valve body", Tracking.SERIAL, "pcs", None),
                 (VALVE, "Needle valve", Tracking.SERIAL, "pcs", None))}
    session.add_all(parts.values())
    session.flush()
    session.add_all(BomLine(parent_part_id=parts[parent].id, component_part_id=parts[component].id,
                            quantity_per=quantity, operation_seq=10)
                    for parent, component, quantity in ((BODY, BAR, 0.12), (VALVE, BODY, 1.0),
                                                        (VALVE, SEAL, 1.0)))
    body_route = _route(session, parts[BODY], [(10, "Saw bar stock", "Saw"), (20, "CNC turning", "Turning"),
                                               (30, "Final inspection", "Quality lab")])
    valve_route = _route(session, parts[VALVE], [(10, "Assembly", "Assembly"), (20, "Leak test", "Test")])
    stations = {name: Station(id=uuid.uuid4(), name=name, work_center=centre) for name, centre in (
        ("GR-PC1", "Goods receipt"), ("SAW-PC1", "Saw"), ("TRN-PC1", "Turning"), ("QL-PC1", "Quality lab"),
        ("ASM-PC1", "Assembly"), ("TST-PC1", "Test"), ("SHP-PC1", "Shipping"))}
    session.add_all(stations.values())
    session.flush()
    in_date = TODAY + timedelta(days=100)
    session.add_all(Equipment(code=code, name=name, kind=kind, status=status, station_id=stations[station].id,
                              calibration_due_on=due) for code, name, kind, status, station, due in (
        ("SAW-01", "Bandsaw", EquipmentKind.MACHINE, EquipmentStatus.ACTIVE, "SAW-PC1", None),
        ("LTH-01", "CNC lathe", EquipmentKind.MACHINE, EquipmentStatus.ACTIVE, "TRN-PC1", None),
        ("LTH-09", "Old lathe", EquipmentKind.MACHINE, EquipmentStatus.OUT_OF_SERVICE, "TRN-PC1", None),
        ("CAL-01", "Caliper 150 mm", EquipmentKind.GAUGE, EquipmentStatus.ACTIVE, "QL-PC1", TODAY),
        ("CAL-03", "Caliper 150 mm", EquipmentKind.GAUGE, EquipmentStatus.ACTIVE, "QL-PC1",
         TODAY - timedelta(days=1)),
        ("TRQ-01", "Torque wrench", EquipmentKind.TOOL, EquipmentStatus.ACTIVE, "ASM-PC1", in_date),
        ("LKT-01", "Leak test rig", EquipmentKind.TEST_RIG, EquipmentStatus.ACTIVE, "TST-PC1", in_date)))
    session.add_all([
        WorkOrder(number="WO-BODY", part_id=parts[BODY].id, route_id=body_route.id, quantity=20,
                  status=WorkOrderStatus.RELEASED),
        WorkOrder(number="WO-VALVE", part_id=parts[VALVE].id, route_id=valve_route.id, quantity=20,
                  status=WorkOrderStatus.RELEASED),
        WorkOrder(number="WO-PLANNED", part_id=parts[BODY].id, route_id=body_route.id, quantity=5,
                  status=WorkOrderStatus.PLANNED),
        CustomerOrder(number="SO-1", customer_id=customer.id, ordered_at=datetime.now(UTC))])
    return actors


@pytest.fixture
def plant(factory: sessionmaker[Session]) -> Plant:
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        actors = build_plant(session)
    return Plant(factory=factory, operator=actors["op"], operator2=actors["op2"], supervisor=actors["sup"],
                 inspector=actors["insp"], admin=actors["adm"])


WRITTEN = (Item, StepRecord, StepParameter, GenealogyLink, Shipment, ShipmentLine, WorkOrder, AuditEvent)


def snapshot(factory: sessionmaker[Session]) -> dict[str, Any]:
    """Row counts of everything a station writes, and every item's and order's quantity and status."""
    with factory() as session:
        state: dict[str, Any] = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                                 for model in WRITTEN}
        state["item_state"] = sorted((str(i), q, s) for i, q, s in session.execute(
            select(Item.id, Item.quantity, Item.status)))
        state["order_state"] = sorted((n, s) for n, s in session.execute(select(WorkOrder.number,
                                                                                 WorkOrder.status)))
        return state


def refused(factory: sessionmaker[Session], error: type[DomainError], call: Callable[[], object],
            *phrases: str) -> str:
    """Run `call`, expect `error` whose message contains every phrase, and nothing written; the message."""
    before = snapshot(factory)
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"
    assert snapshot(factory) == before, "a refused call wrote something"
    return message


def audit_rows(factory: sessionmaker[Session], table: str, row_id: object) -> list[AuditEvent]:
    with factory() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.table_name == table,
                                                             AuditEvent.row_id == str(row_id))
                                    .order_by(AuditEvent.id)))
