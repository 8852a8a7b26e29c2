"""The inspection records of an item as a table, newest first: which inspection and plan revision, the version
in its chain of corrections, who inspected and when it was signed, the result, and who reviewed or corrected it.
Enter or a double-click opens one (a signed one read-only)."""

from __future__ import annotations

from app.models import InspectionResult
from app.services.inspection import RecordSummary
from app.ui import formatting as fmt
from app.ui.inspection_plan_model import PLAN_KINDS
from app.ui.palette import TEXT_BAD, TEXT_GOOD, TEXT_MUTED
from app.ui.record_table_model import RIGHT, Column, RecordTableModel

_RESULT_COLOURS = {InspectionResult.PASS: TEXT_GOOD, InspectionResult.FAIL: TEXT_BAD}


def inspection_text(record: RecordSummary) -> str:
    kind = PLAN_KINDS[record.plan_type]
    return kind + (f" · op {record.operation_seq}" if record.operation_seq is not None else "")


def state_text(record: RecordSummary) -> str:
    if not record.signed:
        return "Open · being filled in"
    if record.corrected_by is not None:
        return "Corrected by a newer version"
    return "Signed · read-only"


class RecordListModel(RecordTableModel[RecordSummary]):
    columns = (
        Column("Inspection", inspection_text, bold=lambda r: r.corrected_by is None),
        Column("Plan rev", lambda r: str(r.plan_revision), align=RIGHT, sort_key=lambda r: r.plan_revision),
        Column("Version", lambda r: str(r.version), align=RIGHT, sort_key=lambda r: r.version,
               tooltip="1: as first signed; each correction is the next version"),
        Column("Inspector", lambda r: r.inspector),
        Column("Signed", lambda r: fmt.local_time(r.signed_at) if r.signed_at else "—",
               sort_key=lambda r: r.signed_at.isoformat() if r.signed_at else ""),
        Column("Result", lambda r: r.result.value.upper() if r.signed else "open",
               colour=lambda r: _RESULT_COLOURS.get(r.result, TEXT_MUTED), bold=lambda r: r.signed),
        Column("Reviewed by", lambda r: r.reviewed_by or ""),
        Column("State", state_text, colour=lambda r: TEXT_MUTED if r.corrected_by is not None else None),
    )
