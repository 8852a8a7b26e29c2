"""The Pareto table beside the chart: defect codes, most frequent first, with the running share."""

from __future__ import annotations

from app.services.defect_analysis import ParetoRow
from app.ui import formatting as fmt
from app.ui.record_table_model import RIGHT, Column, RecordTableModel


class ParetoModel(RecordTableModel[ParetoRow]):
    columns = (
        Column("Defect code", lambda r: r.defect_code, width_em=16),
        Column("Count", lambda r: fmt.number(r.count), align=RIGHT, sort_key=lambda r: r.count),
        Column("Cumulative", lambda r: f"{r.cumulative_percent:.1f} %", align=RIGHT,
               sort_key=lambda r: r.cumulative_percent),
    )
