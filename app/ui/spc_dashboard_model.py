"""The SPC dashboard table: one line per variable characteristic of an operation, its state in words and in
colour (green in control, red rule violated with the rule's name, amber capability below target)."""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.services.spc_views import CharacteristicState, State
from app.ui import formatting as fmt
from app.ui.palette import FILL_BAD, TEXT_BAD, TEXT_GOOD, TEXT_MUTED, TEXT_WARN
from app.ui.record_table_model import RIGHT, Column, RecordTableModel
from app.ui.spc_work import CAPABILITY_TARGET

FILL_GOOD = QColor("#e6f4ea")
FILL_WARN = QColor("#fff3d6")
STATE_COLOURS: dict[State, tuple[QColor, QColor | None]] = {  # (text, fill)
    State.IN_CONTROL: (TEXT_GOOD, FILL_GOOD),
    State.RULE_VIOLATED: (TEXT_BAD, FILL_BAD),
    State.LOW_CAPABILITY: (TEXT_WARN, FILL_WARN),
    State.NOT_ENOUGH_DATA: (TEXT_MUTED, None),
}


def cpk_colour(cpk: float | None) -> QColor | None:
    """Red below 1 (out-of-spec parts are being made), amber below the target, plain when capable."""
    if cpk is None or cpk >= CAPABILITY_TARGET:
        return None
    return TEXT_WARN if cpk >= 1.0 else TEXT_BAD


def spec_text(state: CharacteristicState) -> str:
    spec = state.characteristic.spec
    unit = f" {spec.unit}" if spec.unit else ""
    if spec.lower is not None and spec.upper is not None:
        return f"{spec.lower:.{spec.decimals}f} … {spec.upper:.{spec.decimals}f}{unit}"
    if spec.upper is not None:
        return f"≤ {spec.format(spec.upper)}"
    return f"≥ {spec.format(spec.lower)}" if spec.lower is not None else ""


def latest_text(state: CharacteristicState) -> str:
    return "" if state.latest_value is None else state.characteristic.spec.format(state.latest_value)


def detail_text(state: CharacteristicState) -> str:
    """Why the state is what it is: the rule that fired, the Cpk against its target, the values missing."""
    if state.state is State.RULE_VIOLATED:
        more = state.signals - 1
        return f"{state.violation}" + (f" (+{more} more signal{'s' if more != 1 else ''})" if more else "")
    if state.state is State.LOW_CAPABILITY and state.cpk is not None:
        return f"Cpk {state.cpk:.2f} is below the target {CAPABILITY_TARGET:.2f}"
    if state.state is State.NOT_ENOUGH_DATA:
        return f"{state.n} value{'s' if state.n != 1 else ''}: too few for control limits"
    return ""


class DashboardModel(RecordTableModel[CharacteristicState]):
    columns = (
        Column("Characteristic", lambda s: s.characteristic.name, bold=lambda s: True, width_em=16),
        Column("Specification", spec_text, width_em=16),
        Column("Chart", lambda s: s.chart.label, tooltip="I-MR for single readings, X̄-R for samples"),
        Column("n", lambda s: fmt.number(s.n), align=RIGHT, sort_key=lambda s: s.n,
               tooltip="Measured values"),
        Column("Latest", latest_text, align=RIGHT, sort_key=lambda s: s.latest_value or 0.0),
        Column("Cpk", lambda s: "" if s.cpk is None else f"{s.cpk:.2f}", align=RIGHT,
               colour=lambda s: cpk_colour(s.cpk), sort_key=lambda s: -1.0 if s.cpk is None else s.cpk,
               tooltip="Capability of the newest points, as the state judges it"),
        Column("State", lambda s: fmt.word(s.state.value), colour=lambda s: STATE_COLOURS[s.state][0],
               fill=lambda s: STATE_COLOURS[s.state][1], bold=lambda s: s.state is not State.IN_CONTROL,
               width_em=14),
        Column("Why", detail_text, colour=lambda s: STATE_COLOURS[s.state][0], width_em=50),
    )
