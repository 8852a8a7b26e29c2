"""The process parameters an operation asks for: a big field each, with its unit, its limits and where the
value came from (typed, or a sensor and when it read it). A value outside its limits is marked: red when
the operation refuses it, amber when it records it and flags it for quality."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.models import ParameterSource
from app.services.station import ParameterSpec
from app.ui import formatting as fmt
from app.ui.station_draft_model import ParameterEntry, limits_text


class ParameterForm(QWidget):
    """Signals:
        text_edited(str, str): the operator typed in a parameter's field: its name and the text.
        entry_finished(str): Enter in a parameter's field: its name.
    """

    text_edited = Signal(str, str)
    entry_finished = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel("PARAMETERS", objectName="stationCaption")
        # The station's sensor links, summed up: red with the link's own sentence when they are down.
        self.sensor_state = QLabel(self, objectName="parameterSource")
        self.sensor_state.setWordWrap(True)
        self.sensor_state.hide()
        self.fields: dict[str, QLineEdit] = {}
        self.sources: dict[str, QLabel] = {}
        self._specs: list[ParameterSpec] = []
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnMinimumWidth(2, self.fontMetrics().horizontalAdvance("M") * 7)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.caption)
        layout.addWidget(self.sensor_state)
        layout.addLayout(self.grid)

    def set_sensor_state(self, state: str, text: str) -> None:
        """`state`: a DeviceState value, "loading" or "none" (no sources: nothing is shown)."""
        self.sensor_state.setText(text)
        self.sensor_state.setToolTip(text)
        self.sensor_state.setVisible(bool(text) and state != "none")
        look = {"connected": "sensor", "error": "bad", "disconnected": "bad"}.get(state, "ok")
        if self.sensor_state.property("state") != look:
            self.sensor_state.setProperty("state", look)
            self.sensor_state.style().unpolish(self.sensor_state)
            self.sensor_state.style().polish(self.sensor_state)

    def show_entries(self, entries: Sequence[ParameterEntry]) -> None:
        """One row per parameter, in the operation's order; the same parameters as shown keep their fields
        (and the keyboard), only their values change."""
        if [e.spec for e in entries] == self._specs:
            self.update_entries(entries)
            return
        self._specs = [e.spec for e in entries]
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.fields, self.sources = {}, {}
        for row, entry in enumerate(entries):
            self._add_row(row, entry.spec)
        self.update_entries(entries)

    def _add_row(self, row: int, spec: ParameterSpec) -> None:
        # Name over limits, the field, where the value came from: narrow enough for half a bench monitor,
        # the value still the biggest thing in the row.
        caption = QWidget(self)
        title = spec.name + ("" if spec.required else "  (optional)")
        name = QLabel(title, caption, objectName="parameterName")
        limits = QLabel(limits_text(spec) or (spec.unit or ""), caption, objectName="parameterLimits")
        lines = QVBoxLayout(caption)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(0)
        lines.addWidget(name)
        lines.addWidget(limits)
        field = QLineEdit(self, objectName="parameterField")
        field.setAccessibleName(spec.name)
        field.setPlaceholderText("from sensor" if spec.sensor else "type it")
        field.textEdited.connect(lambda text, n=spec.name: self.text_edited.emit(n, text))
        field.returnPressed.connect(lambda n=spec.name: self.entry_finished.emit(n))
        source = QLabel(self, objectName="parameterSource")
        source.setWordWrap(True)
        self.grid.addWidget(caption, row, 0)
        self.grid.addWidget(field, row, 1)
        self.grid.addWidget(source, row, 2)
        self.fields[spec.name] = field
        self.sources[spec.name] = source

    def update_entries(self, entries: Sequence[ParameterEntry]) -> None:
        """Values, sources and problems as they are now; a field being typed in keeps its cursor."""
        for entry in entries:
            field = self.fields.get(entry.spec.name)
            if field is None:
                continue
            if field.text() != entry.text:
                field.setText(entry.text)
                if not field.hasFocus():
                    field.setCursorPosition(0)  # a sensor's value reads from its first digit, not scrolled
            problem = entry.problem if entry.text.strip() else None
            warning = entry.warning
            state = "bad" if problem else "flag" if warning else \
                "sensor" if entry.source is ParameterSource.SENSOR else "ok"
            field.setToolTip(problem or warning or "")
            source = self.sources[entry.spec.name]
            if problem or warning:
                source.setText(problem or warning or "")
            elif entry.source is ParameterSource.SENSOR:
                when = fmt.local_time(entry.read_at)[11:] if entry.read_at else ""
                source.setText(f"sensor {when}".strip())
            elif entry.text.strip():
                source.setText("typed")
            else:
                source.setText("sensor …" if entry.spec.sensor else "")
            for widget in (field, source):
                if widget.property("state") != state:
                    widget.setProperty("state", state)
                    widget.style().unpolish(widget)
                    widget.style().polish(widget)

    def set_read_only(self, read_only: bool) -> None:
        """What a recorded step was recorded with: shown, no longer edited."""
        for field in self.fields.values():
            field.setReadOnly(read_only)
            field.setFocusPolicy(Qt.FocusPolicy.NoFocus if read_only else Qt.FocusPolicy.StrongFocus)

    def first_to_fill(self, entries: Sequence[ParameterEntry]) -> QLineEdit | None:
        """The field the keyboard should go to: one to type in before one a sensor is expected to fill."""
        waiting = [e for e in entries if e.problem and e.spec.name in self.fields]
        typed = [e for e in waiting if not e.spec.sensor]
        first = (typed or waiting or [None])[0]
        return self.fields[first.spec.name] if first else None
