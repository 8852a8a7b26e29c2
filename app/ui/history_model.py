"""Table models for the parts of one item's history: steps, measurements, nonconformances, shipments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.services.lookup_views import (
    ComplaintView,
    InspectionView,
    MeasurementView,
    NonconformanceView,
    ShipmentView,
    StepView,
)
from app.ui import formatting as fmt
from app.ui.palette import FILL_BAD, RESULT_TEXT, TEXT_BAD, TEXT_GOOD, TEXT_WARN
from app.ui.record_table_model import RIGHT, Column, RecordTableModel


def _result_colour(result: str) -> Any:
    return RESULT_TEXT.get(result)


def _parameters(step: StepView) -> str:
    return " · ".join(f"{p.name} {p.value}" for p in step.parameters)


def _where(step: StepView) -> str:
    return " · ".join(part for part in (step.station, step.work_center) if part)


class StepModel(RecordTableModel[StepView]):
    """Each executed operation: when, what, where, with which equipment, by whom, with what result."""

    columns = (
        Column("Time", lambda s: fmt.local_time(s.started_at)),
        Column("Operation", lambda s: s.operation, bold=lambda s: True, width_em=16),
        Column("Station", _where, width_em=14),
        Column("Equipment", lambda s: s.equipment or "", width_em=20),
        Column("Operator", lambda s: s.operator),
        Column("Result", lambda s: fmt.word(s.result), colour=lambda s: _result_colour(s.result),
               bold=lambda s: True),
        Column("Parameters", _parameters, tooltip="Process parameters recorded with the step"),
    )


@dataclass(frozen=True)
class MeasurementRow:
    """One line of the inspections table: a measurement, or an inspection that has none."""

    inspection: InspectionView
    measurement: MeasurementView | None
    first: bool

    @property
    def failed(self) -> bool:
        return self.measurement is not None and not self.measurement.passed


def measurement_rows(inspections: Sequence[InspectionView]) -> list[MeasurementRow]:
    rows: list[MeasurementRow] = []
    for inspection in inspections:
        if not inspection.measurements:
            rows.append(MeasurementRow(inspection, None, True))
        for n, measurement in enumerate(inspection.measurements):
            rows.append(MeasurementRow(inspection, measurement, n == 0))
    return rows


def _m(row: MeasurementRow, attr: str) -> str:
    return str(getattr(row.measurement, attr) or "") if row.measurement else ""


def _verdict(row: MeasurementRow) -> str:
    if row.measurement is None:
        return fmt.word(row.inspection.result)
    return "OK" if row.measurement.passed else "OUT OF SPEC"


class MeasurementModel(RecordTableModel[MeasurementRow]):
    """Measurements against their limits, grouped by inspection; failed values in red."""

    columns = (
        # The inspection's own columns only on its first line, so the groups read as blocks.
        Column("Time", lambda r: fmt.local_time(r.inspection.inspected_at) if r.first else ""),
        Column("Plan", lambda r: fmt.word(r.inspection.plan) if r.first else ""),
        Column("Inspector", lambda r: r.inspection.inspector if r.first else ""),
        Column("Characteristic", lambda r: _m(r, "characteristic")),
        Column("Value", lambda r: _m(r, "value"), align=RIGHT,
               colour=lambda r: TEXT_BAD if r.failed else None, fill=lambda r: FILL_BAD if r.failed else None,
               bold=lambda r: True),
        Column("Limits", lambda r: _m(r, "limits"), align=RIGHT),
        Column("Gauge", lambda r: _m(r, "gauge")),
        Column("Result", _verdict, bold=lambda r: True,
               colour=lambda r: TEXT_BAD if r.failed or (r.measurement is None and r.inspection.result == "fail")
               else (TEXT_GOOD if r.measurement is not None or r.inspection.result == "pass" else TEXT_WARN)),
    )

    def set_inspections(self, inspections: Sequence[InspectionView]) -> None:
        self.set_records(measurement_rows(inspections))


class NonconformanceModel(RecordTableModel[NonconformanceView]):
    columns = (
        Column("Number", lambda n: n.number, bold=lambda n: True),
        Column("Status", lambda n: fmt.word(n.status),
               colour=lambda n: TEXT_WARN if n.status == "open" else None, bold=lambda n: n.status == "open"),
        Column("Disposition", lambda n: fmt.word(n.disposition)),
        Column("Description", lambda n: n.description),
    )


class ShipmentModel(RecordTableModel[ShipmentView]):
    columns = (
        Column("Shipment", lambda s: s.number, bold=lambda s: True),
        Column("Customer", lambda s: s.customer),
        Column("Customer order", lambda s: s.order or ""),
        Column("Shipped", lambda s: fmt.local_time(s.shipped_at)),
        Column("Quantity", lambda s: fmt.number(s.quantity), align=RIGHT),
    )


class ComplaintModel(RecordTableModel[ComplaintView]):
    columns = (
        Column("Number", lambda c: c.number, bold=lambda c: True),
        Column("Received", lambda c: fmt.local_time(c.received_at), sort_key=lambda c: c.received_at),
        Column("Customer", lambda c: c.customer),
        Column("Status", lambda c: fmt.word(c.status),
               colour=lambda c: TEXT_WARN if c.status != "closed" else None, bold=lambda c: c.status != "closed"),
        Column("Description", lambda c: c.description),
    )
