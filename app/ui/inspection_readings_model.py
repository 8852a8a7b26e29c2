"""Every reading of an inspection record, re-measured ones too, oldest first: the trail behind the form that
shows which value replaced which. Nothing is ever overwritten, and this table is where one sees it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QColor

from app.services.inspection import CharacteristicView, MeasurementView, PlanView
from app.ui import formatting as fmt
from app.ui.palette import FILL_BAD, TEXT_BAD, TEXT_GOOD, TEXT_MUTED
from app.ui.record_table_model import RIGHT, Column, RecordTableModel


@dataclass(frozen=True)
class ReadingRow:
    measurement: MeasurementView
    characteristic: CharacteristicView
    replaced: bool  # a later reading in this record replaced it (a re-measure)

    @property
    def value(self) -> str:
        m = self.measurement
        if m.value is not None:
            return self.characteristic.tolerance.format(m.value)
        return "pass" if m.passed else "fail"

    @property
    def status(self) -> str:
        if self.replaced:
            return "Replaced by a re-measure (kept)"
        m = self.measurement
        confirmed = f" · confirmed by {m.confirmed_by or 'the inspector'}" if m.confirmed_at else ""
        if m.carried_from is not None:
            return f"Current · carried over from the signed version{confirmed}"
        return f"Current{confirmed}"


def reading_rows(plan: PlanView, measurements: Iterable[MeasurementView]) -> list[ReadingRow]:
    characteristics: dict[uuid.UUID, CharacteristicView] = {c.id: c for c in plan.characteristics}
    readings = list(measurements)
    own = {m.id for m in readings}
    return [ReadingRow(m, characteristics[m.characteristic_id], m.superseded_by_id in own) for m in readings
            if m.characteristic_id in characteristics]


def _colour(row: ReadingRow) -> QColor | None:
    if row.replaced:
        return TEXT_MUTED
    return TEXT_GOOD if row.measurement.passed else TEXT_BAD


class ReadingsModel(RecordTableModel[ReadingRow]):
    columns = (
        Column("Time", lambda r: fmt.local_time(r.measurement.measured_at),
               sort_key=lambda r: r.measurement.measured_at.isoformat()),
        Column("Characteristic", lambda r: r.characteristic.name, bold=lambda r: not r.replaced, width_em=22),
        Column("Value", lambda r: r.value, align=RIGHT, colour=_colour,
               sort_key=lambda r: r.measurement.value if r.measurement.value is not None else 0.0),
        Column("Result", lambda r: ("Pass" if r.measurement.passed else "Fail"), colour=_colour,
               bold=lambda r: not r.measurement.passed and not r.replaced,
               fill=lambda r: FILL_BAD if not r.measurement.passed and not r.replaced else None),
        Column("Defect", lambda r: r.measurement.defect_code or ""),
        Column("Gauge", lambda r: r.measurement.gauge_code or ""),
        Column("Status", lambda r: r.status, colour=lambda r: TEXT_MUTED if r.replaced else None),
    )
