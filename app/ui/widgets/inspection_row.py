"""One field of an inspection form: what is measured and its limits, the entry, and its state as the
inspection service judges it while the inspector types. An out-of-tolerance value turns the row red at once;
once saved it waits for the inspector to confirm it (stored with the reading: who and when) or re-measure (the
first value stays in the record)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models import CharacteristicKind, Classification
from app.services.errors import ValidationError
from app.services.inspection import (
    AttributeResult,
    Evaluation,
    GaugeReading,
    MeasurementView,
    Saved,
    Slot,
    TypedValue,
    evaluate_entry,
)
from app.services.inspection.views import Entry
from app.ui import formatting as fmt
from app.ui.widgets.inspection_entry import AttributeEntry, MeasurementField, repolish

NEXT, PREVIOUS = 1, -1
_MOVE_KEYS = {Qt.Key.Key_Tab: NEXT, Qt.Key.Key_Backtab: PREVIOUS}
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass(frozen=True)
class ColumnWidths:
    """Fixed widths (pixels) shared by the header and every row, so the form reads as one table."""

    number: int
    spec: int
    entry: int


class InspectionRow(QFrame):
    """Signals:
        entry_committed(object, bool): an entry to save (TypedValue, GaugeReading or AttributeResult) and
            whether the inspector confirmed it although it is implausible.
        move_requested(int): NEXT or PREVIOUS field.
        confirm_requested(): the inspector confirms the failed value shown; the page stores it.
        decided(): an out-of-tolerance value was confirmed (and stored).
        refused(str): an entry was not taken (not a value, a refused gauge …); the sentence is on the row.
        focused(): the entry got the keyboard focus; gauge readings go to this row now.
        changed(): the row's state changed (the form recounts what is missing and undecided).
    """

    entry_committed = Signal(object, bool)
    move_requested = Signal(int)
    confirm_requested = Signal()
    decided = Signal()
    refused = Signal(str)
    focused = Signal()
    changed = Signal()

    def __init__(self, slot: Slot, position: int, readings: int, widths: ColumnWidths, *, editable: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectionRow")
        self.slot = slot
        self.characteristic = slot.characteristic
        self.tolerance = slot.characteristic.tolerance
        self.variable = slot.characteristic.kind is CharacteristicKind.VARIABLE
        self.current: MeasurementView | None = slot.current
        self.earlier: list[MeasurementView] = list(slot.earlier)
        self.pending: Entry | None = None  # an implausible entry waiting for "Save anyway"
        self.editable = editable
        self.busy = False
        self.tone = "empty"

        number = QLabel(f"{position}" + (f".{slot.index + 1}" if readings > 1 else ""), objectName="rowNumber")
        number.setFixedWidth(widths.number)
        self.entry: MeasurementField | AttributeEntry = (MeasurementField(self.tolerance.unit) if self.variable
                                                         else AttributeEntry(slot.characteristic.defect_codes))
        self.entry.setFixedWidth(widths.entry)
        self.entry.set_editable(editable)
        self.state = QLabel(objectName="rowState", wordWrap=True)
        # The action buttons are made when first needed: most rows never show one, and a form may have
        # hundreds of rows.
        self._buttons: dict[str, QPushButton] = {}
        self._button_row = QHBoxLayout()
        self._button_row.setSpacing(8)
        self._button_row.addStretch(1)
        state_cell = QVBoxLayout()
        state_cell.setSpacing(6)
        state_cell.addWidget(self.state)
        state_cell.addLayout(self._button_row)
        state_cell.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 12, 8)
        layout.setSpacing(16)
        layout.addWidget(number, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(self._name_cell(readings), 3)
        layout.addLayout(self._spec_cell(widths.spec))
        layout.addWidget(self.entry, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(state_cell, 4)

        for widget in self.entry.focus_widgets():
            widget.installEventFilter(self)
        if isinstance(self.entry, MeasurementField):
            self.entry.field.textEdited.connect(self._typed)
            self.entry.field.setAccessibleName(f"Value of {self.characteristic.name}")
        else:
            self.entry.pass_chosen.connect(lambda: self.submit(AttributeResult(True)))
            self.entry.fail_chosen.connect(self._fail_chosen)
            self.entry.defect_entered.connect(lambda code: self.submit(AttributeResult(False, code)))
        self.refresh()

    _ACTIONS = {"confirm": "✔ Confirm value", "remeasure": "↻ Re-measure", "save_anyway": "Save anyway",
                "clear": "Clear"}

    def _action(self, name: str) -> QPushButton:
        button = self._buttons.get(name)
        if button is None:
            button = QPushButton(self._ACTIONS[name], objectName="rowActionButton")
            button.setAutoDefault(False)
            button.clicked.connect({"confirm": self.confirm, "remeasure": self.begin_remeasure,
                                    "save_anyway": self._save_pending, "clear": self._drop_pending}[name])
            button.installEventFilter(self)
            button.hide()
            order = list(self._ACTIONS)
            position = sum(order.index(other) < order.index(name) for other in self._buttons)
            self._button_row.insertWidget(position, button)
            self._buttons[name] = button
        return button

    @property
    def confirm_button(self) -> QPushButton:
        return self._action("confirm")

    @property
    def remeasure_button(self) -> QPushButton:
        return self._action("remeasure")

    @property
    def save_anyway_button(self) -> QPushButton:
        return self._action("save_anyway")

    @property
    def clear_button(self) -> QPushButton:
        return self._action("clear")

    def _name_cell(self, readings: int) -> QVBoxLayout:
        name = QLabel(self.characteristic.name, objectName="characteristicName", wordWrap=True)
        meta = QHBoxLayout()
        meta.setSpacing(8)
        details = [f"reading {self.slot.index + 1} of {readings}"] if readings > 1 else []
        if self.characteristic.gauge_type:
            details.append(self.characteristic.gauge_type)
        if self.characteristic.classification is Classification.CRITICAL:
            meta.addWidget(QLabel("◆ CRITICAL", objectName="criticalTag"))
        else:
            details.insert(0, fmt.word(self.characteristic.classification.value))
        if details:
            meta.addWidget(QLabel(" · ".join(details), objectName="mutedLabel"))
        meta.addStretch(1)
        layout = QVBoxLayout()
        layout.setSpacing(2)
        layout.addWidget(name)
        layout.addLayout(meta)
        layout.addStretch(1)
        return layout

    def _spec_cell(self, width: int) -> QVBoxLayout:
        t = self.tolerance
        if self.variable:
            main = t.format(t.nominal) if t.nominal is not None else t.describe()
            limits = t.describe() if t.nominal is not None else ""
        else:
            main, limits = "Pass / fail", ""
        nominal = QLabel(main, objectName="specNominal")
        self.limits = QLabel(limits, objectName="specLimits")
        layout = QVBoxLayout()
        layout.setSpacing(2)
        for label in (nominal, self.limits):
            label.setFixedWidth(width)
            layout.addWidget(label)
        layout.addStretch(1)
        return layout

    # -- what the form and the page ask -------------------------------------------------------------------

    @property
    def key(self) -> tuple[uuid.UUID, int]:
        return self.characteristic.id, self.slot.index

    @property
    def needs_decision(self) -> bool:
        """A saved out-of-tolerance value that is neither confirmed nor re-measured yet."""
        return self.current is not None and self.current.needs_confirmation

    @property
    def unsaved(self) -> bool:
        """Something typed or chosen that is not in the record."""
        if self.pending is not None:
            return True
        if isinstance(self.entry, MeasurementField):
            text = self.entry.field.text().strip()
            return bool(text) and text != self._shown_text()
        return self.entry.fail_button.isChecked() and (self.current is None or self.current.passed)

    def focus_widget(self) -> QWidget:
        return self.entry.field if isinstance(self.entry, MeasurementField) else self.entry.pass_button

    def focus_entry(self) -> None:
        widget = self.focus_widget()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(self.entry, MeasurementField):
            self.entry.field.selectAll()

    def set_current(self, current: bool) -> None:
        repolish(self, current=current)

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.entry.set_editable(editable and not self.busy)
        self.refresh()

    def submit(self, entry: Entry) -> None:
        """Judge an entry the way the service will; a good one is handed on to be saved."""
        if not self.editable or self.busy:
            return
        try:
            evaluation = evaluate_entry(self.tolerance, entry)
        except ValidationError as exc:
            self._show(str(exc), "warn" if isinstance(entry, TypedValue) else self.tone, error=True)
            self.refused.emit(str(exc))
            return
        if evaluation.implausible:
            self.pending = entry
            self._show(evaluation.message, "warn", buttons=("save_anyway", "clear"))
            self.save_anyway_button.setFocus()
            return
        self.entry_committed.emit(entry, False)

    def show_saving(self) -> None:
        self.busy = True
        self.entry.set_editable(False)
        self._show("Saving …", self.tone)

    def show_saved(self, saved: Saved) -> None:
        if self.current is not None:
            self.earlier.append(self.current)
        self.current, self.pending, self.busy = saved.measurement, None, False
        self.entry.set_editable(self.editable)
        self.refresh()
        if self.needs_decision:
            self.confirm_button.setFocus()

    def show_refused(self, text: str) -> None:
        """The service refused the entry (a gauge, a conflict): say so in red, change nothing."""
        self.busy = False
        self.entry.set_editable(self.editable)
        # A value still waiting for its decision keeps the buttons to decide with.
        buttons = ("confirm", "remeasure") if self.needs_decision and self.editable else ()
        self._show(text, self.tone, error=True, buttons=buttons)
        self.refused.emit(text)

    def confirm(self) -> None:
        """Confirm the failed value as right: asked of the page, which stores who and when."""
        if self.needs_decision and self.editable and not self.busy:
            self.busy = True
            self.entry.set_editable(False)
            self._show("Confirming …", self.tone)
            self.confirm_requested.emit()

    def show_confirmed(self, measurement: MeasurementView) -> None:
        """The confirmation is stored: show who confirmed the value and when, then move on."""
        self.current, self.busy = measurement, False
        self.entry.set_editable(self.editable)
        self.refresh()
        self.decided.emit()

    def begin_remeasure(self) -> None:
        """Clear the field for a new value; the one shown stays in the record and the new one replaces it."""
        if not self.editable or self.current is None:
            return
        shown = self._value_text(self.current)
        if isinstance(self.entry, MeasurementField):
            self.entry.field.clear()
        else:
            self.entry.show_choice(None)
        self._show(f"Re-measure: the new value replaces {shown}, which stays in the record.", "warn")
        self.focus_entry()

    # -- showing the state ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show what the record holds for this field."""
        m = self.current
        if isinstance(self.entry, MeasurementField):
            self.entry.field.setText(self._shown_text())
        else:
            self.entry.show_choice(None if m is None else m.passed, (m.defect_code or "") if m else "")
            self.entry.set_editable(self.editable and not self.busy)
        if m is None:
            self._show("Missing: not measured yet." if self.editable else "Not measured.", "empty")
            return
        kept = f" {len(self.earlier)} earlier reading{'s' if len(self.earlier) > 1 else ''} kept." \
            if self.earlier else ""
        gauge = f" Gauge {m.gauge_code}." if m.gauge_code else ""
        if m.passed:
            words = "✔ In tolerance." if self.variable else "✔ Passed."
            self._show(f"{words}{gauge}{kept}", "ok")
            return
        failure = self._failure_text(m)
        if self.needs_decision and self.editable:
            self._show(f"✖ {failure} Confirm the value, or re-measure.{gauge}{kept}", "fail",
                       buttons=("confirm", "remeasure"))
        else:
            confirmed = (f" Confirmed by {m.confirmed_by or 'the inspector'}, {fmt.local_time(m.confirmed_at)}."
                         if m.confirmed_at else "")
            self._show(f"✖ {failure}{confirmed}{gauge}{kept}", "fail",
                       buttons=("remeasure",) if self.editable else ())

    def _show(self, text: str, tone: str, *, error: bool = False, buttons: tuple[str, ...] = ()) -> None:
        self.tone = tone
        self.state.setText(text)
        repolish(self, tone=tone)
        repolish(self.state, tone="error" if error else tone)
        if isinstance(self.entry, MeasurementField):
            self.entry.set_tone(tone)
        for name in buttons:
            self._action(name)
        for name, button in self._buttons.items():
            button.setVisible(name in buttons)
        self.changed.emit()

    def _shown_text(self) -> str:
        m = self.current
        return "" if m is None or m.value is None else f"{m.value:.{self.tolerance.decimals}f}"

    def _value_text(self, m: MeasurementView) -> str:
        if m.value is not None:
            return self.tolerance.format(m.value)
        return "pass" if m.passed else f"fail ({m.defect_code})"

    def _failure_text(self, m: MeasurementView) -> str:
        if m.value is None:
            return f"Failed: {m.defect_code}."
        judged: Evaluation = evaluate_entry(self.tolerance, GaugeReading(m.value, self.tolerance.unit or "", ""))
        return judged.message or f"{self.tolerance.format(m.value)} is outside {self.tolerance.describe()}."

    # -- typing ---------------------------------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        """Judge every keystroke: red at once when out of tolerance, amber while it is not a value yet."""
        if self.pending is not None:
            self.pending = None
        text = text.strip()
        if not text or text == self._shown_text():
            if self.current is not None and text:
                self.refresh()
            else:
                self._show("Missing: type the value, or send it from the gauge." if self.current is None else
                           f"Re-measure: type the new value; {self._value_text(self.current)} stays in the "
                           "record.", "empty" if self.current is None else "warn")
            return
        try:
            evaluation = evaluate_entry(self.tolerance, TypedValue(text))
        except ValidationError as exc:
            self._show(str(exc), "warn")
            return
        if evaluation.implausible:
            self._show(evaluation.message, "warn")
        elif not evaluation.passed:
            self._show(f"✖ {evaluation.message} Enter saves it.", "fail")
        else:
            self._show(f"{self.tolerance.format(evaluation.value or 0)} is in tolerance. Enter saves it.", "ok")

    def take_text(self, text: str) -> None:
        """A value typed in one burst by a keyboard-wedge gauge: shown in the field, judged and saved."""
        if isinstance(self.entry, MeasurementField) and self.editable and not self.busy:
            self.entry.field.setText(text)
            self._typed(text)
            self.commit()

    def commit(self) -> None:
        """Enter or Tab in the number field: save what was typed, or move on when nothing changed."""
        if isinstance(self.entry, MeasurementField):
            text = self.entry.field.text().strip()
            if text and text != self._shown_text():
                self.submit(TypedValue(text))
                return
        self.move_requested.emit(NEXT)

    def _fail_chosen(self) -> None:
        assert isinstance(self.entry, AttributeEntry)
        if not self.editable or self.busy:
            return
        self.entry.show_choice(False)
        codes = self.characteristic.defect_codes
        how = "pick its defect code from the list (or type it), then Enter" if codes else \
            "type the defect code, then Enter"
        self._show(f"{self.characteristic.name} failed: {how}.", "fail")
        self.entry.defect.setFocus()
        self.entry.offer_codes()

    def _save_pending(self) -> None:
        if self.pending is not None and self.editable and not self.busy:
            entry, self.pending = self.pending, None
            self.entry_committed.emit(entry, True)

    def _drop_pending(self) -> None:
        self.pending = None
        self.refresh()
        self.focus_entry()

    # -- keys -------------------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusIn and watched in self.entry.focus_widgets():
            self.focused.emit()
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(watched, event)
        return False

    def _key(self, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        text_field = isinstance(self.entry, MeasurementField) and watched is self.entry.field
        attribute = isinstance(self.entry, AttributeEntry)
        if key in _MOVE_KEYS:
            if _MOVE_KEYS[key] == NEXT and text_field:
                self.commit()
            elif _MOVE_KEYS[key] == NEXT and attribute and watched is self.entry.defect:
                self.submit(AttributeResult(False, self.entry.defect.text()))
            else:
                self.move_requested.emit(_MOVE_KEYS[key])
            return True
        if attribute and watched is self.entry.defect and key == Qt.Key.Key_Down and self.entry.completer:
            self.entry.offer_codes()  # the list of the check's codes, from where the cursor is
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and (text_field or isinstance(watched, QPushButton)):
            self.move_requested.emit(NEXT if key == Qt.Key.Key_Down else PREVIOUS)
            return True
        if key in _ENTER_KEYS:
            if text_field:
                self.commit()
                return True
            if isinstance(watched, QPushButton):
                watched.click()
                return True
            return False  # the defect field: its returnPressed submits
        if attribute and watched in (self.entry.pass_button, self.entry.fail_button):
            if event.text().lower() in ("p", "+"):
                self.entry.pass_button.click()
                return True
            if event.text().lower() in ("f", "-"):
                self.entry.fail_button.click()
                return True
        return False
