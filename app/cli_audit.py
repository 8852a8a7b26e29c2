"""`threadline audit verify|list`: check the audit trail's hash chain and answer the auditor's question
(who changed this record, when, from what to what, why) from the terminal.

`verify` checks the chain against the newest anchor stored for this database (`audit_anchors`: written by
every backup and every intact verify), so a trail whose newest entries were cut off is caught without
anyone having written a head down by hand."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

from app.cli_common import open_database
from app.services.audit_anchors import Anchor, anchor_log, cut_off_advice, verify_anchored
from app.services.audit_query import AuditEntry, AuditFilter, find_audit
from app.services.audit_verify import ChainReport, Fault
from app.services.errors import ValidationError

BROKEN_EXIT = 2  # distinct from 1 (a readable error such as a wrong database URL)


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("audit", help="audit trail: verify the hash chain, list changes") \
        .add_subparsers(dest="audit_command", required=True)
    verify = sub.add_parser("verify", help="check every entry of the hash chain; exit status 2 and the first "
                            "broken entry if it was edited, deleted or reordered")
    which = verify.add_mutually_exclusive_group()
    which.add_argument("--anchor", metavar="ID:HASH", help="a head written down earlier (from a previous "
                       "verify or a backup manifest): that entry must still carry that hash. Default: the "
                       "newest anchor stored for this database by backups and earlier verifies")
    which.add_argument("--no-anchor", action="store_true", help="check the chain only, against no anchor "
                       "(after restoring an older backup on purpose: its head becomes the newest anchor)")
    verify.add_argument("--json", action="store_true")
    listing = sub.add_parser("list", help="audit entries, newest first")
    listing.add_argument("--table", metavar="T", help="only changes to this table (e.g. measurements)")
    listing.add_argument("--row", metavar="ID", help="only changes to this record id")
    listing.add_argument("--user", metavar="U", help="only entries by this user name")
    listing.add_argument("--since", metavar="WHEN", help="from this UTC date or time (2026-11-28 or "
                         "2026-11-28T14:00)")
    listing.add_argument("--until", metavar="WHEN", help="before this UTC date or time")
    listing.add_argument("--limit", type=int, default=200, help="at most this many entries (default 200)")
    listing.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, out: TextIO) -> int:
    factory = open_database(args)
    if args.audit_command == "verify":
        return _verify(args, factory, out)
    flt = AuditFilter(table=args.table, row_id=args.row, username=args.user,
                      since=_when(args.since, "--since") if args.since else None,
                      until=_when(args.until, "--until") if args.until else None)
    entries = find_audit(factory, flt, limit=args.limit)
    if args.json:
        json.dump([_entry_json(e) for e in entries], out, indent=2, ensure_ascii=False)
        print(file=out)
        return 0
    for entry in entries:
        _print_entry(entry, out)
    more = f" (the newest {args.limit}; use --limit for more)" if len(entries) == args.limit else ""
    print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}{more}", file=out)
    return 0


def _verify(args: argparse.Namespace, factory: Any, out: TextIO) -> int:
    progress = _Progress(sys.stderr) if not args.json and sys.stderr.isatty() else None
    checked = verify_anchored(factory, anchor=_anchor(args.anchor) if args.anchor else None,
                              use_stored=not args.no_anchor, progress=progress)
    report, stored, anchor, recorded = checked.report, checked.stored, checked.anchor, checked.recorded
    if args.json:
        data = _report_json(report)
        data["anchor"] = _anchor_json(stored, anchor)
        data["anchor_recorded"] = recorded
        json.dump(data, out, indent=2)
        print(file=out)
        return 0 if report.intact else BROKEN_EXIT
    print(report.describe(), file=out)
    if report.broken is not None and report.broken.fault is Fault.ANCHOR_MISMATCH:
        print(cut_off_advice(stored), file=out)
    elif report.intact and anchor is not None:
        against = stored.describe() if stored else f"the anchor you gave (entry {anchor[0]})"
        print(f"Checked against {against}.", file=out)
    elif report.intact and not args.no_anchor and report.last_id is not None:
        print("No anchor was stored for this database yet: this check cannot tell whether entries were cut "
              "off its end before today.", file=out)
    if report.intact and report.last_id is not None:
        print(f"Checked in {report.seconds:.1f} s. Head: --anchor {report.last_id}:{report.last_hash}"
              + (f" (recorded in {anchor_log()})" if recorded else ""), file=out)
    return 0 if report.intact else BROKEN_EXIT


def _anchor_json(stored: Anchor | None, anchor: tuple[int, str] | None) -> dict[str, Any] | None:
    if anchor is None:
        return None
    return {"source": "stored" if stored else "given", "last_id": anchor[0], "hash": anchor[1],
            "taken_at": stored.taken_at.isoformat() if stored else None,
            "written_by": stored.source if stored else None}


def _anchor(text: str) -> tuple[int, str]:
    entry, _, digest = text.partition(":")
    if not entry.strip().isdigit() or len(digest.strip()) != 64:
        raise ValidationError(f"'{text}' is not an anchor: give ENTRY:HASH as printed by a previous "
                              "`threadline audit verify`.")
    return int(entry), digest.strip()


def _when(text: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{option} '{text}' is not a date or time: write 2026-11-28 or "
                              "2026-11-28T14:00 (UTC).") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _value(value: Any) -> str:
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _print_entry(entry: AuditEntry, out: TextIO) -> None:
    target = f" {entry.table_name} {entry.row_id}" if entry.table_name else ""
    print(f"#{entry.id}  {entry.occurred_at:%Y-%m-%d %H:%M:%S} UTC  {entry.full_name} ({entry.username})  "
          f"{entry.action}{target}", file=out)
    for field, old, new in entry.changes():
        if entry.action == "update":
            print(f"    {field}: {_value(old)} → {_value(new)}", file=out)
        else:
            print(f"    {field}: {_value(new if entry.action != 'delete' else old)}", file=out)
    if entry.reason:
        print(f"    reason: {entry.reason}", file=out)


def _entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "occurred_at": entry.occurred_at.isoformat(), "username": entry.username,
            "full_name": entry.full_name, "action": entry.action, "table": entry.table_name,
            "row_id": entry.row_id, "old": entry.old_values, "new": entry.new_values, "reason": entry.reason,
            "entry_hash": entry.entry_hash}


def _report_json(report: ChainReport) -> dict[str, Any]:
    broken = report.broken
    return {"intact": report.intact, "checked": report.checked, "last_id": report.last_id,
            "last_hash": report.last_hash, "seconds": round(report.seconds, 3),
            "broken": None if broken is None else {
                "entry_id": broken.entry_id, "fault": broken.fault.value, "detail": broken.detail,
                "occurred_at": broken.occurred_at.isoformat() if broken.occurred_at else None,
                "message": broken.describe()}}


class _Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, done: int, total: int) -> None:
        print(f"\rverifying audit trail: {done}/{total} entries", end="\n" if done >= total else "",
              file=self.stream, flush=True)
