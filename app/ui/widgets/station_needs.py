"""What the operation due here needs, as big rows: the station's equipment (the one scanned ticked, the
ones that cannot be used marked red with the reason), the components with each scanned lot and the
quantity it gives, and the parameter fields."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.station import EquipmentView
from app.ui import formatting as fmt
from app.ui.station_draft_model import NeedStatus, StepDraft
from app.ui.widgets.station_parameters import ParameterForm

MARKS = {"chosen": "✔", "ok": "○", "bad": "✖", "todo": "○", "covered": "✔", "lot": "↳"}


class NeedRow(QFrame):
    """A glyph, a bold main text with a detail below, and a note on the right; coloured by `mark`."""

    def __init__(self, mark: str, main: str, detail: str = "", note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("needRow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.mark = mark
        self.setProperty("mark", mark)
        # Parented at once: a parentless label made visible would be a window of its own.
        self.glyph = QLabel(MARKS[mark], self, objectName="needGlyph")
        self.glyph.setProperty("mark", mark)
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.main = QLabel(main, self, objectName="needMain")
        self.detail = QLabel(detail, self, objectName="needDetail")
        self.detail.setWordWrap(True)
        self.detail.setVisible(bool(detail))
        self.note = QLabel(note, self, objectName="needNote")
        self.note.setProperty("mark", mark)
        self.note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.main)
        text.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 14, 6)
        layout.setSpacing(12)
        layout.addWidget(self.glyph, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(text, 1)
        layout.addWidget(self.note)
        self.setAccessibleName(f"{main} {detail} {note}".strip())


class NeedList(QWidget):
    """A caption and rows, rebuilt whole on every change (a handful of rows)."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(caption.upper(), objectName="stationCaption")
        self.rows: list[NeedRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.caption)

    def set_rows(self, rows: Sequence[NeedRow]) -> None:
        for row in self.rows:
            self._layout.removeWidget(row)
            row.hide()  # at once: the deferred delete may wait for the event loop
            row.deleteLater()
        self.rows = list(rows)
        for row in self.rows:
            self._layout.addWidget(row)

    def texts(self) -> list[str]:
        return [row.main.text() for row in self.rows]


class EquipmentList(NeedList):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Equipment", parent)

    def show_equipment(self, equipment: Sequence[EquipmentView], chosen: str | None, today: date) -> None:
        rows = []
        for e in equipment:
            due = e.calibration_due_on
            if e.code == chosen:
                mark, note = "chosen", "scanned"
            elif not e.usable:
                mark = "bad"
                note = (f"calibration overdue since {fmt.local_date(due)}" if due is not None and due < today
                        else "not in service")
            else:
                mark, note = "ok", ""
            calibrated = f"  ·  calibrated until {fmt.local_date(due)}" if due and mark != "bad" else ""
            detail = e.name + calibrated
            rows.append(NeedRow(mark, e.code, detail, note))
        self.set_rows(rows)


class ComponentList(NeedList):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Components", parent)

    def show_needs(self, needs: Sequence[NeedStatus]) -> None:
        rows = []
        for status in needs:
            need = status.need
            covered = status.missing <= 1e-9
            note = "complete" if covered else f"scan {fmt.quantity(status.missing, need.unit)}"
            rows.append(NeedRow("covered" if covered else "todo",
                                f"{need.part_number}   {fmt.quantity(need.quantity, need.unit)}",
                                need.description, note))
            for lot in status.lots:
                item = lot.item
                left = "" if item.is_serial else f"of {fmt.quantity(item.quantity, item.unit)} left"
                rows.append(NeedRow("lot", f"{'Serial' if item.is_serial else 'Lot'} {item.code}", left,
                                    f"uses {fmt.quantity(lot.quantity, need.unit)}"))
        self.set_rows(rows)


class NeedsPanel(QFrame):
    """The right-hand card: what the operation due here needs, filled in as the operator scans; after a
    step is recorded, what it was recorded with (read-only) until the next part is scanned."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hint = QLabel(objectName="needsHint")
        self.hint.setWordWrap(True)
        self.equipment = EquipmentList()
        self.components = ComponentList()
        self.parameters = ParameterForm()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.setSpacing(14)
        for widget in (self.hint, self.equipment, self.components, self.parameters):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_draft(self, draft: StepDraft, *, recorded: bool = False) -> None:
        task = draft.task
        workable = draft.workable
        self.equipment.setVisible(workable and draft.needs_equipment)
        self.components.setVisible(workable and bool(task and task.components))
        self.parameters.setVisible(workable and bool(draft.parameters))
        if workable:
            assert task is not None
            self.equipment.show_equipment(task.equipment, draft.equipment.code if draft.equipment else None,
                                          date.today())
            self.components.show_needs(draft.need_status())
            self.parameters.show_entries(draft.parameters)
        self.parameters.set_read_only(recorded)
        self.hint.setText(_hint(draft, recorded))


def _hint(draft: StepDraft, recorded: bool) -> str:
    task = draft.task
    if task is None:
        pre = draft.equipment
        return (f"Equipment {pre.code} is scanned. Scan the part." if pre else
                "What the operation needs appears here once the part is scanned.")
    if task.due is None:
        return task.hint
    if recorded:
        return f"{task.due.label} was recorded with:"
    if not (draft.needs_equipment or task.components or task.parameters):
        return f"{task.due.label} needs nothing more: complete it."
    return f"{task.due.label} needs:"
