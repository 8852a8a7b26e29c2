"""Trace: scan anything (serial, lot, heat, order, shipment, part number), choose Forward or Reverse, and
read the genealogy as a tree with the selected item's history below it; from a forward trace, or from a
piece of equipment, the recall list of everything affected. Every trace runs on the background helper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import NotFound
from app.services.recall import RecallReport
from app.services.trace_views import TraceNode
from app.trace import Direction
from app.ui import trace_work
from app.ui.genealogy_model import GenealogyModel
from app.ui.tasks import Task, describe_error
from app.ui.trace_work import NodeDetails, TraceAnswer
from app.ui.widgets.message_panel import MessagePanel
from app.ui.widgets.scan_field import ScanField
from app.ui.widgets.trace_detail import TraceDetailPanel
from app.ui.widgets.trace_direction import DirectionToggle
from app.ui.widgets.trace_recall import RecallView
from app.ui.widgets.trace_tree import OPEN_ALL_UP_TO_ITEMS, GenealogyTree
from app.ui.workspaces import PageContext, Workspace, register

WELCOME_TITLE = "Scan a label, choose Forward or Reverse, and trace"
WELCOME_BODY = ("Reverse shows what an item is made of, up to the raw material and its heat. Forward shows "
                "everything made from it, down to the shipments and the customers who received it.")
# How the tree and the detail tables share the height: the tree takes what its open rows need, up to this.
TREE_ROWS_AT_MOST = 16
TREE_SHARE_AT_MOST = 0.55


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def trace_heading(answer: TraceAnswer) -> str:
    """One line that answers the first questions: how much, shipped to whom, anything held."""
    result, figures = answer.result, answer.figures
    if result.match == "Item" or (result.match == "Serial or lot" and len(result.roots) == 1):
        named = f"{result.roots[0].kind} {result.roots[0].identifier}"
    else:
        named = f"{result.match.lower()} {result.query}"
    parts = [f"{result.direction.value.capitalize()} trace of {named}: {_plural(figures.items, 'item')}"]
    if figures.shipped:
        parts.append(f"{figures.shipped:,} shipped to {_plural(len(figures.customers), 'customer')}")
    if figures.open_ncrs:
        parts.append(f"open {', '.join(figures.open_ncrs)}")
    if figures.on_hold:
        parts.append(f"{figures.on_hold:,} on hold or quarantined")
    return " · ".join(parts)


class TracePage(QWidget):
    """Signals:
        result_shown(str): after each answer is on screen: "tree", "recall", "not_found", "error" or
            "cancelled".
        details_shown(object): the detail panel's tables are filled for this TraceNode.
    """

    result_shown = Signal(str)
    details_shown = Signal(object)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tracePage")
        self.context = context
        self.answer: TraceAnswer | None = None
        self._request = 0  # answers to older traces than this one are dropped
        self._detail_request = 0
        self._task: Task | None = None
        self._detail_task: Task | None = None

        self.scan_field = ScanField("Scan or type a serial, lot, heat, order, shipment, part number …")
        self.direction = DirectionToggle()
        self.direction.direction_changed.connect(self.scan_field.ready_for_next_scan)
        self.trace_button = QPushButton("Trace", objectName="primaryButton")
        self.trace_button.setAutoDefault(False)
        self.trace_button.clicked.connect(self.scan_field.submit)
        self.scan_field.scan_submitted.connect(self.trace)

        self.heading = QLabel(objectName="resultHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy_label = QLabel(objectName="busyLabel")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # the services cannot say how far they are, only that they work
        self.busy_bar.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * 10)
        self.busy_bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel", objectName="secondaryButton")
        self.cancel_button.clicked.connect(self.cancel)
        self.recall_button = QPushButton("Recall list", objectName="secondaryButton")
        self.recall_button.setToolTip("Every affected item of this forward trace, where it is and who has it")
        self.recall_button.clicked.connect(self.recall_list)
        self.equipment_button = QPushButton("Equipment recall …", objectName="secondaryButton")
        self.equipment_button.setToolTip("Everything a machine or gauge processed or measured in a time "
                                         "window")
        self.equipment_button.clicked.connect(self.show_equipment_recall)
        for button in (self.cancel_button, self.recall_button, self.equipment_button):
            button.setAutoDefault(False)

        self.message = MessagePanel()
        self.genealogy = GenealogyModel(parent=self)
        self.tree = GenealogyTree(self.genealogy)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        self.tree.trace_requested.connect(self.trace_from_here)
        self.tree.text_typed.connect(self.scan_field.take_typed_text)
        self.detail = TraceDetailPanel()
        self.detail.trace_requested.connect(self.trace_from_here)
        self.detail.text_typed.connect(self.scan_field.take_typed_text)
        self.detail.certificate_requested.connect(
            lambda node: self.open_certificate("serial" if node.is_serial else "lot", node.identifier))
        self.detail.shipment_certificate_requested.connect(lambda number: self.open_certificate("shipment", number))
        self.certificate_dialog: QWidget | None = None
        self.split = QSplitter(Qt.Orientation.Vertical)  # stacked: tree and tables both get the full width
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.tree)
        self.split.addWidget(self.detail)
        self.split.setStretchFactor(0, 5)
        self.split.setStretchFactor(1, 4)
        self.recall_view = RecallView()
        self.recall_view.back_requested.connect(self.back_to_tree)
        self.recall_view.equipment_form.recall_requested.connect(self.recall_equipment)
        self.recall_view.table.text_typed.connect(self.scan_field.take_typed_text)
        self.stack = QStackedWidget()
        for widget in (self.message, self.split, self.recall_view):
            self.stack.addWidget(widget)

        scan_row = QHBoxLayout()
        scan_row.setSpacing(12)
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.direction)
        scan_row.addWidget(self.trace_button)
        heading_row = QHBoxLayout()
        heading_row.setSpacing(10)
        heading_row.addWidget(self.heading, 1)
        for widget in (self.busy_label, self.busy_bar, self.cancel_button, self.recall_button,
                       self.equipment_button):
            heading_row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(14)
        layout.addLayout(scan_row)
        layout.addLayout(heading_row)
        layout.addWidget(self.stack, 1)

        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape)
        self.message.show_message(WELCOME_TITLE, WELCOME_BODY)
        self.detail.clear()
        self._set_busy("")
        self._update_actions()
        self.setFocusProxy(self.scan_field)

    def activated(self) -> None:
        """Called by the main window whenever this page comes to the front."""
        self.scan_field.ready_for_next_scan()

    # -- asking the services ---------------------------------------------------------------------------

    def trace(self, text: str) -> None:
        direction = self.direction.direction
        self._run(f"Tracing {text} {direction.value} …", trace_work.trace_identifier, self.context.factory,
                  text, direction, on_done=self._show_trace)

    def trace_from_here(self, direction: Direction) -> None:
        """A new trace rooted at the selected node (its id, so a code shared by two parts cannot mix)."""
        node = self.tree.current_node()
        if node is None:
            return
        self.scan_field.setText(node.identifier)
        self.direction.set_direction(direction)
        self._run(f"Tracing {node.identifier} {direction.value} …", trace_work.trace_from_item,
                  self.context.factory, node.id, direction, on_done=self._show_trace)

    def recall_list(self) -> None:
        if self.answer is None or self.answer.result.direction is not Direction.FORWARD:
            return
        self._run("Building the recall list …", trace_work.trace_recall, self.answer.result, on_done=self._show_trace_recall)

    def recall_equipment(self, code: str, start: date | None, end: date) -> None:
        self._run(f"Recalling from {code} …", trace_work.equipment_recall, self.context.factory, code, start,
                  end, on_done=self._show_recall, on_failed=self._show_recall_problem)

    def cancel(self) -> None:
        """Stop waiting: the answer is dropped when it comes (a query already running finishes first)."""
        if self._task is None:
            return
        self._task.cancel()
        self._task = None
        self._request += 1
        self._set_busy("")
        self._finish("cancelled")

    def _run(self, busy: str, func: Callable[..., Any], *args: Any, on_done: Callable[[Any], None],
             on_failed: Callable[[BaseException], None] | None = None) -> None:
        if self._task is not None:
            self._task.cancel()  # superseded: if it has not started, it never will
        self._request += 1
        request = self._request
        self._set_busy(busy)
        self._task = self.context.runner.run(
            func, *args, name=func.__name__, owner=self,
            on_done=lambda payload: self._answered(request, on_done, payload),
            on_failed=lambda error: self._answered(request, on_failed or self._show_error, error))

    def _answered(self, request: int, show: Callable[[Any], None], payload: Any) -> None:
        if request != self._request:
            return  # cancelled, or a newer request went out; its answer is the one to show
        self._task = None
        self._set_busy("")
        show(payload)

    def _set_busy(self, text: str) -> None:
        self.busy_label.setText(text)
        for widget in (self.busy_label, self.busy_bar, self.cancel_button):
            widget.setVisible(bool(text))

    # -- showing answers -------------------------------------------------------------------------------

    def _show_trace(self, answer: TraceAnswer) -> None:
        self.answer = answer
        self.detail.clear()
        self.genealogy.set_result(answer.result)
        self.tree.fit_identifier_column(answer.figures.levels)
        self.tree.open_on_arrival(answer.figures.items)
        self.heading.setText(trace_heading(answer))
        self.stack.setCurrentWidget(self.split)
        self._share_split(answer)
        self._finish("tree")

    def _share_split(self, answer: TraceAnswer) -> None:
        """A small trace, shown whole (a product's few components), gives its spare room to the detail
        tables; a big one keeps a little over half for the rows its nodes will open into."""
        total = sum(self.split.sizes())
        if total <= 0:
            return  # not laid out yet; the stretch factors decide
        tree = int(total * TREE_SHARE_AT_MOST)
        if answer.figures.items <= OPEN_ALL_UP_TO_ITEMS:
            tree = min(self.tree.height_for_rows(TREE_ROWS_AT_MOST), tree)
        self.split.setSizes([tree, total - tree])

    def _show_trace_recall(self, report: RecallReport) -> None:
        self.recall_view.show_trace_recall(report)
        self.stack.setCurrentWidget(self.recall_view)
        self._finish("recall")

    def _show_recall(self, report: RecallReport) -> None:
        self.recall_view.show_report(report)
        self.stack.setCurrentWidget(self.recall_view)
        self._finish("recall")

    def _show_recall_problem(self, error: BaseException) -> None:
        self.recall_view.show_problem(describe_error(error))
        self.stack.setCurrentWidget(self.recall_view)
        self._finish("error")

    def _show_error(self, error: BaseException) -> None:
        text = describe_error(error)
        if isinstance(error, NotFound):
            # The service's sentence: its first part as the title, what to do as the body.
            title, _, advice = text.partition(". ")
            self.message.show_message(title, advice, "warning")
            kind = "not_found"
        else:
            self.message.show_message("The trace did not work", text, "error")
            kind = "error"
        self.heading.clear()
        self.stack.setCurrentWidget(self.message)
        self._finish(kind)

    def _finish(self, kind: str) -> None:
        self._update_actions()
        self.scan_field.ready_for_next_scan()
        self.result_shown.emit(kind)

    def _update_actions(self) -> None:
        forward = self.answer is not None and self.answer.result.direction is Direction.FORWARD
        self.recall_button.setVisible(forward)

    # -- the selected node -----------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.genealogy.node(current)
        if node is None or self.answer is None:
            return
        if self.answer.with_context:
            self.detail.show_node(node, NodeDetails.from_trace(self.answer.result, node.id))
            self.details_shown.emit(node)
            return
        self.detail.show_node(node, None)
        if self._detail_task is not None:
            self._detail_task.cancel()  # arrowing down a long list: only the last node's history matters
        self._detail_request += 1
        request = self._detail_request
        self._detail_task = self.context.runner.run(
            trace_work.node_details, self.context.factory, node.id, name="node_details", owner=self,
            on_done=lambda details: self._details_arrived(request, node, details),
            on_failed=lambda error: self._details_arrived(request, node, error))

    def _details_arrived(self, request: int, node: TraceNode, payload: NodeDetails | BaseException) -> None:
        if request != self._detail_request:
            return  # the person has selected another node since
        self._detail_task = None
        if isinstance(payload, BaseException):
            self.detail.show_failure(node, describe_error(payload))
            return
        self.detail.show_details(node, payload)
        self.details_shown.emit(node)

    # -- certificates ----------------------------------------------------------------------------------

    def open_certificate(self, kind: str, code: str) -> QWidget:
        """The certificate dialog for a serial, lot or shipment; it issues, previews and prints on its own."""
        # Imported on first use: reportlab and the signing code are not needed to start the application.
        from app.services.certificates import CertificateSubject, Subject
        from app.ui.certificate_dialog import CertificateDialog

        self.certificate_dialog = CertificateDialog(self.context, Subject(CertificateSubject(kind), code),
                                                    parent=self)
        self.certificate_dialog.open()
        return self.certificate_dialog

    # -- navigation ------------------------------------------------------------------------------------

    def show_equipment_recall(self) -> None:
        self.stack.setCurrentWidget(self.recall_view)
        self.recall_view.start_equipment_recall()

    def back_to_tree(self) -> None:
        self.stack.setCurrentWidget(self.split if self.answer is not None else self.message)
        self.tree.setFocus()

    def _escape(self) -> None:
        if self._task is not None:
            self.cancel()
        elif self.stack.currentWidget() is self.recall_view:
            self.back_to_tree()
        else:
            self.scan_field.ready_for_next_scan()


register(Workspace(key="trace", title="Trace", build=TracePage, order=20, shortcut="F3",
                   tooltip="Genealogy forward and reverse, recall lists (F3)"))
