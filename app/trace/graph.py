"""A traced part of the genealogy DAG: who was made from whom, walked in the trace's direction.

Edges always point the way material flows, from the consumed item (parent) to the produced one (child);
a forward trace walks them head-on, a reverse trace against them.
"""

from __future__ import annotations

import enum
import uuid
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field


class Direction(str, enum.Enum):
    FORWARD = "forward"  # towards what was made from the roots: products, shipments, customers
    REVERSE = "reverse"  # towards what the roots were made from: components, raw material, suppliers


@dataclass(frozen=True)
class Edge:
    parent: uuid.UUID
    child: uuid.UUID
    quantity: float


@dataclass
class GenealogyGraph:
    roots: tuple[uuid.UUID, ...]
    direction: Direction
    edges: tuple[Edge, ...]
    _next: dict[uuid.UUID, list[Edge]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._next = defaultdict(list)
        for edge in self.edges:
            source = edge.parent if self.direction is Direction.FORWARD else edge.child
            self._next[source].append(edge)

    def step_edges(self, node: uuid.UUID) -> list[Edge]:
        """The edges leaving `node` in the trace direction (one level of the tree)."""
        return self._next.get(node, [])

    def next_nodes(self, node: uuid.UUID) -> list[uuid.UUID]:
        pick = (lambda e: e.child) if self.direction is Direction.FORWARD else (lambda e: e.parent)
        return [pick(e) for e in self.step_edges(node)]

    def depths(self) -> dict[uuid.UUID, int]:
        """Shortest distance of every reached node from the nearest root (breadth-first)."""
        depth = {root: 0 for root in self.roots}
        queue = deque(self.roots)
        while queue:
            node = queue.popleft()
            for nxt in self.next_nodes(node):
                if nxt not in depth:
                    depth[nxt] = depth[node] + 1
                    queue.append(nxt)
        return depth

    def reached(self) -> set[uuid.UUID]:
        return set(self.depths())


def leaves(graph: GenealogyGraph, nodes: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """Nodes with nothing further in the trace direction: end products forward, raw material in reverse."""
    return [n for n in nodes if not graph.step_edges(n)]


def cyclic_edges(edges: Iterable[tuple[uuid.UUID, uuid.UUID]]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """The edges that lie on a cycle: both ends in one strongly connected component (iterative Tarjan)."""
    succ: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    edge_list = list(edges)
    for a, b in edge_list:
        succ[a].append(b)
    index: dict[uuid.UUID, int] = {}
    low: dict[uuid.UUID, int] = {}
    component: dict[uuid.UUID, int] = {}
    stack: list[uuid.UUID] = []
    on_stack: set[uuid.UUID] = set()
    counter = 0
    for start in list(succ):
        if start in index:
            continue
        work = [(start, iter(succ[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
    return {(a, b) for a, b in edge_list if a == b or component.get(a) == component.get(b)}
