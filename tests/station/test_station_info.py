"""The station screens' reads: the load an item's step under way belongs to, the rework a station could
do on an item, and who may approve a rework loop at the bench."""

from __future__ import annotations

import pytest

from app.models import Role
from app.services.errors import AuthenticationFailed, PermissionDenied
from app.services.station import (
    ComponentScan,
    StepCompletion,
    StepStart,
    record_step,
    start_step,
    station_task,
)
from app.services.station.station_info import identify, open_load, rework_approver
from app.services.station.task import rework_task
from app.services.users import add_user
from tests.station.conftest import BAR, Plant

SAW = {"station": "SAW-PC1", "equipment": "SAW-01"}


def test_an_item_of_a_load_under_way_names_the_whole_load(plant: Plant):
    bodies = plant.bodies(3)
    load = start_step(plant.factory, plant.operator, StepStart(items=tuple(bodies[:2]), **SAW))
    start_step(plant.factory, plant.operator, StepStart(items=(bodies[2],), **SAW))  # another load, later
    found = identify(plant.factory, "SAW-PC1", bodies[1], load_task=True)
    assert found.task is not None and found.task.open_steps == (load.step_ids[1],)
    assert found.open_load is not None and found.rework is None
    assert found.open_load.step_ids == (load.step_ids[1], load.step_ids[0])  # the scanned one first
    assert [item.code for item in found.open_load.items] == [bodies[1], bodies[0]]
    assert found.open_load.equipment == "SAW-01" and found.open_load.operation.seq == 10
    assert found.open_load.started_at.tzinfo is not None
    assert open_load(plant.factory, load.step_ids[:1]).step_ids == load.step_ids


def test_the_rework_offered_is_the_last_operation_passed_at_this_station(plant: Plant):
    bar = plant.receive_bar()
    (body,) = plant.bodies(1)
    assert rework_task(plant.factory, "SAW-PC1", body) is None, "nothing passed yet"
    record_step(plant.factory, plant.operator, StepStart(items=(body,), **SAW),
                StepCompletion(components=(ComponentScan(bar),)))
    found = identify(plant.factory, "SAW-PC1", body, load_task=True)
    assert found.task is not None and found.task.due is None
    assert found.rework is not None and found.rework.due is not None and found.rework.due.seq == 10
    assert [need.part_number for need in found.rework.components] == [BAR]  # the saw takes bar again
    assert rework_task(plant.factory, "TRN-PC1", body) is None, "nothing passed at turning"
    assert station_task(plant.factory, "TRN-PC1", body).due is not None


def test_only_a_supervisor_approves_rework(plant: Plant):
    for username, role in (("sup.bench", Role.SUPERVISOR), ("insp.bench", Role.INSPECTOR)):
        add_user(plant.factory, plant.admin, username=username, full_name=f"{role.label} at the bench",
                 role=role, password="bench-secret-1")
    supervisor = rework_approver(plant.factory, "sup.bench", "bench-secret-1")
    assert supervisor.role is Role.SUPERVISOR and supervisor.user_id is not None
    with pytest.raises(PermissionDenied, match=r"\(inspector\) may not approve rework: only a supervisor"):
        rework_approver(plant.factory, "insp.bench", "bench-secret-1")
    with pytest.raises(AuthenticationFailed):
        rework_approver(plant.factory, "sup.bench", "wrong password")
