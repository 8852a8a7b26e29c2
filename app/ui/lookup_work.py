"""What the Lookup page asks the worker thread to do: the lookup service, plus the material origin
(supplier, heat number, certificate) of the purchased lots an item was made from, taken from a reverse
trace. Plain functions, no Qt; they run off the GUI thread."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.services.lookup import item_history, lookup
from app.services.lookup_views import ItemHistory, LookupResult, Origin
from app.services.trace import trace_item
from app.trace import Direction


@dataclass(frozen=True)
class MaterialOrigin:
    """A purchased lot somewhere upstream of an item (or the item itself), with where it came from."""

    item_id: uuid.UUID
    code: str
    part_number: str
    description: str
    origin: Origin
    depth: int  # genealogy steps above the item looked at; 0 is the item itself


@dataclass(frozen=True)
class HistoryAnswer:
    history: ItemHistory
    materials: tuple[MaterialOrigin, ...]


@dataclass(frozen=True)
class LookupAnswer:
    result: LookupResult
    materials: tuple[MaterialOrigin, ...] = ()


def material_origins(factory: sessionmaker[Session], history: ItemHistory) -> tuple[MaterialOrigin, ...]:
    """Purchased lots upstream of `history`'s item (itself included when it is one), nearest first."""
    item = history.item
    if not history.made_from:
        if history.origin is None:
            return ()
        return (MaterialOrigin(item.id, item.code, item.part_number, item.description, history.origin, 0),)
    result = trace_item(factory, item.id, Direction.REVERSE, process_context=False)
    found = [
        MaterialOrigin(node.id, node.identifier, node.part_number, node.description,
                       Origin(node.supplier, node.supplier_lot, node.heat_number, node.material_cert_ref),
                       node.depth)
        for node in result.nodes.values() if node.supplier
    ]
    return tuple(sorted(found, key=lambda m: (m.depth, m.part_number, m.code)))


def look_up(factory: sessionmaker[Session], text: str) -> LookupAnswer:
    result = lookup(factory, text)
    materials = material_origins(factory, result.history) if result.history is not None else ()
    return LookupAnswer(result, materials)


def open_item(factory: sessionmaker[Session], item_id: uuid.UUID) -> HistoryAnswer:
    history = item_history(factory, item_id)
    return HistoryAnswer(history, material_origins(factory, history))
