"""The Record steps mode's screen: the scan row with its big buttons, the state line, the answer banner,
the part with its route, what the operation needs, and the recent steps. It shows a draft; what a scan
means is decided by the flow (`app/ui/station_steps.py`), not here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.models import StepResult
from app.services.station import RecordedStep
from app.ui.station_draft_model import COMPONENTS, EQUIPMENT, PARAMETERS, READY, StepDraft
from app.ui.station_recent_model import RecentStepsModel
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.scan_field import ScanField
from app.ui.widgets.station_banner import StationBanner, enlarge
from app.ui.widgets.station_item import StationItemCard
from app.ui.widgets.station_needs import NeedsPanel
from app.ui.widgets.station_state import StationStateLine

COMPLETE_TEXT = "✔  Complete"
START_TEXT = "▶  Start"


class StepsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scan_field = ScanField("Scan part, equipment, lot — or COMPLETE / CANCEL")
        self.complete_button = QPushButton(COMPLETE_TEXT, objectName="completeButton")
        self.complete_button.setToolTip("Record the step (Ctrl+Enter, or scan COMPLETE)")
        enlarge(self.complete_button, 1.8)
        # The big plain style for the other buttons: only Complete is green.
        self.start_button = QPushButton(START_TEXT, objectName="clearButton")
        self.start_button.setToolTip("Start a long operation now, complete it later (Ctrl+Shift+Enter, or "
                                     "scan START)")
        enlarge(self.start_button, 1.4)
        self.clear_button = QPushButton("Start over", objectName="clearButton")
        self.clear_button.setToolTip("Forget what was scanned for this part (or scan CANCEL)")
        # What the answer offers next, beside it: repeating an operation, a supervisor's approval.
        self.rework_button = QPushButton("↻  Rework  (Ctrl+R)", objectName="clearButton")
        self.rework_button.setToolTip("Do the operation passed here again, as rework (or scan REWORK)")
        self.approval_button = QPushButton("Supervisor approval  (Ctrl+S)", objectName="clearButton")
        self.approval_button.setToolTip("A supervisor enters their name and password to approve the rework")
        for button in (self.rework_button, self.approval_button):
            enlarge(button, 1.3)
            button.hide()
        for button in (self.complete_button, self.start_button, self.clear_button, self.rework_button,
                       self.approval_button):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keyboard in the scan field

        self.state_line = StationStateLine()
        self.banner = StationBanner()
        self.item_card = StationItemCard()
        self.needs = NeedsPanel()
        self.equipment_list = self.needs.equipment
        self.component_list = self.needs.components
        self.parameter_form = self.needs.parameters
        self.recent = RecentStepsModel(parent=self)
        self.recent_table = DataTable(self.recent, stretch_column=6)
        self.recent_table.text_typed.connect(self.scan_field.take_typed_text)
        self.recent_table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        self.scan_row = QHBoxLayout()
        self.scan_row.setSpacing(12)
        self.scan_row.addWidget(self.scan_field, 1)
        self.scan_row.addWidget(self.start_button)
        self.scan_row.addWidget(self.complete_button)
        self.scan_row.addWidget(self.clear_button)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(scrolling(self.item_card), 1)
        body.addWidget(scrolling(self.needs), 1)
        self.recent_caption = QLabel("RECENT STEPS AT THIS STATION", objectName="stationCaption")
        # The last three steps and a glimpse of more: the page's height belongs to the part in hand.
        self.recent_table.setFixedHeight(self.recent_table.verticalHeader().defaultSectionSize() * 4
                                         + self.fontMetrics().height())
        self.answer_row = QHBoxLayout()  # the banner, and the buttons that answer it (approval …)
        self.answer_row.setSpacing(12)
        self.answer_row.addWidget(self.banner, 1)
        self.answer_row.addWidget(self.rework_button)
        self.answer_row.addWidget(self.approval_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(self.scan_row)
        layout.addWidget(self.state_line)
        layout.addLayout(self.answer_row)
        layout.addLayout(body, 1)
        layout.addWidget(self.recent_caption)
        layout.addWidget(self.recent_table)
        self.setFocusProxy(self.scan_field)

    def show_draft(self, draft: StepDraft, work_center: str, last: tuple[RecordedStep, StepDraft] | None,
                   *, parameters_only: bool = False, busy: bool = False) -> None:
        """The draft in hand; with none, the step just recorded (`last`) until the next part is scanned."""
        if parameters_only:
            self.parameter_form.update_entries(draft.parameters)
        elif draft.task is None and last is not None:
            step, done = last
            assert done.task is not None
            self.item_card.show_task(done.task, work_center, step)
            self.needs.show_draft(done, recorded=True)
            if step.result is StepResult.IN_PROGRESS and done.task.due is not None:
                self.needs.hint.setText(f"{done.task.due.label} was started with:")
        else:
            if draft.task is None:
                self.item_card.clear()
            else:
                self.item_card.show_task(draft.task, work_center)
            self.needs.show_draft(draft)
        state = draft.state()
        needed = ((EQUIPMENT, draft.needs_equipment), (PARAMETERS, bool(draft.parameters)),
                  (COMPONENTS, bool(draft.task and draft.task.components)))
        skipped = frozenset(key for key, wanted in needed if not wanted) if draft.workable else frozenset()
        self.state_line.set_state(state, skipped=skipped)
        self.complete_button.setEnabled(not busy)
        repolish(self.complete_button, ready=state == READY)
        # Start is for a step not under way yet; a step under way is completed.
        self.start_button.setVisible(draft.workable and not draft.task.open_steps)  # type: ignore[union-attr]
        self.start_button.setEnabled(not busy)


def repolish(button: QPushButton, **properties: object) -> None:
    """Set style-sheet properties and make the style read them again."""
    for name, value in properties.items():
        button.setProperty(name, value)
    button.style().unpolish(button)
    button.style().polish(button)


def scrolling(widget: QWidget) -> QScrollArea:
    """A column that scrolls on a small screen instead of squeezing its rows."""
    scroll = QScrollArea(objectName="stationScroll")
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # rows wrap instead
    return scroll
