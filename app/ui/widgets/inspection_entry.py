"""The entry part of an inspection form's row: a number field with its unit for a measured characteristic,
or Pass / Fail buttons with a defect code for a pass/fail check (offered from the plan's list of codes, when it
has one). Only input and looks; the row judges."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.services.inspection import DefectCode


def repolish(widget: QWidget, **properties: object) -> None:
    """Set dynamic properties the style sheet selects on, and make the change show. Re-polishing is costly
    with a large style sheet: only a widget already polished, and only when something changed."""
    changed = False
    for name, value in properties.items():
        if widget.property(name) != value:
            widget.setProperty(name, value)
            changed = True
    if (changed or not properties) and widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class MeasurementField(QWidget):
    """A large right-aligned number field and the characteristic's unit after it."""

    def __init__(self, unit: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit(objectName="measurementField")
        self.field.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.field.setMaxLength(32)
        self.field.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 7)
        self.unit = QLabel(unit or "", objectName="unitLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.unit)

    def focus_widgets(self) -> tuple[QWidget, ...]:
        return (self.field,)

    def set_editable(self, editable: bool) -> None:
        # Read-only rather than disabled: the value stays readable and selectable, and focus still works.
        self.field.setReadOnly(not editable)

    def set_tone(self, tone: str) -> None:
        repolish(self.field, tone=tone)


class DefectCodeListModel(QAbstractListModel):
    """A check's defect codes for the completer: the list shows code and meaning, the field takes the code."""

    def __init__(self, codes: tuple[DefectCode, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.codes = codes

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.codes)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.codes):
            return None
        code = self.codes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{code.code} — {code.description}"
        if role == Qt.ItemDataRole.EditRole:
            return code.code
        if role == Qt.ItemDataRole.ToolTipRole:
            return code.description
        return None


class AttributeEntry(QWidget):
    """Pass and Fail as two big toggles; a failure takes a defect code. With the plan's codes, the field
    completes them: the whole list drops down when Fail is chosen, typing narrows it, ↓ and Enter take one.

    Signals:
        pass_chosen(): Pass was pressed (click, Enter or Space on it, or the key P or +).
        fail_chosen(): Fail was pressed (or the key F or −); the defect field then has the focus.
        defect_entered(str): Enter in the defect field.
    """

    pass_chosen = Signal()
    fail_chosen = Signal()
    defect_entered = Signal(str)

    def __init__(self, defect_codes: tuple[DefectCode, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pass_button = QPushButton("✔ Pass", objectName="passButton")
        self.fail_button = QPushButton("✖ Fail", objectName="failButton")
        for button in (self.pass_button, self.fail_button):
            button.setCheckable(True)
            button.setAutoDefault(False)
        self.pass_button.setToolTip("Pass (P or +)")
        self.fail_button.setToolTip("Fail (F or −), then the defect code")
        self.defect = QLineEdit(objectName="defectField")
        self.defect.setPlaceholderText("defect code")
        self.defect.setMaxLength(32)
        self.defect.hide()  # only a failure has one
        self.completer: QCompleter | None = None
        if defect_codes:
            self.completer = QCompleter(DefectCodeListModel(defect_codes, self), self.defect)
            self.completer.setCompletionRole(Qt.ItemDataRole.EditRole)  # match and take the code itself
            self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            self.completer.setMaxVisibleItems(12)
            self.defect.setCompleter(self.completer)
            # The list is as wide as its longest line, not as the narrow code field it drops from.
            popup = self.completer.popup()
            longest = max(popup.fontMetrics().horizontalAdvance(f"{c.code} — {c.description}") for c in defect_codes)
            popup.setMinimumWidth(longest + popup.fontMetrics().horizontalAdvance("M") * 3)
            self.defect.setPlaceholderText("code ↓")
            self.defect.setToolTip("Codes of this check: " + "; ".join(str(c) for c in defect_codes))
        self.pass_button.clicked.connect(lambda: self.pass_chosen.emit())
        self.fail_button.clicked.connect(lambda: self.fail_chosen.emit())
        self.defect.returnPressed.connect(lambda: self.defect_entered.emit(self.defect.text()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.pass_button)
        layout.addWidget(self.fail_button)
        layout.addWidget(self.defect, 10)
        layout.addStretch(1)  # keeps the buttons their size while the defect field is hidden

    def focus_widgets(self) -> tuple[QWidget, ...]:
        return (self.pass_button, self.fail_button, self.defect)

    def show_choice(self, passed: bool | None, defect: str = "") -> None:
        """Show a stored or half-made choice: None is neither."""
        self.pass_button.setChecked(passed is True)
        self.fail_button.setChecked(passed is False)
        self.defect.setText(defect)
        self.defect.setVisible(passed is False)

    def set_editable(self, editable: bool) -> None:
        self.pass_button.setEnabled(editable)
        self.fail_button.setEnabled(editable)
        self.defect.setReadOnly(not editable)

    def offer_codes(self) -> None:
        """Drop the list of the check's codes down under the defect field (no list: nothing to offer)."""
        if self.completer is not None and not self.defect.isReadOnly():
            self.completer.setCompletionPrefix(self.defect.text())
            self.completer.complete()
