"""The inspection record report: the record's header and plan revision, every reading against its nominal and
limits with its result (re-measured readings kept and marked), the sampling rule, the confirmations of failed
readings, and the electronic signatures (printed name, date and time, meaning, content hash)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from app.reports.certificate_tables import grid, key_values, when
from app.reports.page import Company, Furniture, first_page, numbered_canvas
from app.reports.styles import printable, styles

if TYPE_CHECKING:  # reports never import services at run time; the form only passes through
    from app.services.inspection.views import CharacteristicView, MeasurementView, RecordForm

MEANINGS = {"inspected": "Inspected: I performed this inspection and the results are true and complete",
            "reviewed": "Reviewed: I reviewed this record and found it complete and correct"}


def _esc(text: str | None) -> str:
    return printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _utc(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def reading(c: CharacteristicView, m: MeasurementView | None) -> str:
    """The value as the form shows it: with the plan's decimals and unit, or pass/fail with the defect code."""
    if m is None:
        return "(not measured)"
    if m.value is not None:
        return f"{m.value:.{c.decimals}f} {c.unit or ''}".strip()
    return "pass" if m.passed else f"fail{f' ({m.defect_code})' if m.defect_code else ''}"


def _limits(c: CharacteristicView) -> str:
    """Limits with the plan's decimals, as the gauge reads them: "39.938 … 40.000 mm", not "… 40 mm"."""
    low, high, unit = c.lower_limit, c.upper_limit, c.unit or ""
    if low is None and high is None:
        return ""
    if low is None:
        text = f"≤ {high:.{c.decimals}f}"
    elif high is None:
        text = f"≥ {low:.{c.decimals}f}"
    else:
        text = f"{low:.{c.decimals}f} … {high:.{c.decimals}f}"
    return f"{text} {unit}".strip()


def verdict(m: MeasurementView | None) -> str:
    if m is None:
        return ""
    return "pass" if m.passed else "FAIL"


def record_number(form: RecordForm) -> str:
    """A short name for the record: the random tail of its UUID (the head of a UUID7 is its time, the same for
    records opened in the same minute)."""
    return f"IR-{form.id.hex[-8:].upper()}"


