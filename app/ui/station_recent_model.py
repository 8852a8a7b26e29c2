"""The steps recorded at this station in this session, newest first: what the operator glances at to
see that the last part went in, and how much of which lot it used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex

from app.models import StepResult
from app.services.station import Reading, RecordedStep
from app.ui import formatting as fmt
from app.ui.palette import RESULT_TEXT
from app.ui.record_table_model import RIGHT, Column, RecordTableModel

KEEP = 200  # a shift's worth; older steps are in Lookup


@dataclass(frozen=True)
class RecentStep:
    at: datetime
    step: RecordedStep
    equipment: str | None
    readings: tuple[Reading, ...] = ()

    @property
    def items(self) -> str:
        return ", ".join(item.code for item in self.step.items)

    @property
    def parameters(self) -> str:
        return ", ".join(f"{r.name} {fmt.quantity(r.value, r.unit)}" for r in self.readings
                         if r.value is not None)

    @property
    def used(self) -> str:
        return ", ".join(f"{c.item.code} {fmt.quantity(c.quantity, c.item.unit)}" for c in self.step.consumed)


class RecentStepsModel(RecordTableModel[RecentStep]):
    columns = (
        Column("Time", lambda r: r.at.astimezone().strftime("%H:%M:%S"), sort_key=lambda r: r.at),
        Column("Item", lambda r: r.items, bold=lambda r: True),
        Column("Part", lambda r: r.step.items[0].part_number if r.step.items else ""),
        Column("Operation", lambda r: r.step.operation.label),
        Column("Equipment", lambda r: r.equipment or ""),
        Column("Used", lambda r: r.used, width_em=24),
        Column("Parameters", lambda r: r.parameters, width_em=30),
        Column("Result", lambda r: fmt.word(r.step.result.value), align=RIGHT,
               colour=lambda r: RESULT_TEXT.get(r.step.result.value), bold=lambda r: True),
    )

    def add(self, entry: RecentStep) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._records.insert(0, entry)
        self.endInsertRows()
        if len(self._records) > KEEP:
            self.beginRemoveRows(QModelIndex(), KEEP, len(self._records) - 1)
            del self._records[KEEP:]
            self.endRemoveRows()

    def passed(self) -> int:
        return sum(1 for r in self._records if r.step.result is StepResult.PASS)
