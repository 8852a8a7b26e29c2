"""Rework at the station: repeating an operation an item has passed here, which a supervisor approves.
Scanning such an item offers it (REWORK, Ctrl+R); when the step service refuses the loop because the
operator is not a supervisor, the red answer offers "Supervisor approval" (Ctrl+S): a supervisor types
their name and password, checked on the worker, and the step is sent again with them as its approver."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from app.services.permissions import Actor
from app.services.station import StationTask
from app.services.station.errors import ReworkNeedsSupervisor
from app.ui import station_work
from app.ui.station_approval import ReworkApprovalDialog
from app.ui.station_draft_model import item_label

if TYPE_CHECKING:
    from app.ui.station_steps import StepsFlow

log = logging.getLogger(__name__)


class ReworkOffer(QObject):
    def __init__(self, flow: StepsFlow) -> None:
        super().__init__(flow)
        self.flow = flow
        self.approver: Actor | None = None  # who approved the rework in hand; sent with the step
        self.dialog: ReworkApprovalDialog | None = None  # open while a supervisor types
        self._task: StationTask | None = None  # the rework this station could do on the item scanned
        self._pending: str | None = None  # "complete" or "start": what waits for the approval
        view = flow.view
        view.rework_button.clicked.connect(lambda: flow.submit("REWORK"))
        view.approval_button.clicked.connect(self.ask)
        for keys, slot in (("Ctrl+R", lambda: flow.submit("REWORK")), ("Ctrl+S", self.ask)):
            shortcut = QShortcut(QKeySequence(keys), view)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def offer(self, task: StationTask | None) -> None:
        """The rework `task` the item just scanned could have here; None: none (anything else scanned)."""
        self._task = task
        self.flow.view.rework_button.setVisible(task is not None)

    def forget(self) -> None:
        """A new part, a recorded step, a start over: an approval was for the step it was given for."""
        self.approver, self._pending = None, None
        self.flow.view.approval_button.hide()

    def hint(self) -> str:
        if self._task is None or self._task.due is None:
            return ""
        return f" To do {self._task.due.label} again as rework, scan REWORK or press Ctrl+R."

    def take(self) -> None:
        """REWORK: the operation passed here becomes the step in hand, marked as rework."""
        flow, task = self.flow, self._task
        if task is None or task.due is None:
            flow.view.banner.show_message("warning", "Nothing to rework", "Scan the item to rework first: "
                                          "REWORK repeats an operation it has passed at this station.")
            flow.finish("not_ready")
            return
        flow.load(task, station_work.now(), rework=True)
        flow.view.banner.show_message(
            "info", f"Rework: {task.due.label} again  ·  {item_label(task.item)}",
            f"{flow.next_instruction()} Unless you are a supervisor, one approves it when you complete.")
        flow.finish("task")

    def refused(self, action: str, error: BaseException) -> bool:
        """The service refused the rework for want of a supervisor (`error` says so, and the log keeps it):
        red, and the approval offered. False when `error` is anything else (the flow shows it as usual)."""
        if not (isinstance(error, ReworkNeedsSupervisor) and self.flow.draft.rework):
            return False
        log.info("Rework refused for want of a supervisor: %s", error)
        self._pending = action
        task = self.flow.draft.task
        assert task is not None and task.due is not None
        self.flow.view.approval_button.show()
        # The service's sentence sends the operator to a supervisor; here one can approve on the spot.
        self.flow.view.banner.show_message(
            "rejected", "Rework needs a supervisor",
            f"Nothing was written. {task.due.label} again for {item_label(task.item)} is rework: a "
            "supervisor approves it here — Supervisor approval (Ctrl+S).")
        self.flow.finish("rejected")
        return True

    def ask(self) -> None:
        """The supervisor's name and password, in a dialog over the page (not blocking it)."""
        flow = self.flow
        if self._pending is None or flow.draft.task is None or flow.draft.task.due is None:
            return
        what = f"{flow.draft.task.due.label} again for {item_label(flow.draft.task.item)}, at " \
               f"{flow.station.name}, by {flow.context.actor.full_name or flow.context.actor.username}."
        self.dialog = ReworkApprovalDialog(flow.context.runner,
                                           partial(station_work.rework_approver, flow.context.factory),
                                           what=what, parent=flow.view.window())
        self.dialog.approved.connect(self._approved)
        self.dialog.finished.connect(self._closed)
        self.dialog.open()
        self.dialog.activateWindow()  # the keyboard goes to it: the supervisor types at once

    def _approved(self, supervisor: Actor) -> None:
        pending, self._pending = self._pending, None
        self.approver = supervisor
        self.flow.view.approval_button.hide()
        self.flow.submit("START" if pending == "start" else "COMPLETE")

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.flow.view.scan_field.ready_for_next_scan()
