"""Trace on random genealogy graphs with splits and merges, checked against networkx, on both databases."""

from __future__ import annotations

import csv
import io
import itertools

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import GenealogyLink, Item, Role
from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.genealogy_import import import_links
from app.services.recall import recall_from_equipment, recall_from_items
from app.services.trace import trace, trace_items
from app.trace import Direction
from tests.conftest import make_actor

_graph_ids = itertools.count()


@st.composite
def dags(draw):
    """Random DAGs: edges only from a lower to a higher index, so splits and merges but no cycles."""
    size = draw(st.integers(min_value=2, max_value=18))
    pairs = [(a, b) for a in range(size) for b in range(a + 1, size)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=min(len(pairs), 40)))
    return size, edges


def _csv(prefix: str, edges) -> str:
    lines = ["parent_part,parent_id,child_part,child_id,quantity"]
    lines += [f"{prefix}-P,{prefix}-{a},{prefix}-P,{prefix}-{b},{1 + (a + b) % 3}" for a, b in edges]
    return "\n".join(lines) + "\n"


def _ids(factory, prefix: str) -> dict[str, object]:
    with factory() as session:
        return {code: item_id for item_id, code in session.execute(
            select(Item.id, Item.code).where(Item.code.like(f"{prefix}-%")))}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dag=dags())
def test_trace_equals_graph_traversal_both_ways(factory, admin, dag):
    size, edges = dag
    prefix = f"G{next(_graph_ids)}"  # each example lives in its own part of the shared test database
    import_links(factory, admin, _csv(prefix, edges))
    reference = nx.DiGraph()
    reference.add_edges_from((f"{prefix}-{a}", f"{prefix}-{b}") for a, b in edges)
    ids = _ids(factory, prefix)
    code_of = {v: k for k, v in ids.items()}
    forward, reverse = {}, {}
    with factory() as session:
        for code, item_id in ids.items():
            fwd = trace_items(session, [item_id], Direction.FORWARD, process_context=False)
            rev = trace_items(session, [item_id], Direction.REVERSE, process_context=False)
            forward[code] = {code_of[n] for n in fwd.nodes}
            reverse[code] = {code_of[n] for n in rev.nodes}
            assert forward[code] == nx.descendants(reference, code) | {code}
            assert reverse[code] == nx.ancestors(reference, code) | {code}
            # Depth is the shortest path; edges carry the imported quantities.
            lengths = nx.single_source_shortest_path_length(reference, code)
            assert {code_of[n.id]: n.depth for n in fwd.nodes.values()} == lengths
            assert {(code_of[e.parent], code_of[e.child]) for e in fwd.graph.edges} == \
                set(reference.subgraph(forward[code]).edges)
    for x, y in itertools.product(ids, repeat=2):
        assert (y in forward[x]) == (x in reverse[y])


def test_trace_by_identifier_with_context(factory, admin):
    import_links(factory, admin, "parent_part,parent_id,child_part,child_id,quantity\n"
                                 "BAR,H1,BLANK,B1,2\nBAR,H1,BLANK,B2,3\nBLANK,B1,ASSY,A1,1\nBLANK,B2,ASSY,A1,1\n")
    fwd = trace(factory, "H1", Direction.FORWARD)
    assert fwd.match == "Serial or lot" and [r.identifier for r in fwd.roots] == ["H1"]
    assert [(n.identifier, q) for n, q in fwd.children(fwd.graph.roots[0])] == [("B1", 2.0), ("B2", 3.0)]
    assert {n.identifier: n.depth for n in fwd.nodes.values()} == {"H1": 0, "B1": 1, "B2": 1, "A1": 2}
    rev = trace(factory, "a1", Direction.REVERSE)  # typed in lower case
    assert {n.identifier for n in rev.nodes.values()} == {"A1", "B1", "B2", "H1"}
    data = rev.as_json()
    assert data["direction"] == "reverse" and data["roots"] == ["A1"]
    assert {(e["from"], e["to"], e["quantity"]) for e in data["edges"]} == {
        ("B1", "A1", 1.0), ("B2", "A1", 1.0), ("H1", "B1", 2.0), ("H1", "B2", 3.0)}
    by_part = trace(factory, "ASSY", Direction.REVERSE)
    assert by_part.match == "Part number"
    with pytest.raises(NotFound, match="Nothing is known as 'NOPE'"):
        trace(factory, "NOPE", Direction.FORWARD)


def test_a_file_that_would_close_a_cycle_is_refused_whole(factory, admin):
    import_links(factory, admin, "parent_part,parent_id,child_part,child_id,quantity\nP,A,P,B,1\nP,B,P,C,1\n")
    cyclic = "parent_part,parent_id,child_part,child_id,quantity\nP,X,P,Y,1\nP,C,P,A,1\n"
    with pytest.raises(ValidationError, match="line 3 would make an item its own ancestor"):
        import_links(factory, admin, cyclic)
    with factory() as session:
        assert session.scalar(select(Item.id).where(Item.code == "X")) is None
        assert len(session.scalars(select(GenealogyLink.id)).all()) == 2


@pytest.mark.parametrize("text,message", [
    ("parent,child\nA,B\n", "no column parent_part"),
    ("parent_part,parent_id,child_part,child_id,quantity\nP,A,P,B,-1\n", "line 2: quantity '-1'"),
    ("parent_part,parent_id,child_part,child_id,quantity\nP,A,P,A,1\n", "A cannot be made from itself"),
    ("parent_part,parent_id,child_part,child_id,quantity,timestamp\nP,A,P,B,1,yesterday\n", "not ISO 8601"),
])
def test_bad_files_name_the_problem_and_import_nothing(factory, admin, text, message):
    with pytest.raises(ValidationError, match=message):
        import_links(factory, admin, text)
    with factory() as session:
        assert session.scalar(select(Item.id)) is None


def test_operators_may_not_import(factory, admin):
    operator = make_actor(factory, admin, Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        import_links(factory, operator, "parent_part,parent_id,child_part,child_id,quantity\nP,A,P,B,1\n")


def test_recall_from_a_suspect_lot_names_where_everything_is(factory, admin):
    import_links(factory, admin, "parent_part,parent_id,child_part,child_id,quantity\n"
                                 "BAR,H7,BLANK,B1,2\nBAR,H7,BLANK,B2,3\nBLANK,B1,ASSY,A1,1\n")
    report = recall_from_items(factory, ["H7"])
    assert report.suspects == ("H7",)
    assert {line.identifier: line.depth for line in report.lines} == {"H7": 0, "B1": 1, "B2": 1, "A1": 2}
    assert report.by_location() == {"in stock": 4}
    rows = list(csv.DictReader(io.StringIO(report.as_csv())))
    assert [r["identifier"] for r in rows] == ["H7", "B1", "B2", "A1"] and rows[3]["depth"] == "2"
    with pytest.raises(NotFound, match="Nothing is known as 'H8'"):
        recall_from_items(factory, ["H8"])
    with pytest.raises(NotFound, match="no equipment 'NOPE-1'"):
        recall_from_equipment(factory, "NOPE-1", None, None)
