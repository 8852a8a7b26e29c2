"""Lookup: scan or type any identifier and see what it is — one item's history, a list to pick from,
or a clear sentence when nothing matches. The scan field is always ready for the next scan."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from app.services.lookup_views import ItemSummary, LookupResult
from app.ui import lookup_work
from app.ui.item_list_model import ItemListModel
from app.ui.lookup_work import HistoryAnswer, LookupAnswer
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.item_history_view import ItemHistoryView
from app.ui.widgets.message_panel import MessagePanel
from app.ui.widgets.scan_field import ScanField
from app.ui.workspaces import PageContext, Workspace, register

WELCOME_TITLE = "Scan a label to see where it came from and where it went"
WELCOME_BODY = ("Serials, lot numbers, barcodes, RFID tags, heat numbers, supplier lots, work orders, "
                "customer orders and shipments all work.")


class LookupPage(QWidget):
    """Signals:
        result_shown(str): after each answer is on screen: "history", "list", "not_found" or "error".
    """

    result_shown = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupPage")
        self.context = context
        self._request = 0  # answers to older requests than this one are dropped
        self.last_result: LookupResult | None = None

        self.scan_field = ScanField("Scan or type a serial, lot, heat number, work order …")
        self.lookup_button = QPushButton("Look up", objectName="primaryButton")
        self.lookup_button.setAutoDefault(False)
        self.lookup_button.clicked.connect(self.scan_field.submit)
        self.scan_field.scan_submitted.connect(self.look_up)

        self.heading = QLabel(objectName="resultHeading")
        self.heading.setWordWrap(True)
        self.busy = QLabel("Looking up …", objectName="busyLabel")
        self.busy.hide()
        self.back_button = QPushButton("◀  Back to list", objectName="secondaryButton")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.back_to_list)
        self.back_button.hide()

        self.message = MessagePanel()
        self.items = ItemListModel(parent=self)
        self.item_table = DataTable(self.items, sortable=True, stretch_column=4, select_first=True)
        self.item_table.setToolTip("Double-click or press Enter to see this item's history")
        self.item_table.record_activated.connect(self._open_summary)
        self.item_table.text_typed.connect(self.scan_field.take_typed_text)
        self.history_view = ItemHistoryView()
        self.history_view.item_opened.connect(self.open_item)
        self.history_view.text_typed.connect(self.scan_field.take_typed_text)

        self.stack = QStackedWidget()
        for widget in (self.message, self.item_table, self.history_view):
            self.stack.addWidget(widget)

        scan_row = QHBoxLayout()
        scan_row.setSpacing(12)
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.lookup_button)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.heading, 1)
        heading_row.addWidget(self.busy)
        heading_row.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(14)
        layout.addLayout(scan_row)
        layout.addLayout(heading_row)
        layout.addWidget(self.stack, 1)

        # Escape goes back to the list or, from anywhere on the page, straight to a clean scan field.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape)
        self.message.show_message(WELCOME_TITLE, WELCOME_BODY)
        self.heading.hide()
        self.setFocusProxy(self.scan_field)

    def activated(self) -> None:
        """Called by the main window whenever this page comes to the front."""
        self.scan_field.ready_for_next_scan()

    def accept_scan(self, text: str) -> None:
        """A scan from a serial device or the keyboard-wedge filter: looked up as if scanned into the field."""
        self.scan_field.setText(text)
        self.scan_field.submit()

    # -- asking the services ---------------------------------------------------------------------------

    def look_up(self, text: str) -> None:
        self._request += 1
        request = self._request
        self.busy.show()
        self.context.runner.run(
            lookup_work.look_up, self.context.factory, text, name="lookup", owner=self,
            on_done=lambda result: self._answered(request, self._show_result, result),
            on_failed=lambda error: self._answered(request, self._show_error, error))

    def open_item(self, item_id: uuid.UUID) -> None:
        self._request += 1
        request = self._request
        self.busy.show()
        self.context.runner.run(
            lookup_work.open_item, self.context.factory, item_id, name="item_history", owner=self,
            on_done=lambda history: self._answered(request, self._show_history, history),
            on_failed=lambda error: self._answered(request, self._show_error, error))

    def _answered(self, request: int, show, payload) -> None:
        if request != self._request:
            return  # a newer scan already went out; its answer is the one to show
        self.busy.hide()
        show(payload)

    # -- showing answers -------------------------------------------------------------------------------

    def _show_result(self, answer: LookupAnswer) -> None:
        result = self.last_result = answer.result
        self.back_button.hide()
        if result.history is not None:
            self._show_history(HistoryAnswer(result.history, answer.materials), from_list=False)
            return
        if result.items:
            self.items.set_records(result.items)
            self._set_heading(result.heading + (f" — {result.hint}" if result.hint else ""))
            self.stack.setCurrentWidget(self.item_table)
            self._finish("list")
            return
        self.heading.hide()
        self.message.show_message(result.heading or "Nothing to look up", result.hint, "warning")
        self.stack.setCurrentWidget(self.message)
        self._finish("not_found")

    def _show_history(self, answer: HistoryAnswer, *, from_list: bool = True) -> None:
        self.history_view.show_history(answer.history, answer.materials)
        has_list = from_list and self.last_result is not None and not self.last_result.history \
            and bool(self.last_result.items)
        self.back_button.setVisible(has_list)
        self._set_heading(self.last_result.heading if has_list and self.last_result else "")
        self.stack.setCurrentWidget(self.history_view)
        self._finish("history")

    def _show_error(self, error: BaseException) -> None:
        self.heading.hide()
        self.message.show_message("The lookup did not work", describe_error(error), "error")
        self.stack.setCurrentWidget(self.message)
        self._finish("error")

    def _set_heading(self, text: str) -> None:
        self.heading.setText(text)
        self.heading.setVisible(bool(text))

    def _finish(self, kind: str) -> None:
        self.scan_field.ready_for_next_scan()
        self.result_shown.emit(kind)

    # -- navigation ------------------------------------------------------------------------------------

    def _open_summary(self, summary: ItemSummary | None) -> None:
        if summary is not None:
            self.open_item(summary.id)

    def back_to_list(self) -> None:
        if self.last_result is None or not self.last_result.items or self.last_result.history:
            return
        self.back_button.hide()
        self._set_heading(self.last_result.heading)
        self.stack.setCurrentWidget(self.item_table)
        self.item_table.setFocus()

    def _escape(self) -> None:
        if self.back_button.isVisible():
            self.back_to_list()
        else:
            self.scan_field.ready_for_next_scan()


register(Workspace(key="lookup", title="Lookup", build=LookupPage, order=10, shortcut="F2",
                   tooltip="What is this label? Any identifier → its history (F2)"))
