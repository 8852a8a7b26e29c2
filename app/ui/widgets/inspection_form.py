"""The fields of one inspection record, generated from its plan: a row per reading, under a header that names
the columns, in a scroll area. Keeps the keyboard flow (Enter and Tab go to the next field, Shift+Tab back)
and knows which field is current, so a gauge reading goes where the inspector is."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.services.inspection import RecordForm
from app.ui.widgets.inspection_row import NEXT, ColumnWidths, InspectionRow


class InspectionForm(QWidget):
    """Signals:
        entry_committed(object, object, bool): the row, its entry, and whether an implausible value was
            confirmed.
        entry_refused(object, str): the row and the sentence, when it did not take an entry.
        confirm_requested(object): the row whose failed value the inspector confirms as right.
        counts_changed(): what is missing, undecided or unsaved may have changed.
        passed_last(): Enter or Tab on the last field; the page offers the signature next.
    """

    entry_committed = Signal(object, object, bool)
    entry_refused = Signal(object, str)
    confirm_requested = Signal(object)
    counts_changed = Signal()
    passed_last = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectionForm")
        em = self.fontMetrics().horizontalAdvance("M")
        self.widths = ColumnWidths(number=int(em * 2.2), spec=int(em * 13.5), entry=em * 19)
        self.rows: list[InspectionRow] = []
        self.current: InspectionRow | None = None
        self.editable = False

        self.body = QWidget(objectName="inspectionRows")
        self.row_layout = QVBoxLayout(self.body)
        self.row_layout.setContentsMargins(0, 0, 8, 0)
        self.row_layout.setSpacing(6)
        self.row_layout.addStretch(1)
        self.scroll = QScrollArea(objectName="inspectionScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.body)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._header())
        layout.addWidget(self.scroll, 1)

    def _header(self) -> QWidget:
        header = QWidget(objectName="inspectionHeaderRow")
        row = QHBoxLayout(header)
        # The rows' margins plus their frame's border, so the captions stand over their columns.
        row.setContentsMargins(16, 0, 20, 0)
        row.setSpacing(16)
        for text, width, stretch in (("#", self.widths.number, 0), ("Characteristic", 0, 3),
                                     ("Specification", self.widths.spec, 0), ("Value", self.widths.entry, 0),
                                     ("State", 0, 4)):
            label = QLabel(text.upper(), objectName="factCaption")
            if width:
                label.setFixedWidth(width)
            row.addWidget(label, stretch)
        return header

    # -- filling -----------------------------------------------------------------------------------------

    def show_form(self, form: RecordForm) -> None:
        """Rows for every reading of `form`, editable unless it is signed."""
        for row in self.rows:
            self.row_layout.removeWidget(row)
            row.deleteLater()
        self.rows, self.current = [], None
        positions = {c.id: n for n, c in enumerate(form.plan.characteristics, start=1)}
        for slot in form.slots:
            c = slot.characteristic
            row = InspectionRow(slot, positions[c.id], form.readings_of(c), self.widths,
                                editable=form.editable)
            row.entry_committed.connect(lambda entry, confirmed, r=row: self.entry_committed.emit(r, entry,
                                                                                                   confirmed))
            row.refused.connect(lambda text, r=row: self.entry_refused.emit(r, text))
            row.move_requested.connect(lambda step, r=row: self.move(r, step))
            row.confirm_requested.connect(lambda r=row: self.confirm_requested.emit(r))
            row.decided.connect(lambda r=row: self.move(r, NEXT))
            row.focused.connect(lambda r=row: self._focused(r))
            row.changed.connect(self.counts_changed)
            self.row_layout.insertWidget(self.row_layout.count() - 1, row)
            self.rows.append(row)
        self.editable = form.editable
        self.counts_changed.emit()

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for row in self.rows:
            row.set_editable(editable)

    # -- finding rows ------------------------------------------------------------------------------------

    def row(self, key: tuple[uuid.UUID, int]) -> InspectionRow | None:
        return next((r for r in self.rows if r.key == key), None)

    def row_named(self, name: str, index: int = 0) -> InspectionRow:
        return next(r for r in self.rows if r.characteristic.name == name and r.slot.index == index)

    @property
    def missing(self) -> list[InspectionRow]:
        return [r for r in self.rows if r.current is None]

    @property
    def undecided(self) -> list[InspectionRow]:
        return [r for r in self.rows if r.needs_decision]

    @property
    def unsaved(self) -> list[InspectionRow]:
        return [r for r in self.rows if r.unsaved]

    @property
    def failed(self) -> list[InspectionRow]:
        return [r for r in self.rows if r.current is not None and not r.current.passed]

    def summary(self, item_code: str) -> str:
        """One line under the form: how far it is, and what signing it now would do."""
        missing, failed, undecided, unsaved = self.missing, self.failed, self.undecided, self.unsaved
        total = len(self.rows)
        parts = [f"{len(missing)} of {total} fields still empty" if missing else f"All {total} fields filled"]
        if failed:
            to_confirm = f" ({len(undecided)} to confirm or re-measure)" if undecided else ""
            parts.append(f"{len(failed)} out of tolerance{to_confirm}")
        if unsaved:
            parts.append(f"{len(unsaved)} typed but not saved (press Enter)")
        if not missing and failed and not undecided:
            parts.append(f"signing puts {item_code} on hold and opens a nonconformance")
        return " · ".join(parts) + "."

    def sign_blocker(self) -> tuple[str, InspectionRow | None]:
        """What keeps the record from being signed, said before the password is asked, and the field to go to;
        ('', None) when nothing does. The service refuses empty fields too; the rest is the form's rule."""
        def names(rows: list[InspectionRow]) -> str:
            return ", ".join(dict.fromkeys(r.characteristic.name for r in rows))

        if rows := self.unsaved:
            return f"Not saved yet: {names(rows)}. Press Enter in the field to save the value, or clear it.", rows[0]
        if rows := self.undecided:
            return f"Out of tolerance and not confirmed: {names(rows)}. Confirm the value or re-measure.", rows[0]
        if rows := self.missing:
            return f"Still empty: {names(rows)}. Fill them in, then sign.", rows[0]
        return "", None

    def first_open_row(self) -> InspectionRow | None:
        """Where the inspector should be: the first undecided or empty field."""
        return next((r for r in self.rows if r.needs_decision or r.current is None), None)

    # -- the keyboard ------------------------------------------------------------------------------------

    def focus_row(self, row: InspectionRow | None) -> None:
        if row is None:
            return
        self.scroll.ensureWidgetVisible(row, 0, row.height() // 2)
        row.focus_entry()
        self._focused(row)

    def move(self, row: InspectionRow, step: int) -> None:
        index = self.rows.index(row) + step
        if 0 <= index < len(self.rows):
            self.focus_row(self.rows[index])
        elif index >= len(self.rows):
            self.passed_last.emit()

    def move_on_from(self, row: InspectionRow) -> None:
        """After a saved value: the next field, or the signature after the last one."""
        self.move(row, NEXT)

    def _focused(self, row: InspectionRow) -> None:
        if self.current is row:
            return
        if self.current is not None and self.current in self.rows:
            self.current.set_current(False)
        self.current = row
        row.set_current(True)
