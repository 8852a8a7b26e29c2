"""Every rule of step logging refuses with its own error, a sentence that names the item and says what to
do, and writes nothing (`refused` compares every written table and every item's state before and after)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.models import Item, ItemStatus, StepResult, WorkOrder, WorkOrderStatus
from app.models.base import utcnow
from app.services.errors import PermissionDenied
from app.services.permissions import SYSTEM, Actor
from app.services.station import ComponentScan, Reading, StepCompletion, StepStart, record_step
from app.services.station.errors import (
    AmbiguousScan,
    EquipmentNotActive,
    EquipmentNotCalibrated,
    Expired,
    InsufficientQuantity,
    InvalidRequest,
    ItemUsedUp,
    LotOnHold,
    LotUsedUp,
    MissingComponent,
    NotAPerson,
    NotFinished,
    NotOnRoute,
    OutOfRouteOrder,
    Quarantined,
    UnknownScan,
    WorkOrderNotOpen,
    WrongPart,
    WrongStation,
)
from tests.station.conftest import TODAY, Plant, refused


def saw(plant: Plant, *components: ComponentScan, items: tuple[str, ...] = (), equipment: str = "SAW-01",
        actor: Actor | None = None, **start: Any) -> Callable[[], object]:
    """A call that saws `items` from `components` at SAW-PC1, to be refused."""
    return lambda: record_step(plant.factory, actor or plant.operator,
                               StepStart(station="SAW-PC1", items=items, equipment=equipment, **start),
                               StepCompletion(components=components))


@pytest.fixture
def body(plant: Plant) -> str:
    return plant.bodies(1)[0]


@pytest.fixture
def bar(plant: Plant) -> str:
    return plant.receive_bar(10.0)


def test_a_component_on_hold_names_its_nonconformance(plant, body, bar):
    plant.hold(bar)
    message = refused(plant.factory, LotOnHold, saw(plant, ComponentScan(bar), items=(body,)))
    assert message == (f"Lot {bar} (BAR-40) is on hold (NCR-26-0003): it cannot be consumed. Set it aside "
                       "and ask quality to disposition it.")


def test_the_item_worked_on_may_not_be_on_hold(plant, body, bar):
    plant.hold(body, ncr="NCR-26-0009")
    refused(plant.factory, LotOnHold, saw(plant, ComponentScan(bar), items=(body,)),
            f"Serial {body} (BODY-1) is on hold (NCR-26-0009): it cannot be worked on.")


def test_a_quarantined_lot_waits_for_its_release(plant, body):
    bar = plant.receive_bar(released=False)
    refused(plant.factory, Quarantined, saw(plant, ComponentScan(bar), items=(body,)),
            f"Lot {bar} (BAR-40) is in quarantine: it cannot be consumed until an inspector releases it.")


def test_a_used_up_lot_is_gone(plant, bar):
    first, second = plant.bodies(2)
    saw(plant, ComponentScan(bar, quantity=10.0), items=(first,))()
    refused(plant.factory, LotUsedUp, saw(plant, ComponentScan(bar), items=(second,)),
            f"Lot {bar} (BAR-40) has nothing left: it was used up, so it cannot be consumed. Scan another "
            "lot of BAR-40.")


def test_a_scrapped_serial_is_gone(plant, body, bar):
    def scrap(session):
        session.scalars(select(Item).where(Item.code == body)).one().status = ItemStatus.SCRAPPED
    plant.edit(scrap)
    refused(plant.factory, ItemUsedUp, saw(plant, ComponentScan(bar), items=(body,)),
            f"Serial {body} (BODY-1) is scrapped: it cannot be worked on. Take it off the line and scan "
            "another serial of BODY-1.")


def test_expired_material_is_refused(plant):
    (body,) = plant.finished_bodies()
    seals = plant.receive_seals(expires_on=TODAY - timedelta(days=1))
    assembly = StepStart(station="ASM-PC1", items=tuple(plant.valves()), equipment="TRQ-01")
    refused(plant.factory, Expired, lambda: record_step(
        plant.factory, plant.operator, assembly,
        StepCompletion(components=(ComponentScan(body), ComponentScan(seals)))),
        f"Lot {seals} (SEAL-KIT) expired on {(TODAY - timedelta(days=1)).isoformat()}: it cannot be "
        "consumed.")


def test_a_finished_body_goes_into_a_valve_but_an_unfinished_one_does_not(plant, body):
    seals = plant.receive_seals()
    assembly = StepStart(station="ASM-PC1", items=(plant.valves()[0],), equipment="TRQ-01")
    refused(plant.factory, NotFinished, lambda: record_step(
        plant.factory, plant.operator, assembly, StepCompletion(components=(ComponentScan(body),
                                                                            ComponentScan(seals)))),
        f"Serial {body} (BODY-1) is not finished (10 Saw bar stock is still open on its route): it cannot be "
        "consumed. Finish its route first.")


def test_the_wrong_part_is_refused_with_what_the_operation_takes(plant, body):
    seals = plant.receive_seals()
    refused(plant.factory, WrongPart, saw(plant, ComponentScan(seals), items=(body,)),
            f"Lot {seals} (SEAL-KIT) is the wrong part: BODY-1 takes BAR-40 at 10 Saw bar stock.")


def test_every_component_of_the_operation_is_needed(plant, body):
    valve = plant.valves()[0]
    seals = plant.receive_seals()
    refused(plant.factory, MissingComponent, lambda: record_step(
        plant.factory, plant.operator, StepStart(station="ASM-PC1", items=(valve,)),
        StepCompletion(components=(ComponentScan(seals),))),
        "10 Assembly of VALVE-1 also needs BODY-1 (Valve body).")


def test_a_lot_cannot_give_more_than_it_has(plant, body):
    bar = plant.receive_bar(0.1)
    refused(plant.factory, InsufficientQuantity, saw(plant, ComponentScan(bar), items=(body,)),
            f"Lot {bar} (BAR-40) has only 0.1 m left, 0.12 m are needed.")


@pytest.mark.parametrize("quantity", [0.0, -0.12])
def test_quantities_are_never_zero_or_negative(plant, body, bar, quantity):
    refused(plant.factory, InvalidRequest, saw(plant, ComponentScan(bar, quantity=quantity), items=(body,)),
            "is not a quantity that can be used. Enter more than zero.")


def test_a_serial_is_used_whole_and_in_one_item(plant):
    (body,) = plant.finished_bodies()
    seals = plant.receive_seals()
    valves = plant.valves(2)

    def assemble(items: list[str], quantity: float | None) -> Callable[[], object]:
        return lambda: record_step(
            plant.factory, plant.operator, StepStart(station="ASM-PC1", items=tuple(items)),
            StepCompletion(components=(ComponentScan(body, quantity=quantity), ComponentScan(seals))))

    refused(plant.factory, InvalidRequest, assemble(valves[:1], 2.0), "is one piece and is used whole, not 2")
    refused(plant.factory, InvalidRequest, assemble(valves, None), "can go into one item, not into 2")


def test_equipment_out_of_service_is_refused(plant, body, bar):
    saw(plant, ComponentScan(bar), items=(body,))()
    refused(plant.factory, EquipmentNotActive, lambda: record_step(
        plant.factory, plant.operator, StepStart(station="TRN-PC1", items=(body,), equipment="LTH-09")),
        "Equipment LTH-09 (Old lathe) is out of service: it cannot be used.")


def test_equipment_overdue_for_calibration_is_refused(plant, body, bar):
    saw(plant, ComponentScan(bar), items=(body,))()
    record_step(plant.factory, plant.operator, StepStart(station="TRN-PC1", items=(body,)))
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    refused(plant.factory, EquipmentNotCalibrated, lambda: record_step(
        plant.factory, plant.operator, StepStart(station="QL-PC1", items=(body,), equipment="cal-03")),
        f"Equipment CAL-03 (Caliper 150 mm) was due for calibration on {yesterday}: it cannot be used until "
        "it is calibrated. Use a calibrated gauge")


def test_operations_follow_the_route(plant, body):
    refused(plant.factory, OutOfRouteOrder, lambda: record_step(
        plant.factory, plant.operator, StepStart(station="TRN-PC1", items=(body,), operation_seq=20)),
        f"Serial {body} (BODY-1) has not passed 10 Saw bar stock yet, so 20 CNC turning cannot be recorded. "
        "Next on its route is 10 Saw bar stock at Saw.")


def test_the_operation_due_belongs_to_another_work_centre(plant, body):
    refused(plant.factory, WrongStation, lambda: record_step(
        plant.factory, plant.operator, StepStart(station="TRN-PC1", items=(body,))),
        "Operation 10 Saw bar stock", "is done at Saw, not here at TRN-PC1 (Turning). Take it to Saw.")


def test_operations_not_on_the_route_and_items_without_one(plant, body, bar):
    refused(plant.factory, NotOnRoute, saw(plant, items=(body,), operation_seq=99),
            "has no operation 99. Pick one of: 10 Saw bar stock, 20 CNC turning, 30 Final inspection.")
    refused(plant.factory, NotOnRoute, saw(plant, items=(bar,)),
            f"BAR-40 has no active route, so there is no operation to record for Lot {bar} (BAR-40).")


def test_a_closed_work_order_takes_no_steps(plant, body, bar):
    def close(session):
        session.scalars(select(WorkOrder).where(WorkOrder.number == "WO-BODY")).one().status = \
            WorkOrderStatus.CLOSED
    plant.edit(close)
    refused(plant.factory, WorkOrderNotOpen, saw(plant, ComponentScan(bar), items=(body,)),
            "Work order WO-BODY is closed: nothing can be recorded on it.")


def test_scans_that_name_nothing_or_several_items(plant, body):
    refused(plant.factory, UnknownScan, saw(plant, items=("NO-SUCH-LABEL",)),
            "Nothing is known as 'NO-SUCH-LABEL'. Check the label and scan it again.")
    refused(plant.factory, UnknownScan, saw(plant, items=(body,), equipment="SAW-77"),
            "No equipment is known as 'SAW-77'.")
    plant.receive_bar(heat="H-SHARED")
    plant.receive_bar(heat="H-SHARED")
    refused(plant.factory, AmbiguousScan, saw(plant, ComponentScan("H-SHARED"), items=(body,)),
            "'H-SHARED' is the heat number of several items. Scan the serial or lot number")


def test_mistakes_in_what_was_scanned(plant, body, bar):
    refused(plant.factory, InvalidRequest, saw(plant, ComponentScan(bar), items=(body, body)),
            f"Serial {body} (BODY-1) was scanned twice. Scan each item once.")
    refused(plant.factory, InvalidRequest, saw(plant, ComponentScan(body), items=(body,)),
            "is the item being worked on; it cannot be its own component.")
    seals = plant.receive_seals()
    refused(plant.factory, InvalidRequest, saw(plant, ComponentScan(bar), items=(body, seals)),
            f"A batch holds items of one part: Lot {seals} (SEAL-KIT) is not a BODY-1.")
    refused(plant.factory, InvalidRequest, saw(plant, items=()), "No item was scanned.")


@pytest.mark.parametrize(("reading", "phrase"), [
    (Reading(" "), "A process parameter has no name."),
    (Reading("Blade speed"), "The parameter 'Blade speed' has no value."),
    (Reading("Blade speed", math.nan), "reads nan, which is not a number."),
])
def test_parameters_need_a_name_and_a_value(plant, body, bar, reading, phrase):
    refused(plant.factory, InvalidRequest, lambda: record_step(
        plant.factory, plant.operator, StepStart(station="SAW-PC1", items=(body,)),
        StepCompletion(components=(ComponentScan(bar),), parameters=(reading,))), phrase)


def test_results_and_start_times_that_cannot_be(plant, body, bar):
    refused(plant.factory, InvalidRequest, lambda: record_step(
        plant.factory, plant.operator, StepStart(station="SAW-PC1", items=(body,)),
        StepCompletion(result=StepResult.IN_PROGRESS)), "A step ends in pass or fail")
    refused(plant.factory, InvalidRequest, saw(plant, ComponentScan(bar), items=(body,),
                                               started_at=utcnow() + timedelta(hours=1)), "is in the future")
    refused(plant.factory, InvalidRequest, saw(plant, ComponentScan(bar), items=(body,),
                                               started_at=utcnow().replace(tzinfo=None)), "has no time zone")


def test_only_people_allowed_to_record_steps_may(plant, body, bar):
    refused(plant.factory, NotAPerson, saw(plant, ComponentScan(bar), items=(body,), actor=SYSTEM),
            "the system account is not a person. Log in with your own name first.")
    refused(plant.factory, PermissionDenied,
            saw(plant, ComponentScan(bar), items=(body,), actor=plant.inspector),
            "may not record step")
    with plant.factory() as session:
        assert session.scalar(select(Item.quantity).where(Item.code == bar)) == 10.0
