"""The demo plant's valve made through the station services from the bar delivery to the customer: goods in,
release, bodies through five operations (the furnace run started and completed as one batch), assembly from
body, seal kit and spring, leak test, packing, shipment — then the trace and the audit trail agree."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from app.models import (
    AuditEvent,
    Equipment,
    ParameterSource,
    PartDefinition,
    Route,
    StepRecord,
    User,
    WorkOrder,
    WorkOrderStatus,
)
from app.services.audit import ACTOR_KEY
from app.services.demo import build_demo_plant
from app.services.demo.catalogue import BAR, BODY, SEALS, SPRINGS, VALVE
from app.services.permissions import SYSTEM, Actor
from app.services.station import (
    ComponentScan,
    Reading,
    Receipt,
    SerializeRequest,
    ShipRequest,
    StepCompletion,
    StepStart,
    complete_step,
    receive,
    record_step,
    release,
    serialize,
    ship,
    start_step,
)
from app.services.station.errors import EquipmentNotCalibrated
from app.services.trace import trace
from app.services.users import actor_for
from app.trace import Direction
from tests.station.conftest import TODAY, refused

SENSOR = ParameterSource.SENSOR


def people(factory) -> dict[str, Actor]:
    with factory() as session:
        return {u.username: actor_for(u) for u in session.scalars(select(User))}


def set_up(factory) -> None:
    """Work orders for this test, and the calibration lab's round: the demo dates its calibrations against
    its own last day, months ago — all but the caliper the demo wants found overdue are back in date."""
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        session.execute(update(Equipment).where(Equipment.calibration_due_on.isnot(None),
                                                Equipment.code != "CAL-03")
                        .values(calibration_due_on=TODAY + timedelta(days=90)))
        for number, part_number in (("WO-T-BODY", BODY), ("WO-T-VALVE", VALVE)):
            part = session.scalars(select(PartDefinition)
                                   .where(PartDefinition.part_number == part_number)).one()
            route = session.scalars(select(Route).where(Route.part_id == part.id)).one()
            session.add(WorkOrder(number=number, part_id=part.id, route_id=route.id, quantity=2,
                                  status=WorkOrderStatus.RELEASED))


def test_a_valve_from_bar_delivery_to_customer(factory):
    summary = build_demo_plant(factory, SYSTEM, units=60, seed=7)
    set_up(factory)
    demo_steps = step_operators(factory).keys()
    who = people(factory)
    op, inspector = who["op.schmidt"], who["insp.novak"]

    def received(part: str, supplier: str, quantity: float, **fields: Any) -> str:
        lot = receive(factory, op, Receipt(part_number=part, supplier=supplier, supplier_lot=f"{part}-T",
                                           quantity=quantity, station="GR-PC1", **fields)).lot.code
        release(factory, inspector, lot)
        return lot

    bar = received(BAR, "EMS", 6.0, heat_number="H-TEST-77", material_cert_ref="3.1-EMS-77")
    seals, springs = received(SEALS, "MTS", 10), received(SPRINGS, "MVG", 10)

    made = serialize(factory, op, SerializeRequest(count=2, work_order="WO-T-BODY"))
    bodies = tuple(view.code for view in made.created)

    def step(station: str, items: tuple[str, ...], equipment: str | None = None, *readings: Reading,
             components: tuple[ComponentScan, ...] = ()) -> None:
        record_step(factory, op, StepStart(station=station, items=items, equipment=equipment),
                    StepCompletion(components=components, parameters=readings))

    step("SAW-PC1", bodies, "SAW-01", components=(ComponentScan(bar),))
    for body in bodies:
        step("TRN-PC1", (body,), "LTH-01", Reading("Spindle speed", 1600, unit="rpm", source=SENSOR),
             Reading("Feed", 0.12, unit="mm/rev", source=SENSOR))
    furnace = start_step(factory, who["op.yilmaz"], StepStart(
        station="HT-PC1", items=bodies, equipment="FRN-01", notes="Furnace load HT-T-1"))
    complete_step(factory, who["op.yilmaz"], furnace.step_ids, StepCompletion(parameters=(
        Reading("Furnace temperature", 1060.5, unit="°C", source=SENSOR),
        Reading("Soak time", 31, unit="min"))))
    for body in bodies:
        step("GRD-PC1", (body,), "GRD-01", Reading("Coolant temperature", 21.4, unit="°C", source=SENSOR))
    # The final inspector reaches for the caliper that is overdue: refused, nothing written.
    refused(factory, EquipmentNotCalibrated, lambda: step("QL-PC1", bodies[:1], "CAL-03"),
            "Equipment CAL-03 (Digital caliper 0–150 mm, Mitutoyo 500-196) was due for calibration on")
    step("QL-PC1", bodies)

    valve = serialize(factory, op, SerializeRequest(count=1, work_order="WO-T-VALVE")).created[0].code
    step("ASM-PC1", (valve,), "TRQ-01", Reading("Bonnet torque", 45.1, unit="Nm", source=SENSOR),
         components=(ComponentScan(bodies[0]), ComponentScan(seals), ComponentScan(springs)))
    step("TST-PC1", (valve,), "LKT-01", Reading("Test pressure", 240.2, unit="bar", source=SENSOR),
         Reading("Leak rate", 2.1e-5, unit="mbar·l/s", source=SENSOR))
    step("PCK-PC1", (valve,), "TQM-01")
    shipped = ship(factory, op, ShipRequest(customer_order=summary.examples["customer_order"],
                                            items=(valve,)))

    # Forward from the heat: the valve, its shipment, the customer.
    forward = trace(factory, "H-TEST-77", Direction.FORWARD)
    reached = {node.identifier for node in forward.nodes.values()}
    assert {bar, *bodies, valve} <= reached
    assert [s.number for views in forward.shipments.values() for s in views] == [shipped.number]
    # Reverse from the valve: the steps with their parameters and operators, down to the bar's receipt.
    reverse = trace(factory, valve, Direction.REVERSE)
    body_id = next(n.id for n in reverse.nodes.values() if n.identifier == bodies[0])
    operations = [s.operation for s in reverse.steps[body_id]]
    assert operations == ["10 Saw bar stock", "20 CNC turning", "30 Heat treatment", "40 Grinding",
                          "50 Final inspection"]
    furnace_step = reverse.steps[body_id][2]
    assert {p.name for p in furnace_step.parameters} == {"Furnace temperature", "Soak time"}
    assert furnace_step.operator == who["op.yilmaz"].full_name
    # Every step this test recorded is in the audit trail under its operator.
    recorded = {step_id: operator for step_id, operator in step_operators(factory).items()
                if step_id not in demo_steps}
    assert len(recorded) == 2 * 5 + 3 + 3  # the bodies' route, the valve's, three goods receipts
    with factory() as session:
        audited = dict(session.execute(select(AuditEvent.row_id, AuditEvent.user_id)
                                       .where(AuditEvent.table_name == "step_records",
                                              AuditEvent.action == "create")).all())
    assert all(audited[str(step_id)] == operator for step_id, operator in recorded.items())


def step_operators(factory) -> dict:
    with factory() as session:
        return dict(session.execute(select(StepRecord.id, StepRecord.operator_id)).all())
