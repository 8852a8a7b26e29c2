"""The top of an inspection form: which item (with its status), against which plan revision, whether the item is
due by the plan's sampling (and a lot's sample), by whom."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.models import ItemStatus
from app.services.inspection import RecordForm, SamplingDecision
from app.services.lookup_views import ItemSummary
from app.ui import formatting as fmt
from app.ui.inspection_plan_model import plan_kind, sampling_text
from app.ui.palette import TEXT_GOOD, TEXT_WARN
from app.ui.widgets.status_badge import StatusBadge


class InspectionHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemHeader")
        self.kind = QLabel(objectName="itemKind")
        self.code = QLabel(objectName="itemCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.part = QLabel(objectName="itemPart", wordWrap=True)
        self.badge = StatusBadge()
        self.plan = QLabel(objectName="planLine", wordWrap=True)
        self.sampling = QLabel(objectName="samplingLine", wordWrap=True)
        self.who = QLabel(objectName="mutedLabel", wordWrap=True)
        title = QHBoxLayout()
        title.setSpacing(12)
        title.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignBaseline)
        title.addWidget(self.code, 0, Qt.AlignmentFlag.AlignBaseline)
        title.addWidget(self.part, 1, Qt.AlignmentFlag.AlignBaseline)
        title.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        layout.addLayout(title)
        layout.addWidget(self.plan)
        layout.addWidget(self.sampling)
        layout.addWidget(self.who)

    def show_item(self, item: ItemSummary) -> None:
        self.kind.setText("SERIAL" if item.is_serial else "LOT")
        self.code.setText(item.code)
        self.part.setText(f"{item.part_number}  rev {item.revision}  ·  {item.description}")
        self.badge.set_status(item.status)
        self.plan.hide()
        self.sampling.hide()
        self.who.hide()

    def show_form(self, form: RecordForm, sampling: SamplingDecision | None = None) -> None:
        plan = form.plan
        if self.code.text() != form.item_code:  # opened by record, not by scanning the item
            self.kind.setText("")
            self.code.setText(form.item_code)
            self.part.setText(f"{plan.part_number}  rev {plan.part_revision}")
        where = f" at operation {plan.operation_seq}" if plan.operation_seq is not None else ""
        if plan.operation_name and plan.operation_name.casefold() != plan_kind(plan).casefold():
            where += f" ({plan.operation_name})"
        self.plan.setText(f"{plan_kind(plan)}{where} · plan rev {plan.revision} · "
                          f"{len(plan.characteristics)} characteristics · {sampling_text(plan)}")
        # The record's time moves with every entry (it is its version): it says when it last changed.
        self.who.setText(f"Inspector {form.inspector} · last change {fmt.local_time(form.inspected_at)}"
                         if form.editable else f"Inspected by {form.inspector}")
        self.plan.show()
        self.who.show()
        self.show_sampling(sampling)
        self.set_status(form.item_status)

    def show_sampling(self, sampling: SamplingDecision | None) -> None:
        """Whether the item is due ("First-off of WO-1042", "Lot of 1,200: sample 32") in green; an item that
        is not due in amber: it may be inspected all the same."""
        self.sampling.setVisible(sampling is not None)
        if sampling is None:
            return
        colour = TEXT_GOOD if sampling.due else TEXT_WARN
        mark = "●" if sampling.due else "○"
        self.sampling.setText(f"{mark} {sampling.text}")
        self.sampling.setStyleSheet(f"color: {colour.name()}; font-weight: bold;")

    def set_status(self, status: ItemStatus) -> None:
        self.badge.set_status(status)
