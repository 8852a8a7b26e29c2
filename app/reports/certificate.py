"""The certificate document: a certificate of conformance with traceability, or an EN 10204 type 3.1 inspection
certificate, laid out with platypus so long genealogies flow over as many pages as they need."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.reports import certificate_tables as tables
from app.reports.page import Company, Furniture, first_page, numbered_canvas
from app.reports.styles import ALERT, BOLD, FONT, HEAD_FILL, RULE, printable, styles

if TYPE_CHECKING:
    from app.services.certificates.facts import CertificateFacts, IssueHeader

COC_STATEMENT = (
    "We certify that the goods listed above were manufactured, inspected and tested in accordance with "
    "{order} and the applicable drawings and specifications, and that they conform to these requirements. "
    "Their traceability to material, process steps, equipment, operators and inspections is stated on this "
    "certificate and kept on record.")
EN10204_STATEMENT = (
    "Inspection certificate type 3.1 according to EN 10204:2004. We certify that the products delivered "
    "conform to the requirements of {order}, and that the test results stated above were obtained by "
    "specific inspection of the delivered products. This certificate is validated by the manufacturer's "
    "authorised inspection representative, who is independent of the manufacturing department.")


def _esc(text: str | None) -> str:
    return printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_certificate(facts: CertificateFacts, header: IssueHeader, *, company: Company, content_sha256: str,
                       qr_payload: str, key_subject: str, trial: bool) -> bytes:
    """The unsigned PDF; the service signs it. Metadata keywords carry the id and hash for verification."""
    st = styles()
    title = facts.cert_type.label
    buffer = io.BytesIO()
    furniture = Furniture(company, title, header.number, f"content SHA-256 {content_sha256[:16]}…",
                          copy=header.is_copy, trial=trial)
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=17 * mm, bottomMargin=19 * mm,
        title=f"{title} {header.number}", author=company.name, creator="Threadline",
        subject=f"{title} for {facts.subject_kind.value} {facts.subject_code}",
        keywords=f"threadline-certificate number={header.number} id={header.certificate_id} "
                 f"sha256={content_sha256}")
    story: list = [Spacer(1, 26 * mm)]  # below the letterhead drawn on page 1
    heading = f"{title}" + (" with traceability" if facts.cert_type.value == "coc" else "")
    story.append(Paragraph(_esc(heading), st["title"]))
    sub = f"No. {header.number}"
    if header.is_copy:
        sub += f"  ·  <font color='#b00020'><b>COPY</b></font> of {header.reprint_of}, reprinted"
    story.append(Paragraph(sub, st["subtitle"]))
    story.append(Spacer(1, 4 * mm))
    story.append(tables.key_values(_identity(facts, header)))

    order = f"customer order {facts.customer_order}" if facts.customer_order else "the order"
    sections = [
        ("Delivered items", facts.items, tables.delivered_table, "No items."),
        ("Material origin", facts.materials, tables.materials_table, "No purchased material in the genealogy."),
        ("Route steps", facts.steps, tables.steps_table, "No process steps on record."),
        ("Key process parameters (with limits)", facts.parameters, tables.parameters_table,
         "No limited process parameters on record."),
        ("Inspection results against limits", facts.results, tables.results_table, "No inspection results."),
        ("Nonconformances and dispositions", facts.ncrs, tables.ncr_table, "None: no nonconformance concerns these "
                                                                            "items or their components."),
    ]
    for heading_text, rows, build, empty in sections:
        count = f" ({len(rows)})" if rows else ""
        story.append(Paragraph(_esc(heading_text + count), st["h2"]))
        story.append(build(facts) if rows else Paragraph(_esc(empty), st["body"]))

    statement = EN10204_STATEMENT if facts.cert_type.value == "3.1" else COC_STATEMENT
    story.append(Paragraph("Statement of conformance", st["h2"]))
    story.append(Paragraph(_esc(statement.format(order=order)), st["statement"]))
    story.append(KeepTogether(_signature_block(header, content_sha256, key_subject, trial)))

    doc.build(story, onFirstPage=first_page(company, qr_payload, f"{header.number} · scan to verify"),
              canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()


def _identity(facts: CertificateFacts, header: IssueHeader) -> list[tuple[str, str]]:
    parts = ", ".join(facts.part_numbers)
    kinds = {"serial": "Serial", "lot": "Lot", "shipment": "Shipment"}
    shipped = f"{facts.shipment} ({tables.when(facts.shipped_at)[:10]})" if facts.shipment else "not shipped yet"
    return [
        ("Certificate no.", header.number),
        ("Type", facts.cert_type.label + (" (EN 10204)" if facts.cert_type.value == "3.1" else "")),
        ("Issued (UTC)", header.issued_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Issued by", header.issued_by),
        (kinds[facts.subject_kind.value], facts.subject_code),
        ("Part / revision", parts),
        ("Customer", facts.customer or "not assigned"),
        ("Customer order", facts.customer_order or "none"),
        ("Shipment", shipped),
        ("Items / traced", f"{len(facts.items)} delivered, {facts.genealogy_size} in genealogy"),
    ]


def _signature_block(header: IssueHeader, content_sha256: str, key_subject: str, trial: bool) -> list:
    st = styles()
    signed = header.issued_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    rows = [["Electronic signature", ""],
            ["Printed name", printable(header.signer_name)],
            ["Meaning", tables.wrap(header.signer_meaning)],
            ["Date and time", signed]]
    if header.validated_by and header.validated_by != header.signer_name:
        rows.append(["Validated by", printable(header.validated_by)])
    if header.issued_by != header.signer_name:
        rows.append(["Issued by", printable(header.issued_by)])
    rows += [["Digital signature", tables.wrap(f"PAdES signature of {key_subject}" +
                                               (" (self-signed TRIAL certificate)" if trial else ""))],
             ["Content SHA-256", tables.wrap(content_sha256)],
             ["Certificate id", str(header.certificate_id)]]
    table = Table(rows, colWidths=[38 * mm, 142 * mm])
    style = [
        ("SPAN", (0, 0), (-1, 0)),
        ("FONT", (0, 0), (-1, 0), BOLD, 9),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("FONT", (0, 1), (0, -1), BOLD, 8.2),
        ("FONT", (1, 1), (1, -1), FONT, 8.2),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if trial:
        style.append(("TEXTCOLOR", (1, len(rows) - 3), (1, len(rows) - 3), ALERT))
    table.setStyle(TableStyle(style))
    note = Paragraph(_esc("Check this certificate with `threadline certificate verify <file>`: it confirms the "
                          "digital signature covers the whole document unaltered and that the document matches "
                          "the issued record."), st["small"])
    return [Spacer(1, 4 * mm), table, Spacer(1, 2 * mm), note]
