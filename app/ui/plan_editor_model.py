"""The characteristics of a plan being edited, as an editable table: name, kind, classification, nominal, a
± tolerance (or deviations) that sets the limits, the limits themselves, unit, decimals, gauge type and the
defect codes of a pass/fail check (edited beside the table). A cell refuses what is not a number and says
why; the plan's own rules are the service's, checked on save."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from app.models import CharacteristicKind, Classification
from app.services.inspection import CharacteristicDefinition, DefectCode
from app.ui.editable_rows_model import EditableRowsModel, Index
from app.ui.palette import TEXT_BAD, TEXT_MUTED
from app.ui.record_table_model import LEFT, RIGHT

NAME, KIND, CLASS, NOMINAL, TOLERANCE, LOWER, UPPER, UNIT, DECIMALS, GAUGE, CODES = range(11)
HEADERS = ("Characteristic", "Kind", "Class", "Nominal", "± Tol.", "Lower", "Upper", "Unit", "Dec.",
           "Gauge type", "Codes")
TOOLTIPS = {
    TOLERANCE: "Tolerance: type ±t (0.018) or two deviations (-0.011 / 0); the limits follow from the nominal",
    LOWER: "Lower limit (empty: none)",
    UPPER: "Upper limit (empty: none)",
    DECIMALS: "Decimals: the resolution values are typed, read and judged at",
    GAUGE: "The kind of gauge that may measure it, e.g. Caliper; a gauge whose name does not say so is refused",
    CODES: "The codes a pass/fail check may fail with; edit them under the table",
}
KIND_WORDS = {CharacteristicKind.VARIABLE: "measured", CharacteristicKind.ATTRIBUTE: "pass/fail"}
CLASS_WORDS = {c: c.value for c in Classification}
# Columns a pass/fail check does not have.
MEASURED_ONLY = {NOMINAL, TOLERANCE, LOWER, UPPER, UNIT, DECIMALS}
SHOWN_CODES = 2  # codes named in the cell; the rest are counted
NUMBERS = {NOMINAL: "nominal", LOWER: "lower limit", UPPER: "upper limit"}


@dataclass(frozen=True)
class Draft:
    """One row as typed: numbers kept as text, so 12.000 stays 12.000 until it is saved."""

    name: str = ""
    kind: CharacteristicKind = CharacteristicKind.VARIABLE
    classification: Classification = Classification.MAJOR
    nominal: str = ""
    lower: str = ""
    upper: str = ""
    unit: str = "mm"
    decimals: int = 3
    gauge_type: str = ""
    defect_codes: tuple[DefectCode, ...] = ()

    @property
    def measured(self) -> bool:
        return self.kind is CharacteristicKind.VARIABLE

    @classmethod
    def of(cls, c: CharacteristicDefinition) -> Draft:
        def text(value: float | None) -> str:
            return "" if value is None else f"{value:.{c.decimals}f}"

        return cls(c.name, c.kind, c.classification, text(c.nominal), text(c.lower_limit), text(c.upper_limit),
                   c.unit or "", c.decimals, c.gauge_type or "", c.defect_codes)

    def definition(self) -> CharacteristicDefinition:
        gauge = self.gauge_type.strip() or None
        if not self.measured:
            return CharacteristicDefinition(self.name.strip(), self.kind, self.classification, gauge_type=gauge,
                                            defect_codes=self.defect_codes)
        return CharacteristicDefinition(self.name.strip(), self.kind, self.classification, _float(self.nominal),
                                        _float(self.lower), _float(self.upper), self.unit.strip() or None,
                                        self.decimals, gauge)

    def tolerance_text(self) -> str:
        """±t when the limits lie symmetric about the nominal, else the two deviations."""
        nominal, lower, upper = (_decimal(v) for v in (self.nominal, self.lower, self.upper))
        if nominal is None or (lower is None and upper is None):
            return ""
        below = None if lower is None else lower - nominal
        above = None if upper is None else upper - nominal
        if below is not None and above is not None and below == -above:
            return f"± {above}"
        # Deviations without trailing zeros: -0.011 / +0 reads faster than -0.011 / +0.000.
        return " / ".join("—" if d is None else f"{d.normalize():+}" for d in (below, above))


def _decimal(text: str) -> Decimal | None:
    cleaned = text.strip().replace(",", ".").replace("\u2212", "-")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _float(text: str) -> float | None:
    value = _decimal(text)
    return None if value is None else float(value)


class CharacteristicTableModel(EditableRowsModel[Draft]):
    """Signals:
        problem_found(str): a cell refused what was typed; the sentence says why and what to type.
    """

    problem_found = Signal(str)
    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)

    # -- content -------------------------------------------------------------------------------------------

    def set_definitions(self, definitions: tuple[CharacteristicDefinition, ...] | list[CharacteristicDefinition]
                        ) -> None:
        self._reset(Draft.of(c) for c in definitions)

    def definitions(self) -> tuple[CharacteristicDefinition, ...]:
        return tuple(row.definition() for row in self._rows)

    def draft(self, row: int) -> Draft:
        return self._rows[row]

    def set_defect_codes(self, row: int, codes: tuple[DefectCode, ...]) -> None:
        """The codes of the pass/fail check in `row`, from the editor beside the table."""
        if 0 <= row < len(self._rows) and not self._rows[row].measured and self._rows[row].defect_codes != codes:
            self._rows[row] = replace(self._rows[row], defect_codes=codes)
            self.dataChanged.emit(self.index(row, CODES), self.index(row, CODES))

    def add(self, kind: CharacteristicKind, at: int | None = None) -> int:
        draft = Draft(kind=kind) if kind is CharacteristicKind.VARIABLE else Draft(
            kind=kind, unit="", decimals=0, classification=Classification.MINOR)
        return self.insert_row(draft, at)

    def move(self, row: int, step: int) -> int:
        """Move a row up (-1) or down (+1); returns where it is now."""
        target = row + step
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        # Qt counts the destination before the move: one further when moving down.
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + 1 if step > 0 else target)
        self._rows.insert(target, self._rows.pop(row))
        self.endMoveRows()
        return target

    # -- Qt ------------------------------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(section)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return super().headerData(section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == CODES:
            return flags  # a list: edited in its own table beside this one
        if self._rows[index.row()].measured or index.column() not in MEASURED_ONLY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.has_row(index):
            return None
        draft, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(draft, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(draft, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == CODES and draft.defect_codes:
                return "\n".join(str(c) for c in draft.defect_codes)
            if column == CODES and draft.measured:
                return "A measured value outside its limits is recorded as DIM-HIGH or DIM-LOW"
            return TOOLTIPS.get(column) if draft.measured or column not in MEASURED_ONLY else \
                "A pass/fail check has no nominal, limits or unit"
        if role == Qt.ItemDataRole.ForegroundRole:
            muted = (column in MEASURED_ONLY and not draft.measured) or (
                column == CODES and (draft.measured or not draft.defect_codes))
            if muted:
                return TEXT_MUTED
            if column == CLASS and draft.classification is Classification.CRITICAL:
                return TEXT_BAD
            return None
        if role == Qt.ItemDataRole.FontRole and (column == NAME or (
                column == CLASS and draft.classification is Classification.CRITICAL)):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((RIGHT if column in (NOMINAL, TOLERANCE, LOWER, UPPER, DECIMALS) else LEFT).value)
        if role == Qt.ItemDataRole.BackgroundRole and (
                (column in MEASURED_ONLY and not draft.measured) or (column == CODES and draft.measured)):
            return QColor("#eef1f4")  # a column this kind of characteristic does not have
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not (
                self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row, column = index.row(), index.column()
        draft = self._rows[row]
        try:
            changed = self._changed(draft, column, value)
        except ValueError as exc:
            self.problem_found.emit(f"Row {row + 1} ({draft.name or 'no name yet'}): {exc}")
            return False
        if changed == draft:
            return True
        self._rows[row] = changed
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        return True

    # -- reading and writing cells ------------------------------------------------------------------------

    def _text(self, draft: Draft, column: int) -> str:
        if column in MEASURED_ONLY and not draft.measured:
            return "—"
        if column == CODES:
            if draft.measured:
                return "—"
            codes = [c.code for c in draft.defect_codes]
            more = f" +{len(codes) - SHOWN_CODES}" if len(codes) > SHOWN_CODES else ""
            return ", ".join(codes[:SHOWN_CODES]) + more if codes else "any"
        return {
            NAME: draft.name, KIND: KIND_WORDS[draft.kind], CLASS: CLASS_WORDS[draft.classification],
            NOMINAL: draft.nominal, TOLERANCE: draft.tolerance_text(), LOWER: draft.lower, UPPER: draft.upper,
            UNIT: draft.unit, DECIMALS: str(draft.decimals), GAUGE: draft.gauge_type,
        }[column]

    def _edit_value(self, draft: Draft, column: int) -> Any:
        if column == KIND:
            return draft.kind.value
        if column == CLASS:
            return draft.classification.value
        if column == DECIMALS:
            return draft.decimals
        if column == TOLERANCE:
            return draft.tolerance_text().replace("± ", "")
        return self._text(draft, column)

    def _changed(self, draft: Draft, column: int, value: Any) -> Draft:
        text = str(value).strip() if value is not None else ""
        if column == NAME:
            return replace(draft, name=text)
        if column == KIND:
            kind = CharacteristicKind(text)
            if kind is draft.kind:
                return draft
            return Draft(draft.name, kind, draft.classification, gauge_type=draft.gauge_type,
                         unit="mm" if kind is CharacteristicKind.VARIABLE else "",
                         decimals=3 if kind is CharacteristicKind.VARIABLE else 0)
        if column == CLASS:
            return replace(draft, classification=Classification(text))
        if column == UNIT:
            return replace(draft, unit=text)
        if column == GAUGE:
            return replace(draft, gauge_type=text)
        if column == DECIMALS:
            try:
                decimals = int(value)
            except (TypeError, ValueError):
                raise ValueError(f"decimals must be a whole number, not '{text}'.") from None
            return replace(draft, decimals=decimals, **{key: _requantised(getattr(draft, key), decimals)
                                                        for key in ("nominal", "lower", "upper")})
        if column in NUMBERS:
            try:
                _decimal(text)
            except ValueError:
                raise ValueError(f"the {NUMBERS[column]} '{text}' is not a number; type digits with one "
                                 "decimal point, e.g. 12.018.") from None
            return replace(draft, **{("nominal", "lower", "upper")[(NOMINAL, LOWER, UPPER).index(column)]:
                                     text.replace(",", ".")})
        if column == TOLERANCE:
            return _with_tolerance(draft, text)
        return draft


def _requantised(text: str, decimals: int) -> str:
    """A number shown at the new resolution when that loses nothing (12.0 → 12.000); else as it was, so the
    service can say that a limit is finer than the resolution."""
    try:
        value = _decimal(text)
    except ValueError:
        return text
    if value is None:
        return text
    quantised = value.quantize(Decimal(1).scaleb(-decimals))
    return str(quantised) if quantised == value else text


def _with_tolerance(draft: Draft, text: str) -> Draft:
    """`0.018`, `±0.018`, `-0.011 / 0`, `-0.011 +0.005`: the limits become nominal plus the deviations."""
    if not text:
        return draft
    nominal = _decimal(draft.nominal)
    if nominal is None:
        raise ValueError("type the nominal first: a tolerance is applied to it.")
    parts = text.replace("±", " ").replace("/", " ").replace(";", " ").split()
    try:
        deviations = [_decimal(p) for p in parts]
    except ValueError:
        deviations = []
    if len(deviations) == 1 and deviations[0] is not None:
        low, high = -abs(deviations[0]), abs(deviations[0])
    elif len(deviations) == 2 and None not in deviations:
        low, high = sorted(d for d in deviations if d is not None)
    else:
        raise ValueError(f"'{text}' is not a tolerance; type ±t as one number (0.018) or the two deviations "
                         "(-0.011 / 0).")
    # Not rounded: a deviation finer than the resolution is the service's to refuse, in its own words.
    return replace(draft, lower=_requantised(str(nominal + low), draft.decimals),
                   upper=_requantised(str(nominal + high), draft.decimals))
