"""`threadline label …`: GS1 labels for serials, lots or a work order's items, as a PDF for the label
printer."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from app.cli_common import open_database
from app.labels import LabelRequest, LabelSize, Symbology, write_labels


def add_commands(commands: argparse._SubParsersAction) -> None:
    label = commands.add_parser(
        "label", help="print labels: a PDF with a GS1 DataMatrix or GS1-128 code per item",
        description="Make a PDF of item labels, one label per page, each with a GS1 code (GTIN or part "
                    "number, serial or lot, expiry) that the scanners read back.")
    what = label.add_mutually_exclusive_group(required=True)
    what.add_argument("--serial", action="extend", nargs="+", metavar="S", help="serial number(s)")
    what.add_argument("--lot", action="extend", nargs="+", metavar="L", help="lot number(s)")
    what.add_argument("--work-order", metavar="WO",
                      help="every serial and lot of the work order still on the floor")
    label.add_argument("--part", metavar="PART_NUMBER",
                       help="the part, when the same serial or lot number exists for several parts")
    label.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.pdf")
    label.add_argument("--format", choices=[s.value for s in Symbology], default=Symbology.DATAMATRIX.value,
                       help="the code on the label (default: datamatrix)")
    label.add_argument("--size", default="100x50", metavar="WxH", help="label size in mm (default: 100x50)")
    label.add_argument("--dpi", type=int, default=203,
                       help="the label printer's resolution; bars are whole printer dots (default: 203)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    size = LabelSize.parse(args.size, args.dpi)
    size.check()  # a bad size is refused before the database is opened
    request = LabelRequest(serials=tuple(args.serial or ()), lots=tuple(args.lot or ()),
                           work_order=args.work_order, part_number=args.part)
    sheet = write_labels(open_database(args), request, args.output, symbology=Symbology(args.format),
                         size=size)
    print(f"Wrote {sheet.summary} to {args.output}", file=out)
    return 0
