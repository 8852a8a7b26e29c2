"""How fast the Trace page's genealogy tree shows a big forward trace: the service trace on its own, then
from handing the TraceResult to the model to the first level laid out and painted in an offscreen
QTreeView (as the page opens it, and with every root opened), and expanding the busiest root.

The subject is the smallest heat number whose forward trace reaches --min-nodes items or, since a demo
heat stops near six thousand items, the smallest purchased part number that does.

    .venv/bin/python benchmarks/bench_trace_tree.py --units 10000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Item, PartDefinition
from app.services.trace import trace
from app.services.trace_views import TraceResult
from app.trace import Direction
from app.ui.application import configure
from app.ui.genealogy_model import GenealogyModel
from app.ui.widgets.trace_tree import GenealogyTree
from benchmarks.common import demo_plant, scratch_database


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def ms(times: list[float]) -> str:
    median, most = statistics.median(times) * 1000, max(times) * 1000
    return f"median {median:7.1f} ms  max {most:7.1f} ms  (n={len(times)})"


def subject(factory: sessionmaker[Session], min_nodes: int) -> tuple[str, TraceResult]:
    """The smallest trace of at least `min_nodes` items, from heats first, then purchased part numbers."""
    with factory() as session:
        heats = list(session.scalars(select(Item.heat_number).where(Item.heat_number.isnot(None)).distinct()))
        purchased = list(session.scalars(
            select(PartDefinition.part_number).join(Item, Item.part_id == PartDefinition.id)
            .where(Item.supplier_id.isnot(None)).distinct()))
    best: tuple[str, TraceResult] | None = None
    for candidates in (heats, purchased):
        for identifier in candidates:
            result = trace(factory, identifier, Direction.FORWARD, process_context=False)
            if len(result.nodes) >= min_nodes and (best is None or len(result.nodes) < len(best[1].nodes)):
                best = identifier, result
        if best is not None:
            return best
    raise SystemExit(f"No heat or purchased part reaches {min_nodes:,} items; build a bigger plant "
                     "(--units).")


def show(tree: GenealogyTree, model: GenealogyModel, result: TraceResult,
         open_roots: Callable[[], None]) -> None:
    """What the page does with a new answer, then the layout and paint the event loop would do next."""
    model.set_result(result)
    tree.fit_identifier_column(max(n.depth for n in result.nodes.values()))
    open_roots()
    tree.executeDelayedItemsLayout()
    tree.viewport().grab()


def run(url: str, units: int, min_nodes: int, repeat: int, seed: int) -> None:
    engine, factory = demo_plant(url, units, seed, "")
    identifier, result = subject(factory, min_nodes)
    print(f"subject: forward trace of {result.match.lower()} {identifier}: {len(result.nodes):,} items, "
          f"{len(result.graph.edges):,} links, {len(result.roots)} roots")
    service = timed(lambda: trace(factory, identifier, Direction.FORWARD, process_context=False), repeat)
    print(f"service trace (worker thread, no steps/inspections):  {ms(service)}")

    application = QApplication.instance() or QApplication(sys.argv)
    configure(application, None)  # the real fonts and style sheet: they decide row heights and widths
    model = GenealogyModel()
    tree = GenealogyTree(model)
    tree.resize(1600, 600)
    tree.show()
    application.processEvents()
    page_opening = lambda: tree.open_on_arrival(len(result.nodes))
    on_arrival = timed(lambda: show(tree, model, result, page_opening), repeat)
    print(f"tree shown as the page opens it (GUI thread):         {ms(on_arrival)}   "
          f"rows made: {model.created_rows:,} of {len(result.nodes):,}")
    every_root = lambda: tree.open_first_level(sys.maxsize, sys.maxsize)
    all_roots = timed(lambda: show(tree, model, result, every_root), repeat)
    print(f"tree with every root opened (GUI thread):             {ms(all_roots)}   "
          f"rows made: {model.created_rows:,} of {len(result.nodes):,}")

    busiest = max(range(len(result.roots)), key=lambda r: model.child_count(model.index(r, 0)))
    expand: list[float] = []
    for _ in range(repeat):
        show(tree, model, result, lambda: None)
        index = model.index(busiest, 0)
        start = time.perf_counter()
        tree.open_node(index)
        tree.executeDelayedItemsLayout()
        tree.viewport().grab()
        expand.append(time.perf_counter() - start)
    print(f"expanding the busiest root ({model.rowCount(index):,} rows) and painting:  {ms(expand)}")
    tree.close()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--min-nodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sqlite-file", help="reuse (or keep) the SQLite plant in this file")
    args = parser.parse_args()
    if args.sqlite_file:
        run(f"sqlite:///{args.sqlite_file}", args.units, args.min_nodes, args.repeat, args.seed)
        return
    with scratch_database("sqlite") as url:
        run(url, args.units, args.min_nodes, args.repeat, args.seed)


if __name__ == "__main__":
    main()
