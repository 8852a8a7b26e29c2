"""`threadline exchange import|export|watch`: CSV/JSON files for systems that cannot call the HTTP API."""

from __future__ import annotations

import argparse
import json
import threading
from datetime import date
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.cli_common import login, open_database
from app.services import exchange
from app.services.errors import ValidationError
from app.services.lookup_views import to_json
from app.services.permissions import Actor
from app.trace import Direction


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("exchange", help="import and export CSV/JSON files; watch a folder for them") \
        .add_subparsers(dest="exchange_command", required=True)
    imp = sub.add_parser("import", help="import a file whole or not at all; every refused row is listed")
    imp.add_argument("kind", choices=list(exchange.SCHEMAS))
    imp.add_argument("file", type=Path, help=".csv (header row of the API's field names) or .json (a list "
                     "of objects)")
    imp.add_argument("--as", dest="as_user", required=True, metavar="USER",
                     help="who imports (their password is asked for); the audit trail names them")
    imp.add_argument("--json", action="store_true", help="print the outcome as JSON")

    exp = sub.add_parser("export", help="write items, a trace or purchase receipts to .csv or .json")
    exp.add_argument("kind", choices=exchange.EXPORTS)
    exp.add_argument("identifier", nargs="?", help="trace: where to start (serial, lot, heat, order…)")
    exp.add_argument("--direction", choices=[d.value for d in Direction], default=Direction.FORWARD.value,
                     help="trace: forward (descendants) or reverse (ancestors)")
    exp.add_argument("--part", help="items: only this part number")
    exp.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
                     help="receipts: received on or after this day (UTC)")
    exp.add_argument("-o", "--output", type=Path, required=True, help="FILE.csv or FILE.json")

    watch = sub.add_parser("watch", help="import files dropped into DIR/in; move them to DIR/done or "
                           "DIR/failed (with FILE.errors.txt)")
    watch.add_argument("folder", type=Path)
    watch.add_argument("--as", dest="as_user", required=True, metavar="USER")
    watch.add_argument("--interval", type=float, default=5.0, help="seconds between polls (default 5)")
    watch.add_argument("--settle", type=float, default=2.0,
                       help="leave files changed in the last N seconds for the next poll (default 2)")
    watch.add_argument("--once", action="store_true", help="one pass over DIR/in, then exit")


def run(args: argparse.Namespace, out: TextIO) -> int:
    factory = open_database(args)
    if args.exchange_command == "export":
        return _export(factory, args, out)
    actor = login(factory, args.as_user)
    if args.exchange_command == "import":
        try:
            result = exchange.import_file(factory, actor, args.kind, args.file)
        except exchange.ImportRefused as exc:
            if not args.json:
                raise  # the CLI prints the sentence, with every refused row, and exits 1
            json.dump({"imported": 0, "errors": [to_json(p) for p in exc.problems], "message": str(exc)},
                      out, indent=2, ensure_ascii=False)
            print(file=out)
            return 1
        if args.json:
            json.dump({"imported": result.rows, "kind": result.kind, "messages": list(result.messages)}, out,
                      indent=2, ensure_ascii=False)
            print(file=out)
        else:
            print(f"Imported {result.rows} {result.kind} from {args.file.name}.", file=out)
        return 0
    return _watch(factory, actor, args, out)


def _export(factory: sessionmaker[Session], args: argparse.Namespace, out: TextIO) -> int:
    if args.kind == "trace":
        if not args.identifier:
            raise ValidationError("Name where the trace starts: `threadline exchange export trace "
                                           "IDENTIFIER -o FILE.csv`.")
        table = exchange.export_trace(factory, args.identifier, Direction(args.direction))
    elif args.kind == "items":
        table = exchange.export_items(factory, args.part)
    else:
        table = exchange.export_receipts(factory, args.since)
    count = exchange.write_table(table, args.output)
    print(f"Wrote {count} rows of {args.kind} to {args.output}.", file=out)
    return 0


def _watch(factory: sessionmaker[Session], actor: Actor, args: argparse.Namespace, out: TextIO) -> int:
    if not args.once:
        print(f"Watching {args.folder / 'in'} every {args.interval:g} s; Ctrl+C stops.", file=out, flush=True)
    pause = threading.Event()  # wait() instead of sleep(): Ctrl+C ends the wait at once
    while True:
        try:
            outcomes = exchange.process_folder(factory, actor, args.folder, settle_seconds=args.settle)
        except DBAPIError as exc:
            if args.once:
                raise
            # The database server restarting must not end an unattended watcher: the files wait in in/.
            print(f"The database did not answer ({str(exc.orig or exc).strip().splitlines()[0]}); "
                  f"trying again in {args.interval:g} s.", file=out, flush=True)
            outcomes = []
        for o in outcomes:
            state = f"imported {o.result.rows} {o.result.kind}" if o.result else \
                "refused (see the .errors.txt)"
            print(f"{o.file}: {state} → {o.moved_to}", file=out, flush=True)
        if args.once:
            return 0
        pause.wait(args.interval)
