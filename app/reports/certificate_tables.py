"""The tables of a certificate. The long ones are `RowTable`s of plain text fitted to their columns (fast at
thousands of rows, header repeated on every page); the identity block is a reportlab Table of paragraphs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from app.reports.rows import PAD_X as PADDING
from app.reports.rows import RowTable
from app.reports.styles import BOLD, FONT, HEAD_FILL, RULE, TABLE_SIZE, printable, styles

if TYPE_CHECKING:  # reports never import services at run time; the facts only pass through
    from app.services.certificates.facts import CertificateFacts

WIDTH = 180 * mm  # A4 less 15 mm margins


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def span(start: datetime, end: datetime | None) -> str:
    if end is None:
        return f"{when(start)} – (open)"
    if end.date() == start.date():
        return f"{when(start)} – {end:%H:%M}"
    return f"{when(start)} – {when(end)}"


def limits(low: float | None, high: float | None, unit: str) -> str:
    if low is None and high is None:
        return ""
    if low is None:
        text = f"≤ {high:g}"
    elif high is None:
        text = f"≥ {low:g}"
    else:
        text = f"{low:g} … {high:g}"
    return f"{text} {unit}".strip()


def wrap(text: str | None) -> Paragraph:
    return Paragraph(printable(text).replace("&", "&amp;").replace("<", "&lt;"), styles()["cell"])


@lru_cache(maxsize=8192)  # names, operations and stations repeat on every row of a long genealogy
def fit(text: str, width: float, font: str = FONT) -> str:
    """A plain cell wrapped onto as many lines as its column needs: much cheaper than a Paragraph per cell."""
    text = printable(text)
    room = width - 2 * PADDING
    if stringWidth(text, font, TABLE_SIZE) <= room:
        return text
    return "\n".join(simpleSplit(text, font, TABLE_SIZE, room))


def grid(header: Sequence[str], rows: list[list[str]], widths: Sequence[float], *,
         bad_rows: Sequence[int] = ()) -> RowTable:
    scale = WIDTH / sum(widths)
    col_widths = [w * scale for w in widths]
    head = [fit(h, w, BOLD) for h, w in zip(header, col_widths)]
    body = [[fit(c, w) for c, w in zip(row, col_widths)] for row in rows]
    return RowTable(head, body, col_widths, bad_rows=frozenset(bad_rows))


def key_values(pairs: Sequence[tuple[str, str]]) -> Table:
    """The certificate's identity: label and value in two column pairs."""
    half = (len(pairs) + 1) // 2
    left, right = list(pairs[:half]), list(pairs[half:])
    right += [("", "")] * (len(left) - len(right))
    rows = [[printable(a), wrap(b), printable(c), wrap(d)] for (a, b), (c, d) in zip(left, right)]
    table = Table(rows, colWidths=[28 * mm, 62 * mm, 28 * mm, 62 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_SIZE + 0.6),
        ("FONT", (0, 0), (0, -1), BOLD, TABLE_SIZE + 0.6),
        ("FONT", (2, 0), (2, -1), BOLD, TABLE_SIZE + 0.6),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
        ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
        ("BACKGROUND", (2, 0), (2, -1), HEAD_FILL),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def delivered_table(facts: CertificateFacts) -> RowTable:
    rows = [[i.kind, i.code, i.part_number, i.revision, i.description, f"{i.quantity:g} {i.unit}",
             i.work_order or ""] for i in facts.items]
    return grid(["", "Serial / lot", "Part number", "Rev", "Description", "Quantity", "Work order"], rows,
                [12, 30, 26, 9, 55, 18, 24])


def materials_table(facts: CertificateFacts) -> RowTable:
    rows = [[m.item_code, m.part_number, m.supplier, m.supplier_lot or "", m.heat_number or "",
             m.material_cert_ref or ""] for m in facts.materials]
    return grid(["Material lot", "Part number", "Supplier", "Supplier lot", "Heat number", "Material cert."],
                rows, [28, 24, 40, 28, 26, 30])


def steps_table(facts: CertificateFacts) -> RowTable:
    rows = [[s.item_code, s.operation, span(s.started_at, s.completed_at), s.station or "", s.equipment or "",
             s.operator, s.result] for s in facts.steps]
    bad = [i for i, s in enumerate(facts.steps) if s.result == "fail"]
    return grid(["Item", "Operation", "Date and time (UTC)", "Station", "Equipment", "Operator", "Result"], rows,
                [25, 38, 38, 19, 18, 29, 11], bad_rows=bad)


def parameters_table(facts: CertificateFacts) -> RowTable:
    rows = [[p.item_code, p.operation, p.name, f"{p.value} {p.unit}".strip(), limits(p.lower, p.upper, p.unit),
             "in limits" if p.in_limits else "OUT"] for p in facts.parameters]
    bad = [i for i, p in enumerate(facts.parameters) if not p.in_limits]
    return grid(["Item", "Operation", "Parameter", "Value", "Limits", "Check"], rows, [26, 32, 36, 24, 36, 16],
                bad_rows=bad)


def results_table(facts: CertificateFacts) -> RowTable:
    rows = [[r.item_code, r.characteristic, r.classification, f"{r.value} {r.unit}".strip(),
             limits(r.lower, r.upper, r.unit), "pass" if r.passed else "FAIL", r.gauge or "", r.inspector,
             when(r.inspected_at)] for r in facts.results]
    bad = [i for i, r in enumerate(facts.results) if not r.passed]
    return grid(["Item", "Characteristic", "Class", "Result", "Limits", "", "Gauge", "Inspector", "Date (UTC)"],
                rows, [20, 29, 12, 19, 29, 8, 14, 22, 28], bad_rows=bad)


def ncr_table(facts: CertificateFacts) -> RowTable:
    rows = [[n.number, ", ".join(n.item_codes), n.status, (n.disposition or "").replace("_", " "), n.description]
            for n in facts.ncrs]
    return grid(["NCR", "Items", "Status", "Disposition", "Description"], rows, [20, 36, 20, 26, 78])
