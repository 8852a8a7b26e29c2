"""The item on the station: what it is, its status, its work order, and its route with the operation due
here highlighted (passed operations ticked, the due one marked, the rest plain)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.models import StepResult
from app.services.station import RecordedStep, RouteStepView, StationTask
from app.ui import formatting as fmt
from app.ui.widgets.status_badge import StatusBadge


# The whole flow, for the first shift at a new station; it gives way to the part once one is scanned.
HOW_TO = "<br>".join(f"<b>{n}</b>&nbsp;&nbsp;{text}" for n, text in (
    ("1", "Scan the part, lot or work order"),
    ("2", "Scan the machine or gauge"),
    ("3", "Scan each component lot"),
    ("4", "Check the parameters: sensors fill them, type the rest"),
    ("5", "Scan <b>COMPLETE</b> or press <b>Ctrl+Enter</b>")))


class RouteList(QWidget):
    """One row per operation; `phase` property: passed, here, blocked (due here, but the item may not be
    worked on), elsewhere (due at another work centre), todo."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[QLabel] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)

    def show_route(self, steps: tuple[RouteStepView, ...], due_here: int | None, station_centre: str) -> None:
        for row in self.rows:
            self._layout.removeWidget(row)
            row.hide()  # at once: the deferred delete may wait for the event loop
            row.deleteLater()
        self.rows = []
        first_open = next((s for s in steps if not s.passed), None)
        for step in steps:
            op = step.operation
            if step.passed:
                phase, mark, note = "passed", "✔", ""
            elif due_here == op.seq:
                phase, mark, note = "here", "▶", "  — due here"
            elif step is first_open and op.work_center == station_centre:
                phase, mark, note = "blocked", "✖", "  — due here, cannot be worked on"
            elif step is first_open:
                phase, mark, note = "elsewhere", "➜", f"  — due at {op.work_center}"
            else:
                phase, mark, note = "todo", "○", ""
            row = QLabel(f"{mark}  {op.seq}  {op.name}  ·  {op.work_center}{note}", objectName="routeStep")
            row.setProperty("phase", phase)
            row.setWordWrap(True)
            row.setAccessibleName(f"Operation {op.seq} {op.name}: {phase}")
            self._layout.addWidget(row)
            self.rows.append(row)
        if not steps:
            row = QLabel("No route", objectName="routeStep")
            row.setProperty("phase", "todo")
            self._layout.addWidget(row)
            self.rows.append(row)

    def phases(self) -> list[str]:
        return [row.property("phase") for row in self.rows]


class StationItemCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.moment = QLabel(objectName="stationCaption")
        self.kind = QLabel(objectName="itemKind")
        self.code = QLabel(objectName="stationItemCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badge = StatusBadge()
        self.part = QLabel(objectName="stationItemPart")
        self.part.setWordWrap(True)
        self.facts = QLabel(objectName="stationItemFacts")
        self.facts.setWordWrap(True)
        self.how_to = QLabel(HOW_TO, objectName="stationHowTo")
        self.how_to.setTextFormat(Qt.TextFormat.RichText)
        self.route_caption = QLabel("ROUTE", objectName="stationCaption")
        self.route = RouteList()

        title = QHBoxLayout()
        title.setSpacing(12)
        title.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignBaseline)
        title.addWidget(self.code, 1, Qt.AlignmentFlag.AlignBaseline)
        title.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.setSpacing(6)
        layout.addWidget(self.moment)
        layout.addLayout(title)
        layout.addWidget(self.part)
        layout.addWidget(self.facts)
        layout.addWidget(self.how_to)
        layout.addSpacing(8)
        layout.addWidget(self.route_caption)
        layout.addWidget(self.route)
        layout.addStretch(1)
        self.clear()

    def clear(self) -> None:
        self.moment.hide()
        self.kind.setText("")
        self.kind.hide()
        self.code.setText("No part scanned")
        self._set_empty(True)
        self.badge.hide()
        self.part.setText("")
        self.part.hide()
        self.facts.setText("")
        self.facts.hide()
        self.how_to.show()
        self.route_caption.hide()
        self.route.show_route((), None, "")
        self.route.hide()

    def show_task(self, task: StationTask, work_center: str, recorded: RecordedStep | None = None) -> None:
        """The item being worked on; or, with `recorded`, the one just recorded, its operation ticked."""
        item = recorded.items[0] if recorded and recorded.items else task.item
        route = task.route
        started = recorded is not None and recorded.result is StepResult.IN_PROGRESS
        if recorded is not None and task.due is not None and not started:
            done = task.due.seq
            route = tuple(RouteStepView(s.operation, s.passed or s.operation.seq == done) for s in route)
        self.how_to.hide()
        self.moment.setText("JUST STARTED" if started else "JUST RECORDED")
        self.moment.setVisible(recorded is not None)
        self.kind.setText("SERIAL" if item.is_serial else "LOT")
        self.kind.show()
        self.part.show()
        self.code.setText(item.code)
        self._set_empty(False)
        self.badge.set_status(item.status)
        self.badge.show()
        self.part.setText(f"{item.part_number}  rev {item.revision}  ·  {item.description}")
        facts = [f"Work order {task.work_order}"] if task.work_order else []
        if not item.is_serial:
            facts.append(fmt.quantity(item.quantity, item.unit))
        self.facts.setText("   ·   ".join(facts))
        self.facts.setVisible(bool(facts))
        self.route_caption.show()
        here = task.due.seq if task.due and (started or not recorded) else None  # under way: still due
        self.route.show_route(route, here, work_center)
        self.route.show()

    def _set_empty(self, empty: bool) -> None:
        if self.code.property("empty") != empty:
            self.code.setProperty("empty", empty)
            self.code.style().unpolish(self.code)
            self.code.style().polish(self.code)
