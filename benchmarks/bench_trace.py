"""Trace speed on a big demo plant: reverse trace of finished serials and forward trace of raw-material
heats, median and p95 over many roots, against a naive one-query-per-node walk in the same run.

    .venv/bin/python benchmarks/bench_trace.py --units 1000000 --backend both
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import GenealogyLink, Item, PartDefinition  # noqa: E402
from app.services.item_context import (  # noqa: E402
    inspections_by_item,
    nonconformances_by_item,
    shipments_by_item,
    steps_by_item,
)
from app.services.trace import trace_items  # noqa: E402
from app.trace import Direction  # noqa: E402
from benchmarks.common import PG_URL, demo_plant, kept_schema, scratch_database  # noqa: E402


def naive_trace(session: Session, roots: list[uuid.UUID], direction: Direction, *,
                process_context: bool) -> set[uuid.UUID]:
    """How a trace is often written: walk the graph node by node, and fetch each node's item, links and
    context with queries of its own — the same information `trace_items` returns."""
    link = GenealogyLink.__table__.c
    source, target = ((link.parent_item_id, link.child_item_id) if direction is Direction.FORWARD
                      else (link.child_item_id, link.parent_item_id))
    seen, frontier = set(roots), list(roots)
    while frontier:
        node = frontier.pop()
        session.get(Item, node)
        shipments_by_item(session, [node])
        nonconformances_by_item(session, [node])
        if process_context:
            steps_by_item(session, [node])
            inspections_by_item(session, [node])
        for nxt in session.scalars(select(target).where(source == node)):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered) * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  (n={len(ordered)})"


def run(backend: str, url: str, units: int, roots: int, seed: int) -> None:
    engine, factory = demo_plant(url, units, seed, f"[{backend}] ")
    rng = random.Random(seed)
    with factory() as session:
        finished_part = session.scalar(
            select(PartDefinition.id).join(Item, Item.part_id == PartDefinition.id)
            .where(Item.is_serial, ~Item.id.in_(select(GenealogyLink.parent_item_id)))
            .limit(1))
        serials = list(session.scalars(select(Item.id).where(Item.part_id == finished_part)))
        heats = list(session.scalars(select(Item.heat_number).where(Item.heat_number.isnot(None)).distinct()))
        sample_serials = rng.sample(serials, min(roots, len(serials)))
        sample_heats = rng.sample(heats, min(max(roots // 5, 3), len(heats)))
        heat_roots = {h: list(session.scalars(select(Item.id).where(Item.heat_number == h))) for h in sample_heats}

        rev_times, fwd_times, naive_rev, naive_fwd, reached = [], [], [], [], []
        for serial in sample_serials:
            t, _ = timed(lambda: trace_items(session, [serial], Direction.REVERSE), 1)
            rev_times += t
            t, _ = timed(lambda: naive_trace(session, [serial], Direction.REVERSE, process_context=True), 1)
            naive_rev += t
        for heat, ids in heat_roots.items():
            t, result = timed(lambda: trace_items(session, ids, Direction.FORWARD, process_context=False), 3)
            fwd_times += t
            reached.append(sum(1 for n in result.nodes.values() if n.is_serial))
            t, _ = timed(lambda: naive_trace(session, ids, Direction.FORWARD, process_context=False), 1)
            naive_fwd += t
    print(f"[{backend}] reverse trace of a finished serial (with steps, inspections): {summary(rev_times)}")
    print(f"[{backend}]   naive, one query per node:                              {summary(naive_rev)}"
          f"   ratio {statistics.median(naive_rev) / statistics.median(rev_times):.0f}x")
    print(f"[{backend}] forward trace of a heat (serials reached: min {min(reached):,}, max {max(reached):,}): "
          f"{summary(fwd_times)}")
    print(f"[{backend}]   naive, one query per node:                              {summary(naive_fwd)}"
          f"   ratio {statistics.median(naive_fwd) / statistics.median(fwd_times):.0f}x")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--roots", type=int, default=50, help="finished serials to trace (heats: a fifth)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sqlite-file", help="reuse (or keep) the SQLite plant in this file")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--pg-schema", help="reuse (or keep) the PostgreSQL plant in this schema")
    args = parser.parse_args()
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        if backend == "sqlite" and args.sqlite_file:
            run(backend, f"sqlite:///{args.sqlite_file}", args.units, args.roots, args.seed)
            continue
        if backend == "postgresql" and args.pg_schema:
            run(backend, kept_schema(args.pg_url, args.pg_schema), args.units, args.roots, args.seed)
            continue
        with scratch_database(backend, args.pg_url) as url:
            run(backend, url, args.units, args.roots, args.seed)


if __name__ == "__main__":
    main()
