"""Lookup on a demo plant: every kind of identifier a person scans or types leads to the right thing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import IdentifierKind, Item, ItemIdentifier, ItemStatus
from app.services.demo import build_demo_plant
from app.services.lookup import item_history, lookup
from app.services.permissions import SYSTEM


@pytest.fixture
def plant(factory):
    return build_demo_plant(factory, SYSTEM, units=60, seed=3)


def test_a_finished_serial_shows_its_whole_history(factory, plant):
    serial = plant.examples["finished_serial"]
    result = lookup(factory, serial)
    h = result.history
    assert h is not None and result.total == 1 and h.item.code == serial and h.item.is_serial
    assert h.steps and all(s.operator and s.started_at.tzinfo for s in h.steps)
    assert any(s.equipment for s in h.steps) and any(s.parameters for s in h.steps)
    assert [s.started_at for s in h.steps] == sorted(s.started_at for s in h.steps)
    component = next(link.item for link in h.made_from if link.item.is_serial)
    component_history = item_history(factory, component.id)
    assert any(link.item.code == serial for link in component_history.used_in)
    assert component_history.inspections and component_history.inspections[0].measurements
    raw = [link.item for link in component_history.made_from if not link.item.is_serial]
    assert raw and item_history(factory, raw[0].id).origin.heat_number


def test_lowercase_typing_finds_the_item(factory, plant):
    serial = plant.examples["finished_serial"]
    assert lookup(factory, f"  {serial.lower()} \n").history.item.code == serial


def test_an_rfid_epc_finds_its_item(factory, plant):
    result = lookup(factory, plant.examples["epc"])
    assert result.history is not None
    assert (IdentifierKind.EPC.value, plant.examples["epc"]) in result.history.identifiers


@pytest.mark.parametrize("example,label", [
    ("heat_number", "Heat number"), ("supplier_lot", "Supplier lot"), ("work_order", "Work order"),
    ("shipment", "Shipment"), ("customer_order", "Customer order"),
])
def test_group_identifiers_list_their_items(factory, plant, example, label):
    result = lookup(factory, plant.examples[example])
    assert result.heading.startswith(f"{label} {plant.examples[example]}")
    assert result.total == len(result.items) >= 1 and result.history is None
    opened = item_history(factory, result.items[0].id)
    assert opened.item == result.items[0]


def test_shipped_and_held_items_say_so(factory, plant):
    shipped = lookup(factory, plant.examples["shipment"]).items[0]
    assert item_history(factory, shipped.id).shipments
    held = lookup(factory, plant.examples["held_item"]).history
    assert held.item.status is ItemStatus.ON_HOLD
    assert any(n.status == "open" for n in held.nonconformances)


def test_unknown_identifier_gets_a_hint(factory, plant):
    result = lookup(factory, "XX-NOT-A-PART")
    assert not result.found and "Nothing is known as 'XX-NOT-A-PART'" in result.heading
    assert "heat numbers" in result.hint
    assert not lookup(factory, "   ").found


def test_the_example_serial_has_a_barcode_or_epc_identifier(factory, plant):
    with factory() as session:
        item_id = session.scalar(select(Item.id).where(Item.code == plant.examples["finished_serial"]))
        kinds = set(session.scalars(select(ItemIdentifier.kind).where(ItemIdentifier.item_id == item_id)))
    assert kinds


def test_a_complained_serial_shows_the_complaint(factory, plant):
    history = lookup(factory, plant.examples["complained_serial"]).history
    assert history.complaints and history.complaints[0].customer
    assert history.complaints[0].received_at.tzinfo is not None
