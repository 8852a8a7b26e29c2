"""Forward and reverse trace through the genealogy DAG, as recursive CTEs on SQLite and PostgreSQL.

The recursion uses UNION, not UNION ALL: set semantics visit each item once, so merges do not multiply
paths and a cycle (which only bad imported data could make) ends instead of looping.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import CTE, Select, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import GenealogyLink, Item, PartDefinition, Supplier
from app.services.errors import NotFound
from app.services.item_context import (
    inspections_by_item,
    nonconformances_by_item,
    shipments_by_item,
    steps_by_item,
)
from app.services.lookup import match_items
from app.services.trace_views import TraceNode, TraceResult
from app.trace import Direction, Edge, GenealogyGraph


def reach_cte(roots: Select | Iterable[uuid.UUID], direction: Direction) -> CTE:
    """Every item reachable from `roots` (included) in `direction`, as one recursive CTE."""
    link = GenealogyLink.__table__.c
    source, target = ((link.parent_item_id, link.child_item_id) if direction is Direction.FORWARD
                      else (link.child_item_id, link.parent_item_id))
    seed = select(Item.id.label("item_id")).where(Item.id.in_(roots if isinstance(roots, Select) else list(roots)))
    reach = seed.cte("reach", recursive=True)
    return reach.union(select(target.label("item_id")).join(reach, source == reach.c.item_id))


def trace(factory: sessionmaker[Session], identifier: str, direction: Direction, *,
          process_context: bool = True) -> TraceResult:
    """Trace from whatever `identifier` names (a serial, a lot, a heat, an order…).

    With `process_context`, steps with parameters and inspections with measurements come along for
    every node; nonconformances and shipments always do, since recall lists need them.
    """
    with factory() as session:
        match = match_items(session, identifier, with_part_numbers=True)
        if match is None:
            raise NotFound(f"Nothing is known as '{identifier.strip()}'. Trace starts from a serial, lot, "
                           "barcode, RFID tag, heat number, supplier lot, order, shipment or part number.")
        roots = list(session.scalars(match.item_ids.distinct()))
        return trace_items(session, roots, direction, query=match.query, match=match.label,
                           process_context=process_context)


def trace_item(factory: sessionmaker[Session], item_id: uuid.UUID, direction: Direction, *,
               process_context: bool = True) -> TraceResult:
    """Trace from one item picked by id (from a list or a tree), not by what it is called."""
    with factory() as session:
        item = session.get(Item, item_id)
        if item is None:
            raise NotFound("That item no longer exists; look it up again.")
        return trace_items(session, [item_id], direction, query=item.code, match="Item",
                           process_context=process_context)


def trace_items(session: Session, roots: list[uuid.UUID], direction: Direction, *, query: str = "",
                match: str = "", process_context: bool = True) -> TraceResult:
    reach = reach_cte(roots, direction)
    reached = select(reach.c.item_id)
    link = GenealogyLink.__table__.c
    # Every link leaving a reached node in the trace direction ends at a reached node.
    along = link.parent_item_id if direction is Direction.FORWARD else link.child_item_id
    edges = tuple(Edge(parent, child, quantity) for parent, child, quantity in session.execute(
        select(link.parent_item_id, link.child_item_id, link.quantity).where(along.in_(reached))))
    graph = GenealogyGraph(roots=tuple(roots), direction=direction, edges=edges)
    depth = graph.depths()
    # Plain columns, not ORM entities: at ten thousand nodes the identity map costs more than the query.
    columns = (Item.id, Item.code, PartDefinition.part_number, PartDefinition.revision, PartDefinition.description,
               Item.is_serial, Item.status, Item.quantity, PartDefinition.unit, Supplier.name, Item.supplier_lot,
               Item.heat_number, Item.material_cert_ref)
    nodes = {
        row[0]: TraceNode(*row[:9], depth.get(row[0], 0), *row[9:])
        for row in session.execute(
            select(*columns).join(PartDefinition, Item.part_id == PartDefinition.id)
            .outerjoin(Supplier, Item.supplier_id == Supplier.id).where(Item.id.in_(reached)))
    }
    result = TraceResult(
        query=query, match=match, direction=direction, graph=graph, nodes=nodes,
        shipments=shipments_by_item(session, reached), nonconformances=nonconformances_by_item(session, reached),
    )
    if process_context:
        result.process_context = True
        result.steps = steps_by_item(session, reached)
        result.inspections = inspections_by_item(session, reached)
    return result
