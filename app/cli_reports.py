"""`threadline report inspection|spc`: the inspection record report and the SPC/capability report as PDF, from
the same services and reportlab documents as the GUI's "Export PDF…"."""

from __future__ import annotations

import argparse
import getpass
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from app.cli_common import open_database
from app.config import Settings
from app.reports.inspection_report import record_number, render_inspection_report
from app.reports.page import Company
from app.reports.spc_report import render_spc_report
from app.services.errors import ValidationError
from app.services.inspection import load_form
from app.services.report_data import RULE_SET_NAMES, find_characteristic, spc_report_data


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("report", help="printable PDF reports: inspection records, SPC and capability") \
        .add_subparsers(dest="report_command", required=True)
    inspection = sub.add_parser("inspection", help="the report of one inspection record")
    inspection.add_argument("record_id", metavar="RECORD_ID", help="the record's id (as the inspection page and "
                                                                   "`threadline item show --json` give it)")
    inspection.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.pdf")
    spc = sub.add_parser("spc", help="control chart, signals and capability of a measured characteristic",
                         description="Name the characteristic as on its inspection plan (or give its id); "
                                     "--part and --operation tell plans apart when the name is on several.")
    spc.add_argument("--characteristic", required=True, metavar="NAME|ID")
    spc.add_argument("--part", metavar="PART_NUMBER")
    spc.add_argument("--operation", type=int, metavar="SEQ", help="the operation sequence number, e.g. 40")
    spc.add_argument("--rules", default="we", choices=list(RULE_SET_NAMES),
                     help="we (Western Electric, default), nelson, or basic (limits only)")
    spc.add_argument("--limit", type=int, default=5000, metavar="N",
                     help="the newest N values (default 5000); 0 for the whole history")
    spc.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.pdf")


def company(settings: Settings) -> Company:
    return Company.from_text(settings.get("company.name"), settings.get("company.address"),
                             settings.get("company.logo_file"))


def run(args: argparse.Namespace, out: TextIO) -> int:
    factory = open_database(args)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    by = f"{getpass.getuser()} (command line)"
    if args.report_command == "inspection":
        try:
            record_id = uuid.UUID(args.record_id.strip())
        except ValueError:
            raise ValidationError(f"'{args.record_id}' is not a record id; copy the id from the inspection page "
                                  "or from `threadline item show ITEM --json`.") from None
        form = load_form(factory, record_id)
        pdf = render_inspection_report(form, company=company(Settings()), created_at=now, created_by=by)
        _write(args.output, pdf)
        print(f"Wrote the inspection record report {record_number(form)} of {form.item_code}: {args.output}",
              file=out)
        return 0
    characteristic = find_characteristic(factory, args.characteristic, part=args.part, operation=args.operation)
    data = spc_report_data(factory, characteristic, rules=args.rules, limit=args.limit or None)
    _write(args.output, render_spc_report(data, company=company(Settings()), created_at=now, created_by=by))
    cpk = data.capability.cpk if data.capability is not None else None
    print(f"Wrote the SPC report of {data.characteristic.name} ({data.part_number}): {data.values.size} values, "
          f"{data.signal_count} signal(s), Cpk {'n/a' if cpk is None else f'{cpk:.2f}'}: {args.output}", file=out)
    return 0


def _write(path: Path, data: bytes) -> None:
    """Beside the target, then renamed: a reader never opens half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)
