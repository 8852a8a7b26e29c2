"""Logging steps: what a completed step writes (record, parameters, consumption, genealogy, audit), a whole
route, batches, start and complete, rework loops and what the station shows after a scan."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import (
    GenealogyLink,
    ItemStatus,
    ParameterSource,
    StepParameter,
    StepRecord,
    StepResult,
    WorkOrder,
    WorkOrderStatus,
)
from app.services.station import (
    ComponentScan,
    Reading,
    StepCompletion,
    StepStart,
    complete_step,
    record_step,
    start_step,
    station_task,
)
from app.services.station.errors import (
    OutOfRouteOrder,
    ReworkNeedsSupervisor,
    StepAlreadyStarted,
    StepNotOpen,
)
from tests.station.conftest import BODY, Plant, audit_rows, refused

SAW = {"station": "SAW-PC1", "equipment": "SAW-01"}


def saw(plant: Plant, body: str, bar: str) -> None:
    record_step(plant.factory, plant.operator, StepStart(items=(body,), **SAW),
                StepCompletion(components=(ComponentScan(bar),)))


def test_a_completed_step_writes_record_parameters_consumption_genealogy_and_audit(plant):
    bar = plant.receive_bar(10.0)
    body = plant.bodies(1)[0]
    done = record_step(plant.factory, plant.operator, StepStart(items=(body,), **SAW), StepCompletion(
        components=(ComponentScan(bar),),
        parameters=(Reading("Blade speed", 62.0, unit="m/min", source=ParameterSource.SENSOR),
                    Reading("Coolant", text_value="ok"))))

    assert done.result is StepResult.PASS and done.operation.label == "10 Saw bar stock"
    assert done.message.startswith(f"10 Saw bar stock recorded for Serial {body} ({BODY}): pass.")
    assert f"Used 0.12 m of Lot {bar}" in done.message and "(9.88 left)" in done.message
    assert done.consumed[0].quantity == pytest.approx(0.12) and done.consumed[0].item.quantity == 9.88
    with plant.factory() as session:
        step = session.get_one(StepRecord, done.step_ids[0])
        assert step.operator_id == plant.operator.user_id and step.result is StepResult.PASS
        assert step.completed_at is not None and step.started_at <= step.completed_at
        params = {p.name: p for p in session.scalars(select(StepParameter)
                                                      .where(StepParameter.step_id == step.id))}
        assert params["Blade speed"].value == 62.0 and params["Blade speed"].source is ParameterSource.SENSOR
        assert params["Coolant"].text_value == "ok"
        link = session.scalars(select(GenealogyLink).where(GenealogyLink.step_id == step.id)).one()
        assert (link.parent_item_id, link.child_item_id, link.quantity) == (
            done.consumed[0].item.id, done.items[0].id, pytest.approx(0.12))
        assert session.scalars(select(WorkOrder.status).where(WorkOrder.number == "WO-BODY")).one() \
            is WorkOrderStatus.IN_PROGRESS
    assert plant.item(body).status is ItemStatus.IN_PROCESS
    # Every row written names the operator in the audit trail.
    for table, row_id in (("step_records", step.id), ("genealogy_links", link.id),
                          *(("step_parameters", p.id) for p in params.values())):
        (created,) = audit_rows(plant.factory, table, row_id)
        assert created.action == "create" and created.user_id == plant.operator.user_id
    update = audit_rows(plant.factory, "items", done.consumed[0].item.id)[-1]
    assert update.old_values == {"quantity": 10.0} and update.new_values == {"quantity": 9.88}
    assert update.username == plant.operator.username


def test_the_last_of_a_lot_consumes_it(plant):
    bar = plant.receive_bar(0.24)
    first, second = plant.bodies(2)
    saw(plant, first, bar)
    saw(plant, second, bar)
    lot = plant.item(bar)
    assert lot.quantity == 0 and lot.status is ItemStatus.CONSUMED


def test_a_body_goes_through_its_route_and_is_released_at_the_end(plant):
    bar = plant.receive_bar()
    body = plant.bodies(1)[0]
    saw(plant, body, bar)
    turned = record_step(plant.factory, plant.operator, StepStart(station="TRN-PC1", items=(body,),
                                                                  equipment="LTH-01"))
    assert turned.operation.seq == 20 and plant.item(body).status is ItemStatus.IN_PROCESS
    record_step(plant.factory, plant.operator, StepStart(station="QL-PC1", items=(body,), equipment="CAL-01"))
    assert plant.item(body).status is ItemStatus.RELEASED  # CAL-01 is due today: still in calibration


def test_a_batch_shares_the_material_by_amount(plant):
    bar = plant.receive_bar()
    bodies = plant.bodies(3)
    done = record_step(plant.factory, plant.operator, StepStart(items=tuple(bodies), **SAW),
                       StepCompletion(components=(ComponentScan(bar),)))
    assert len(done.step_ids) == 3 and done.consumed[0].quantity == pytest.approx(0.36)
    assert "for 3 items of BODY-1" in done.message
    with plant.factory() as session:
        links = session.scalars(select(GenealogyLink).where(GenealogyLink.step_id.in_(done.step_ids))).all()
    assert sorted(link.quantity for link in links) == pytest.approx([0.12] * 3)
    assert plant.item(bar).quantity == pytest.approx(9.64)


def test_a_failed_step_keeps_the_item_in_process_and_may_be_repeated(plant):
    bar = plant.receive_bar()
    body = plant.bodies(1)[0]
    saw(plant, body, bar)
    turning = StepStart(station="TRN-PC1", items=(body,), equipment="LTH-01")
    record_step(plant.factory, plant.operator, turning,
                StepCompletion(result=StepResult.FAIL, notes="chatter"))
    refused(plant.factory, OutOfRouteOrder, lambda: record_step(
        plant.factory, plant.operator, StepStart(station="QL-PC1", items=(body,), operation_seq=30)),
            "has not passed 20 CNC")
    record_step(plant.factory, plant.operator, turning)  # not rework: 20 was never passed
    record_step(plant.factory, plant.operator, StepStart(station="QL-PC1", items=(body,)))
    assert plant.item(body).status is ItemStatus.RELEASED


def test_start_and_complete_a_long_operation(plant):
    bar = plant.receive_bar()
    bodies = plant.bodies(2)
    start = StepStart(items=tuple(bodies), **SAW)
    started = start_step(plant.factory, plant.operator, start)
    assert started.result is StepResult.IN_PROGRESS and "started for 2 items" in started.message
    task = station_task(plant.factory, "SAW-PC1", bodies[0])
    assert task.open_steps == (started.step_ids[0],)
    refused(plant.factory, StepAlreadyStarted, lambda: record_step(plant.factory, plant.operator, start),
            "was started at", "Complete that step instead")
    done = complete_step(plant.factory, plant.operator2, started.step_ids, StepCompletion(
        components=(ComponentScan(bar),), parameters=(Reading("Blade speed", 60.0),)))
    assert done.step_ids == started.step_ids and done.result is StepResult.PASS
    with plant.factory() as session:
        steps = session.scalars(select(StepRecord).where(StepRecord.id.in_(done.step_ids))).all()
        assert {s.result for s in steps} == {StepResult.PASS} and all(s.completed_at for s in steps)
        assert session.scalar(select(StepParameter.value).where(StepParameter.step_id == steps[0].id)) == 60.0
    assert plant.item(bar).quantity == pytest.approx(9.76)
    refused(plant.factory, StepNotOpen,
            lambda: complete_step(plant.factory, plant.operator, started.step_ids),
            "is not in progress", "ended pass")


def test_a_rework_loop_needs_a_supervisor_and_reopens_the_later_operations(plant):
    (body,) = plant.finished_bodies()
    assert plant.item(body).status is ItemStatus.RELEASED
    turning = StepStart(station="TRN-PC1", items=(body,), equipment="LTH-01", operation_seq=20)
    refused(plant.factory, ReworkNeedsSupervisor, lambda: record_step(plant.factory, plant.operator, turning),
            f"Serial {body} (BODY-1) has already passed 20 CNC turning. Doing it again is rework: ask a "
            "supervisor to approve it. It has finished its route.")
    approved = StepStart(station="TRN-PC1", items=(body,), equipment="LTH-01", operation_seq=20,
                         approved_by=plant.supervisor, notes="bore re-turned")
    done = record_step(plant.factory, plant.operator, approved)
    with plant.factory() as session:
        step = session.get_one(StepRecord, done.step_ids[0])
    assert step.operator_id == plant.operator.user_id
    assert step.notes == f"Rework approved by {plant.supervisor.full_name}: bore re-turned"
    assert audit_rows(plant.factory, "step_records", step.id)[0].reason.startswith("Rework approved by")
    # Re-turned, the body is in process again and final inspection is due once more.
    assert plant.item(body).status is ItemStatus.IN_PROCESS
    task = station_task(plant.factory, "QL-PC1", body)
    assert task.due is not None and task.due.seq == 30
    assert [(r.operation.seq, r.passed) for r in task.route] == [(10, True), (20, True), (30, False)]
    # A supervisor recording it needs no one else; an operator cannot approve an operator.
    record_step(plant.factory, plant.supervisor, turning)
    with_operator = StepStart(station="TRN-PC1", items=(body,), operation_seq=20, approved_by=plant.operator2)
    refused(plant.factory, ReworkNeedsSupervisor,
            lambda: record_step(plant.factory, plant.operator, with_operator))
    record_step(plant.factory, plant.operator, StepStart(station="QL-PC1", items=(body,)))
    assert plant.item(body).status is ItemStatus.RELEASED


def test_the_station_shows_what_is_due_here_and_what_it_needs(plant):
    body = plant.bodies(1)[0]
    task = station_task(plant.factory, "SAW-PC1", body)
    assert task.due is not None and task.due.label == "10 Saw bar stock" and task.work_order == "WO-BODY"
    assert [(n.part_number, n.quantity, n.unit) for n in task.components] == [("BAR-40", 0.12, "m")]
    assert [e.code for e in task.equipment] == ["SAW-01"] and task.equipment[0].usable
    assert [(r.operation.seq, r.passed) for r in task.route] == [(10, False), (20, False), (30, False)]
    elsewhere = station_task(plant.factory, "QL-PC1", body)
    assert elsewhere.due is None and elsewhere.components == ()
    assert elsewhere.hint == "Next on its route is 10 Saw bar stock at Saw: take it there."
    assert {e.code: e.usable for e in elsewhere.equipment} == {"CAL-01": True, "CAL-03": False}
    plant.hold(body)
    held = station_task(plant.factory, "SAW-PC1", body)
    assert held.due is None and "is on hold (NCR-26-0003)" in held.hint
