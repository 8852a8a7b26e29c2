"""Read models of a trace: the nodes reached, the graph between them, and their context."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from app.models import ItemStatus
from app.services.audit import jsonable
from app.services.lookup_views import InspectionView, NonconformanceView, ShipmentView, StepView, to_json
from app.trace import Direction, GenealogyGraph


@dataclass(frozen=True)
class TraceNode:
    id: uuid.UUID
    identifier: str
    part_number: str
    revision: str
    description: str
    is_serial: bool
    status: ItemStatus
    quantity: float
    unit: str
    depth: int
    supplier: str | None = None
    supplier_lot: str | None = None
    heat_number: str | None = None
    material_cert_ref: str | None = None

    @property
    def kind(self) -> str:
        return "serial" if self.is_serial else "lot"


@dataclass
class TraceResult:
    query: str
    match: str
    direction: Direction
    graph: GenealogyGraph
    nodes: dict[uuid.UUID, TraceNode]
    shipments: dict[uuid.UUID, list[ShipmentView]]
    nonconformances: dict[uuid.UUID, list[NonconformanceView]]
    process_context: bool = False  # whether steps and inspections were fetched (else: empty, not "none")
    steps: dict[uuid.UUID, list[StepView]] = field(default_factory=dict)
    inspections: dict[uuid.UUID, list[InspectionView]] = field(default_factory=dict)

    @property
    def roots(self) -> list[TraceNode]:
        return [self.nodes[r] for r in self.graph.roots]

    def children(self, node_id: uuid.UUID) -> list[tuple[TraceNode, float]]:
        """The next level below `node_id` in the trace direction, with the quantity on each link."""
        pick = (lambda e: e.child) if self.direction is Direction.FORWARD else (lambda e: e.parent)
        found = [(self.nodes[pick(e)], e.quantity) for e in self.graph.step_edges(node_id)]
        return sorted(found, key=lambda pair: (pair[0].part_number, pair[0].identifier))

    def as_json(self) -> dict[str, Any]:
        name = {n.id: n.identifier for n in self.nodes.values()}
        shipped: dict[str, dict[str, Any]] = {}
        for item_id, views in self.shipments.items():
            for s in views:
                entry = shipped.setdefault(s.number, {"shipment": s.number, "customer": s.customer,
                                                      "order": s.order, "shipped_at": jsonable(s.shipped_at),
                                                      "items": []})
                entry["items"].append(name[item_id])
        return {
            "root": self.query,
            "match": self.match,
            "direction": self.direction.value,
            "roots": [name[r] for r in self.graph.roots],
            "nodes": [
                {**to_json(n), "kind": n.kind,
                 "steps": to_json(self.steps.get(n.id, [])),
                 "inspections": to_json(self.inspections.get(n.id, [])),
                 "nonconformances": to_json(self.nonconformances.get(n.id, []))}
                for n in sorted(self.nodes.values(), key=lambda n: (n.depth, n.part_number, n.identifier))
            ],
            "edges": [{"from": name[e.parent], "to": name[e.child], "from_id": str(e.parent),
                       "to_id": str(e.child), "quantity": e.quantity} for e in self.graph.edges],
            "shipments": sorted(shipped.values(), key=lambda s: s["shipment"]),
        }
