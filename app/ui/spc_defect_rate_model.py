"""The defect-rate table: inspected and defective records per period, per operation, machine or operator."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.services.defect_analysis import TrendRow
from app.ui import formatting as fmt
from app.ui.palette import TEXT_BAD
from app.ui.record_table_model import RIGHT, Column, RecordTableModel

KEY_COLUMN = 1


class DefectRateModel(RecordTableModel[TrendRow]):
    """`key_header` names the second column after what the rates are broken down by."""

    key_header = "Operation"
    columns = (
        Column("From", lambda r: fmt.local_date(r.period_start), sort_key=lambda r: r.period_start),
        Column("Key", lambda r: r.key, width_em=30),
        Column("Inspected", lambda r: fmt.number(r.inspected), align=RIGHT, sort_key=lambda r: r.inspected),
        Column("Defective", lambda r: fmt.number(r.defective), align=RIGHT, sort_key=lambda r: r.defective),
        Column("Rate", lambda r: f"{100 * r.rate:.1f} %", align=RIGHT, sort_key=lambda r: r.rate,
               colour=lambda r: TEXT_BAD if r.defective else None),
    )

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (section == KEY_COLUMN and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole):
            return self.key_header
        return super().headerData(section, orientation, role)
