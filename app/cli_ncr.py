"""`threadline ncr list|show|disposition`: nonconformances from the terminal, for quality engineers."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from app.cli_common import login, open_database
from app.models import Disposition
from app.services.errors import NotFound
from app.services.inspection import NonconformanceView, disposition_nonconformance, list_nonconformances
from app.services.lookup import lookup

_DECISIONS = {d.value.replace("_", "-"): d for d in Disposition}


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("ncr", help="nonconformances: list, show, disposition") \
        .add_subparsers(dest="ncr_command", required=True)
    listing = sub.add_parser("list", help="nonconformances, oldest first")
    listing.add_argument("--open", action="store_true", dest="open_only", help="only those still open")
    listing.add_argument("--item", metavar="ID", help="only those concerning this serial or lot")
    listing.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="one nonconformance with its items and decision")
    show.add_argument("number", metavar="NCR")
    show.add_argument("--json", action="store_true")
    decide = sub.add_parser("disposition", help="decide what happens to its items (releases or scraps them)")
    decide.add_argument("number", metavar="NCR")
    decide.add_argument("decision", choices=list(_DECISIONS))
    decide.add_argument("--note", required=True, help="why: the concession, rework instruction or reason")
    decide.add_argument("--as", dest="as_user", required=True, metavar="USER")


def run(args: argparse.Namespace, out: TextIO) -> int:
    factory = open_database(args)
    if args.ncr_command == "list":
        item_id = _item_id(factory, args.item) if args.item else None
        found = list_nonconformances(factory, open_only=args.open_only, item_id=item_id)
        if args.json:
            _dump([_as_json(n) for n in found], out)
        else:
            for ncr in found:
                print(f"{ncr.number}  {ncr.status.value:<13} {_items(ncr):<30} {ncr.description}", file=out)
            print(f"{len(found)} nonconformance{'s' if len(found) != 1 else ''}", file=out)
        return 0
    ncr = _find(factory, args.number)
    if args.ncr_command == "show":
        if args.json:
            _dump(_as_json(ncr), out)
        else:
            _print(ncr, out)
        return 0
    actor = login(factory, args.as_user)
    decided = disposition_nonconformance(factory, actor, ncr.id, _DECISIONS[args.decision], note=args.note)
    _print(decided, out)
    return 0


def _item_id(factory: Any, text: str) -> Any:
    found = lookup(factory, text)
    if found.total != 1:
        raise NotFound(found.hint or f"'{text}' names {found.total} items; give one serial or lot number.")
    return found.items[0].id


def _find(factory: Any, number: str) -> NonconformanceView:
    wanted = number.strip().upper()
    for ncr in list_nonconformances(factory):
        if ncr.number.upper() == wanted:
            return ncr
    raise NotFound(f"There is no nonconformance {number}. `threadline ncr list` shows the numbers.")


def _items(ncr: NonconformanceView) -> str:
    return ", ".join(f"{code} ({status.value})" for code, status in ncr.items)


def _print(ncr: NonconformanceView, out: TextIO) -> None:
    print(f"{ncr.number}  {ncr.status.value}", file=out)
    print(f"  {ncr.description}", file=out)
    print(f"  opened {ncr.opened_at:%Y-%m-%d %H:%M} by {ncr.opened_by}"
          + (f", defect code {ncr.defect_code}" if ncr.defect_code else ""), file=out)
    print(f"  items: {_items(ncr)}", file=out)
    if ncr.disposition is not None:
        when = f" on {ncr.decided_at:%Y-%m-%d %H:%M}" if ncr.decided_at else ""
        print(f"  decision: {ncr.disposition.value.replace('_', ' ')} by {ncr.decided_by}{when}"
              + (f": {ncr.decision_note}" if ncr.decision_note else ""), file=out)


def _as_json(ncr: NonconformanceView) -> dict[str, Any]:
    return {"number": ncr.number, "status": ncr.status.value, "description": ncr.description,
            "defect_code": ncr.defect_code, "opened_at": ncr.opened_at.isoformat(), "opened_by": ncr.opened_by,
            "items": [{"identifier": code, "status": status.value} for code, status in ncr.items],
            "disposition": ncr.disposition.value if ncr.disposition else None, "decided_by": ncr.decided_by,
            "decided_at": ncr.decided_at.isoformat() if ncr.decided_at else None, "note": ncr.decision_note}


def _dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    print(file=out)
