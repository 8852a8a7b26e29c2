"""The demo plant's process parameters: limits on its operations, MQTT sources on its machines, and a
history whose recorded values carry the limits and sensor provenance the station would have stored."""

from __future__ import annotations

from sqlalchemy import select

from app.models import (
    OnViolation,
    OperationParameter,
    ParameterSource,
    SensorSource,
    StepParameter,
    StepRecord,
)
from app.services.demo import build_demo_plant
from app.services.demo.catalogue import BAR, BODY
from app.services.permissions import SYSTEM
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
    station_task,
)
from app.services.station.parameter_setup import operation_parameters, station_sources
from tests.station.test_demo_route import people, set_up


def test_the_demo_asks_for_parameters_and_its_machines_publish_them(factory):
    build_demo_plant(factory, SYSTEM, units=60, seed=5)
    turning = operation_parameters(factory, BODY, 20)
    assert [(p.name, p.unit, p.lower_limit, p.upper_limit, p.blocks) for p in turning] == [
        ("Spindle speed", "rpm", 1500, 1700, True), ("Feed", "mm/rev", 0.10, 0.14, False)]
    heat = {p.name: p for p in operation_parameters(factory, BODY, 30)}
    assert heat["Furnace temperature"].blocks and not heat["Soak time"].blocks
    assert {(s.equipment, s.name, s.ref) for s in station_sources(factory, "TRN-PC1")} == {
        ("LTH-01", "Spindle speed", "mqtt:threadline/demo/LTH-01/spindle_speed"),
        ("LTH-01", "Feed", "mqtt:threadline/demo/LTH-01/feed")}

    # A body due at turning: the station shows what to record and where the lathe publishes it.
    set_up(factory)
    who = people(factory)
    op = who["op.schmidt"]
    bar = receive(factory, op, Receipt(part_number=BAR, supplier="EMS", supplier_lot="B-T", quantity=1.0,
                                       heat_number="H-T", material_cert_ref="3.1-T")).lot.code
    release(factory, who["insp.novak"], bar)
    body = serialize(factory, op, SerializeRequest(count=1, work_order="WO-T-BODY")).created[0].code
    record_step(factory, op, StepStart(station="SAW-PC1", items=(body,), equipment="SAW-01"),
                StepCompletion(components=(ComponentScan(bar),)))
    specs = {p.name: p for p in station_task(factory, "TRN-PC1", body).parameters}
    assert specs["Spindle speed"].sensor == "mqtt:threadline/demo/LTH-01/spindle_speed"
    assert specs["Feed"].sensor == "mqtt:threadline/demo/LTH-01/feed"


def test_the_demo_history_keeps_limits_and_sensor_provenance(factory):
    build_demo_plant(factory, SYSTEM, units=60, seed=5)
    with factory() as session:
        blocking = {name for name, rule in session.execute(
            select(OperationParameter.name, OperationParameter.on_violation)) if rule is OnViolation.BLOCK}
        torque = session.scalar(select(SensorSource.address).where(SensorSource.name == "Bonnet torque")
                                .order_by(SensorSource.address).limit(1))
        assert torque == "threadline/demo/TRQ-01/bonnet_torque"
        rows = session.execute(select(StepParameter, StepRecord.started_at)
                               .join(StepRecord, StepParameter.step_id == StepRecord.id)).all()
    assert rows
    for param, started_at in rows:
        if param.source is ParameterSource.SENSOR:
            assert param.source_ref and param.source_ref.startswith("mqtt:threadline/demo/")
            assert param.source_ref.endswith(param.name.lower().replace(" ", "_"))
            assert param.read_at == started_at
        else:
            assert (param.source_ref, param.read_at) == (None, None)
        low, high = param.lower_limit, param.upper_limit
        assert low is not None or high is not None, f"{param.name} has no limits on record"
        outside = (low is not None and param.value < low) or (high is not None and param.value > high)
        assert param.out_of_limits == outside
        assert not (outside and param.name in blocking), "a blocking limit would have refused this step"
