"""`threadline trace …` and `threadline import genealogy …`: trace, recall and legacy import from the terminal."""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from app.cli_common import login, open_database
from app.services.errors import ValidationError
from app.services.genealogy_import import import_links
from app.services.permissions import Actor
from app.services.recall import RecallReport, recall_from_equipment, recall_from_items
from app.services.trace import trace
from app.services.trace_views import TraceResult
from app.trace import Direction


def add_commands(commands: argparse._SubParsersAction) -> None:
    tr = commands.add_parser("trace", help="forward and reverse genealogy, recall lists")
    sub = tr.add_subparsers(dest="trace_command", required=True)
    for direction, text in (("forward", "everything made from it, down to shipments and customers"),
                            ("reverse", "everything it was made from, up to raw material and suppliers")):
        p = sub.add_parser(direction, help=text)
        p.add_argument("identifier")
        p.add_argument("--json", action="store_true")
        p.add_argument("--no-context", action="store_true", help="leave out steps and inspections (faster)")
    recall = sub.add_parser("recall", help="affected items and customers, from suspect items or equipment")
    what = recall.add_mutually_exclusive_group(required=True)
    what.add_argument("--item", action="append", metavar="ID", help="suspect item, lot or heat (repeatable)")
    what.add_argument("--equipment", metavar="CODE")
    recall.add_argument("--from", dest="start", type=_moment, help="window start (default: last calibration)")
    recall.add_argument("--to", dest="end", type=_moment, help="window end (default: now)")
    fmt = recall.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")

    imp = commands.add_parser("import", help="import data from legacy systems")
    isub = imp.add_subparsers(dest="import_command", required=True)
    gen = isub.add_parser("genealogy", help="CSV: parent_part,parent_id,child_part,child_id,quantity[,timestamp]")
    gen.add_argument("file", type=Path)
    gen.add_argument("--as", dest="as_user", required=True, metavar="USER",
                     help="the quality engineer or administrator importing (password is asked for)")


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date or time like 2026-11-28 or 2026-11-28T14:30")
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def run(args: argparse.Namespace, out: TextIO) -> int:
    factory = open_database(args)
    if args.command == "import":
        actor = login(factory, args.as_user)
        return _import(factory, actor, args.file, out)
    if args.trace_command == "recall":
        report = (recall_from_items(factory, args.item) if args.item
                  else recall_from_equipment(factory, args.equipment, args.start, args.end))
        _print_recall(report, args, out)
        return 0
    result = trace(factory, args.identifier, Direction(args.trace_command), process_context=not args.no_context)
    if args.json:
        json.dump(result.as_json(), out, indent=2, ensure_ascii=False)
        print(file=out)
    else:
        print_tree(result, out)
    return 0


def _import(factory: sessionmaker[Session], actor: Actor, path: Path, out: TextIO) -> int:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
    summary = import_links(factory, actor, text)
    print(f"Imported {summary.links} links ({summary.new_items} new items, {summary.new_parts} new part numbers).",
          file=out)
    return 0


def print_tree(result: TraceResult, out: TextIO) -> None:
    print(f"{result.direction.value.capitalize()} trace of {result.query} ({result.match.lower()}): "
          f"{len(result.nodes)} items, {len(result.graph.edges)} links", file=out)
    shown: set[uuid.UUID] = set()

    def walk(node_id: uuid.UUID, quantity: float | None, indent: int) -> None:
        node = result.nodes[node_id]
        extra = [node.status.label]
        if node.heat_number:
            extra.append(f"heat {node.heat_number}")
        extra += [f"{n.number} {n.status}" for n in result.nonconformances.get(node_id, [])]
        extra += [f"→ {s.customer} ({s.number})" for s in result.shipments.get(node_id, [])]
        qty = f"{quantity:g} × " if quantity is not None else ""
        again = " (see above)" if node_id in shown else ""
        print(f"{'  ' * indent}{qty}{node.part_number} {node.kind} {node.identifier} [{', '.join(extra)}]{again}",
              file=out)
        if again:
            return
        shown.add(node_id)
        for child, q in result.children(node_id):
            walk(child.id, q, indent + 1)

    for root in result.graph.roots:
        walk(root, None, 0)


def _print_recall(report: RecallReport, args: argparse.Namespace, out: TextIO) -> None:
    if args.csv:
        out.write(report.as_csv())
    elif args.json:
        json.dump(report.as_json(), out, indent=2, ensure_ascii=False)
        print(file=out)
    else:
        print(f"{report.subject}: {len(report.suspects)} suspect items, {len(report.lines)} lines", file=out)
        for location, count in report.by_location().items():
            print(f"  {count:>7} {location}", file=out)
        for customer, count in report.customers.items():
            print(f"  {count:>7} shipped to {customer}", file=out)

