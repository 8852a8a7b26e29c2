"""The top of an item's history: what it is, its status, and the facts people ask for first
(quantity, work order, origin, heat number, certificate, identifiers)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.lookup_views import ItemHistory
from app.ui import formatting as fmt
from app.ui.lookup_work import MaterialOrigin
from app.ui.widgets.status_badge import StatusBadge

FACTS_PER_ROW = 4


class Fact(QWidget):
    """A small caption over a value that can be selected and copied."""

    def __init__(self, caption: str, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.caption = QLabel(caption.upper(), objectName="factCaption")
        self.value = QLabel(value or "—", objectName="factValue")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setWordWrap(True)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)


class ItemHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemHeader")
        self.kind = QLabel(objectName="itemKind")
        self.code = QLabel(objectName="itemCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badge = StatusBadge()
        self.part = QLabel(objectName="itemPart")
        self.part.setWordWrap(True)
        self.part.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        title = QHBoxLayout()
        title.setSpacing(12)
        title.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignBaseline)
        title.addWidget(self.code, 0, Qt.AlignmentFlag.AlignBaseline)
        title.addStretch(1)
        title.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)

        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(28)
        self.facts.setVerticalSpacing(10)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addLayout(title)
        layout.addWidget(self.part)
        layout.addSpacing(6)
        layout.addLayout(self.facts)
        self.fact_widgets: dict[str, Fact] = {}

    def show_history(self, history: ItemHistory, materials: tuple[MaterialOrigin, ...] = ()) -> None:
        item = history.item
        self.kind.setText("SERIAL" if item.is_serial else "LOT")
        self.code.setText(item.code)
        self.badge.set_status(item.status)
        self.part.setText(f"{item.part_number}  rev {item.revision}  ·  {item.description}")
        facts: list[tuple[str, str]] = [] if item.is_serial else [
            ("Quantity", fmt.quantity(item.quantity, item.unit))]
        if history.work_order or item.is_serial:
            facts.append(("Work order", history.work_order or ""))
        facts.append(("Created", fmt.local_time(item.created_at)))
        if history.expires_on:
            facts.append(("Expires", fmt.local_date(history.expires_on)))
        if history.origin:
            facts += [
                ("Supplier", history.origin.supplier),
                ("Supplier lot", history.origin.supplier_lot or ""),
                ("Heat number", history.origin.heat_number or ""),
                ("Material certificate", history.origin.material_cert_ref or ""),
            ]
        elif materials:
            # Made here: the first question is still "which heat, which certificate?". Every purchased
            # lot (seals, springs …) is listed in the Material origin tab.
            heats = [m for m in materials if m.origin.heat_number]
            facts += [
                ("Heat number", _distinct(m.origin.heat_number for m in heats)),
                ("Material certificate", _distinct(m.origin.material_cert_ref for m in heats)),
                ("Purchased lots", f"{len(materials)} · see Material origin"),
            ]
        for kind, value in history.identifiers:
            facts.append((_identifier_caption(kind), value))
        self._set_facts(facts)

    def _set_facts(self, facts: list[tuple[str, str]]) -> None:
        while self.facts.count():
            widget = self.facts.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.fact_widgets = {}
        for n, (caption, value) in enumerate(facts):
            fact = Fact(caption, value)
            self.fact_widgets[caption] = fact
            self.facts.addWidget(fact, n // FACTS_PER_ROW, n % FACTS_PER_ROW, Qt.AlignmentFlag.AlignTop)
        for column in range(FACTS_PER_ROW):
            self.facts.setColumnStretch(column, 1)

    def fact(self, caption: str) -> str:
        """The value shown under a caption ('' when absent), for tests and accessibility."""
        fact = self.fact_widgets.get(caption)
        return fact.value.text() if fact else ""


def _distinct(values) -> str:
    return ", ".join(dict.fromkeys(v for v in values if v))


def _identifier_caption(kind: str) -> str:
    return {"barcode": "Barcode", "gs1": "GS1", "epc": "RFID EPC", "tid": "RFID TID"}.get(kind, kind)
