"""Builds the demo plant in one transaction: master data, then order after order (progress and cancel between
them), the lot balances, and one audit event that records who built it."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEvent, Item, PartDefinition
from app.services.audit import event_row
from app.services.demo import schedule as plan
from app.services.demo.assembly import AssemblyLine
from app.services.demo.bodies import BodyLine
from app.services.demo.bulk import BulkWriter, Codec, Ids
from app.services.demo.catalogue import EQUIPMENT
from app.services.demo.context import Plant, Rows
from app.services.demo.logistics import Logistics
from app.services.demo.master_data import create_staff, write_master_data
from app.services.demo.materials import BAR_SUPPLY, SEAL_SUPPLY, SPRING_SUPPLY, Supply
from app.services.demo.quality import Quality
from app.services.demo.shafts import ShaftLine
from app.services.demo.steps import Steps
from app.services.errors import Conflict, DomainError, ValidationError
from app.services.permissions import Action, Actor
from app.services.planner import refresh_statistics
from app.services.unit_of_work import unit_of_work

DEMO_PASSWORD = "threadline"
EXAMPLE_KEYS = ("finished_serial", "component_serial", "raw_material_lot", "heat_number", "supplier_lot",
                "work_order", "customer_order", "shipment", "epc", "held_item", "complained_serial")


class DemoCancelled(DomainError):
    """The person building the demo cancelled it; the transaction was rolled back."""


@dataclass(frozen=True)
class DemoSummary:
    units: int  # finished serialized units produced
    seconds: float
    counts: dict[str, int]  # rows per table written
    examples: dict[str, str]  # identifiers worth looking up, at least EXAMPLE_KEYS
    logins: dict[str, str]  # username → role value; each password is DEMO_PASSWORD


def build_demo_plant(factory: sessionmaker[Session], actor: Actor, *, units: int = 1000, seed: int = 42,
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> DemoSummary:
    """Fill an empty database with a deterministic valve plant of `units` finished valves."""
    started = time.perf_counter()
    reason = f"Demo plant with {units} units (seed {seed})"
    with unit_of_work(factory, actor, Action.BUILD_DEMO, reason=reason) as session:
        if units < plan.MIN_UNITS:
            raise ValidationError(f"A demo plant needs at least {plan.MIN_UNITS} finished units; {units} "
                                  "were asked for. Choose a larger number.")
        if session.scalar(select(PartDefinition.id).limit(1)) is not None:
            raise Conflict("This database already has part definitions, so a demo plant would mix with real "
                           "data. Build the demo in a new, empty database.")
        rng = random.Random(seed)
        schedule = plan.plan(rng, units)
        codec = Codec(session.get_bind().dialect.name)
        ids = Ids(rng, codec)
        writer = BulkWriter(session, codec)
        staff = create_staff(session, writer, ids, rng, DEMO_PASSWORD)
        master = write_master_data(writer, ids, rng, today=schedule.today)
        plant = Plant(rng, ids, codec, Rows(writer), master, staff)
        plant.example("overdue_gauge", next(spec.code for spec in EQUIPMENT if spec.overdue))
        supplies = _produce(plant, schedule, units, writer, progress, cancelled)
        writer.flush()
        _settle_lots(session, codec, supplies)
        missing = set(EXAMPLE_KEYS) - plant.examples.keys()
        assert not missing, f"the demo plan lost its examples {missing}"
        writer.insert(AuditEvent, [event_row(actor, "demo.generate", reason=reason, new={
            "units": units, "seed": seed, "counts": dict(writer.counts), "users": sorted(staff.logins)})])
    refresh_statistics(factory)
    return DemoSummary(units=units, seconds=time.perf_counter() - started, counts=dict(writer.counts),
                       examples=dict(plant.examples), logins=dict(staff.logins))


def _produce(plant: Plant, schedule: plan.Schedule, units: int, writer: BulkWriter,
             progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None
             ) -> list[Supply]:
    """Run every order, then the one still on the floor; returns the material supplies to settle."""
    steps, quality, logistics = Steps(plant), Quality(plant), Logistics(plant)
    bar, seals, springs = (Supply(plant, steps, quality, spec) for spec in (BAR_SUPPLY, SEAL_SUPPLY,
                                                                            SPRING_SUPPLY))
    bodies = BodyLine(plant, steps, quality, bar, units=units, forced_defects=schedule.forced_defects)
    assembly = AssemblyLine(plant, steps, quality, logistics, bar=bar, seals=seals, springs=springs,
                            schedule=schedule)
    shafts = ShaftLine(plant, steps, quality, logistics, bar=bar, lots=schedule.shaft_lots)
    report_every = max(1, units // 100)
    done = reported = 0
    for order in schedule.orders:
        customer_order = logistics.customer_order(order.customer, order.start)
        assembly.run(order, customer_order, bodies.run(order, customer_order[0]))
        if order.shaft_lot:
            shafts.run(order)
        done += order.quantity
        writer.maybe_flush()
        if done - reported >= report_every or done == units:
            reported = done
            if cancelled is not None and cancelled():
                raise DemoCancelled(f"The demo plant was cancelled after {done} of {units} units; nothing "
                                    "was saved.")
            if progress is not None:
                progress(done, units)
    bodies.run(schedule.in_process, logistics.customer_order(schedule.in_process.customer,
                                                             schedule.in_process.start)[0])
    return [bar, seals, springs]


def _settle_lots(session: Session, codec: Codec, supplies: list[Supply]) -> None:
    """Purchased lots were written full; now that consumption is known, write what is left of each."""
    session.execute(update(Item), [{"id": codec.to_uuid(lot), "quantity": left, "status": state}
                                   for supply in supplies for lot, left, state in supply.final_states()])
