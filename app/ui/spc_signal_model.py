"""The list of rule signals beside a control chart, newest first, named as the SPC engine names them."""

from __future__ import annotations

from datetime import UTC, datetime

from app.ui import formatting as fmt
from app.ui.palette import TEXT_BAD
from app.ui.record_table_model import RIGHT, Column, RecordTableModel
from app.ui.spc_work import RuleSignal


def _measured(signal: RuleSignal) -> str:
    return fmt.local_time(datetime.fromtimestamp(signal.at, UTC))


class SignalModel(RecordTableModel[RuleSignal]):
    columns = (
        Column("Sample", lambda s: fmt.number(s.point + 1), align=RIGHT, sort_key=lambda s: s.point),
        Column("Chart", lambda s: s.chart),
        Column("Measured", _measured, sort_key=lambda s: s.at),
        Column("Item", lambda s: s.item, width_em=12),
        Column("Rule", lambda s: s.name, colour=lambda s: TEXT_BAD, width_em=50),
    )