def render_inspection_report(form: RecordForm, *, company: Company, created_at: datetime,
                             created_by: str) -> bytes:
    st = styles()
    plan = form.plan
    title = "Inspection record"
    number = record_number(form)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=17 * mm,
                            bottomMargin=19 * mm, title=f"{title} {number}: {form.item_code}", author=company.name,
                            creator="Threadline", subject=f"{title} of {form.item_code}, {plan.title}",
                            keywords=f"threadline-inspection-record id={form.id}")
    story: list = [Spacer(1, 24 * mm), Paragraph(_esc(title), st["title"]),
                   Paragraph(_esc(f"No. {number} · {form.item_code} · {plan.title}"), st["subtitle"]),
                   Spacer(1, 3 * mm)]
    status = "signed" if form.signed_at else "OPEN (not signed: not a valid record yet)"
    story.append(key_values([
        ("Record", number),
        ("Item", form.item_code),
        ("Item status", form.item_status.value.replace("_", " ")),
        ("Part / revision", f"{plan.part_number} rev {plan.part_revision}"),
        ("Plan", f"{plan.plan_type.value.replace('_', ' ')} inspection, plan revision {plan.revision}"),
        ("Operation", f"{plan.operation_seq} {plan.operation_name or ''}".strip()
         if plan.operation_seq is not None else "none (receiving)"),
        ("Sampling", f"{plan.sampling.describe()}; {form.sample_size} reading(s) per characteristic"),
        ("Inspector", form.inspector),
        ("Inspected (UTC)", _utc(form.inspected_at)),
        ("Signed (UTC)", _utc(form.signed_at) or "not signed"),
        ("Result", form.result.value.upper()),
        ("Record status", status),
    ]))
    story.append(Paragraph(_esc(f"Record id {form.id}"), st["small"]))
    if form.corrects or form.corrected_by:
        notes = []
        if form.corrects:
            notes.append(f"This version corrects record {form.corrects}: {form.correction_reason or ''}")
        if form.corrected_by:
            notes.append(f"Superseded: corrected by record {form.corrected_by}.")
        story.append(Paragraph(_esc(" ".join(notes)), st["small"]))

    story.append(Paragraph(_esc(f"Characteristics ({len(plan.characteristics)})"), st["h2"]))
    rows, bad = [], []
    for slot in form.slots:
        c, m = slot.characteristic, slot.current
        nominal = f"{c.nominal:.{c.decimals}f}" if c.nominal is not None else ""
        limit = _limits(c) if c.kind.value == "variable" else "pass/fail"
        sample = f"{slot.index + 1}/{form.readings_of(c)}"
        for old in slot.earlier:  # kept on the record: a re-measure never hides what was read first
            rows.append([str(c.seq), c.name, c.classification.value, nominal, limit, sample, reading(c, old),
                         "replaced", old.gauge_code or "", when(old.measured_at)])
        if m is not None and not m.passed:
            bad.append(len(rows))
        rows.append([str(c.seq), c.name, c.classification.value, nominal, limit, sample, reading(c, m),
                     verdict(m), (m.gauge_code or "") if m else "", when(m.measured_at) if m else ""])
    story.append(grid(["#", "Characteristic", "Class", "Nominal", "Limits", "Sample", "Value", "Result", "Gauge",
                       "Measured (UTC)"], rows, [6, 35, 12, 14, 28, 13, 20, 15, 14, 25], bad_rows=bad))

    confirmed = [(s.characteristic, s.current) for s in form.slots
                 if s.current is not None and s.current.confirmed_at is not None]
    story.append(Paragraph(_esc(f"Confirmations of failed readings ({len(confirmed)})"), st["h2"]))
    if confirmed:
        story.append(grid(["Characteristic", "Value", "Confirmed by", "Confirmed (UTC)"],
                          [[c.name, reading(c, m), m.confirmed_by or "", _utc(m.confirmed_at)] for c, m in confirmed],
                          [60, 30, 45, 45]))
    else:
        story.append(Paragraph("None: no failed reading needed a confirmation.", st["body"]))

    story.append(Paragraph("Electronic signatures", st["h2"]))
    if form.signatures:
        sig_rows = [[s.printed_name, s.username, MEANINGS.get(s.meaning.value, s.meaning.value), _utc(s.signed_at)]
                    for s in form.signatures]
        story.append(KeepTogether([grid(["Printed name", "User", "Meaning", "Date and time"], sig_rows,
                                        [35, 22, 85, 38])]))
        for s in form.signatures:  # a hash has no spaces to wrap at: a line of its own under the table
            story.append(Paragraph(_esc(f"Content SHA-256 signed by {s.printed_name}: {s.content_sha256}"),
                                   st["small"]))
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(_esc("Each signature was given with the signer's password and covers the content "
                                    "hash shown; any later change to the readings makes a new, corrected record."),
                               st["small"]))
    elif form.signed_at is not None:
        story.append(Paragraph(_esc(f"Signed {_utc(form.signed_at)} as inspected by {form.inspector}. No signature "
                                    "manifest (meaning and content hash) is on record for it: it was signed before "
                                    "Threadline kept them, or imported."), st["body"]))
    else:
        story.append(Paragraph(_esc("Not signed. An unsigned record is a working copy, not evidence of "
                                    "inspection."), st["body"]))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(_esc(f"Printed {created_at:%Y-%m-%d %H:%M:%S} UTC by {created_by} from Threadline."),
                           st["small"]))
    furniture = Furniture(company, title, number, f"{form.item_code} · {plan.title}")
    doc.build(story, onFirstPage=first_page(company, f"THREADLINE-IR:{form.id}".upper(), "record id"),
              canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()
