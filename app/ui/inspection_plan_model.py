"""Inspection plans as a table: the choice of inspection when a scanned item has several plans, and the list
the plan editor opens plans from."""

from __future__ import annotations

from app.models import Classification, PlanType
from app.services.inspection import PlanView, SamplingRule
from app.ui.palette import TEXT_MUTED
from app.ui.record_table_model import RIGHT, Column, RecordTableModel


PLAN_KINDS = {PlanType.RECEIVING: "Receiving inspection", PlanType.IN_PROCESS: "In-process inspection",
              PlanType.FINAL: "Final inspection", PlanType.FIRST_ARTICLE: "First-article inspection"}


def plan_kind(plan: PlanView) -> str:
    return PLAN_KINDS[plan.plan_type]


def operation_text(plan: PlanView) -> str:
    if plan.operation_seq is None:
        return ""
    return f"{plan.operation_seq} {plan.operation_name or ''}".strip()


def sampling_text(plan: PlanView) -> str:
    """`1 reading, every 5th item`; a lot's readings come from its table."""
    if plan.sampling.rule is SamplingRule.LOT_SIZE:
        return plan.sampling.describe()
    readings = "1 reading" if plan.sample_size == 1 else f"{plan.sample_size} readings"
    return f"{readings}, {plan.sampling.describe()}"


def _critical(plan: PlanView) -> int:
    return sum(c.classification is Classification.CRITICAL for c in plan.characteristics)


class PlanListModel(RecordTableModel[PlanView]):
    columns = (
        Column("Part", lambda p: p.part_number, bold=lambda p: True),
        Column("Rev", lambda p: p.part_revision),
        Column("Inspection", plan_kind, bold=lambda p: True),
        Column("Operation", operation_text, width_em=16),
        Column("Plan rev", lambda p: str(p.revision), align=RIGHT, sort_key=lambda p: p.revision,
               colour=lambda p: None if p.active else TEXT_MUTED),
        Column("Characteristics", lambda p: str(len(p.characteristics)), align=RIGHT,
               sort_key=lambda p: len(p.characteristics)),
        Column("Critical", lambda p: str(_critical(p)), align=RIGHT, sort_key=_critical),
        Column("Sampling", sampling_text, tooltip="Readings of each measured characteristic, and which items"),
    )


def _short_kind(plan: PlanView) -> str:
    kind = PLAN_KINDS[plan.plan_type].removesuffix(" inspection")
    return kind + (f" · op {plan.operation_seq}" if plan.operation_seq is not None else "")


class CompactPlanListModel(RecordTableModel[PlanView]):
    """The same plans in three narrow columns, beside the plan editor."""

    columns = (
        Column("Part", lambda p: f"{p.part_number} rev {p.part_revision}", bold=lambda p: True),
        Column("Inspection", _short_kind, tooltip="Kind of inspection and the operation it belongs to"),
        Column("Rev", lambda p: str(p.revision), align=RIGHT, sort_key=lambda p: p.revision,
               tooltip="Plan revision"),
    )
