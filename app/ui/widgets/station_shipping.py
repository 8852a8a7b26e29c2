"""Shipping at the packing desk: scan the customer order, then every serial and lot going into the
package (and the pallet's SSCC, if it has one); Pack (button, Ctrl+Enter or the COMPLETE barcode) ships
them. Scans are resolved, and `ship` runs, on the background helper, one scan after the other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.station import ItemView, PackedShipment, ShipRequest, ship
from app.ui import station_work
from app.ui.item_list_model import ItemListModel
from app.ui.station_draft_model import command
from app.ui.station_work import Identified, OrderInfo
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.scan_field import ScanField
from app.ui.widgets.station_banner import StationBanner, enlarge
from app.ui.widgets.station_queue import ScanQueue
from app.ui.workspaces import PageContext

WAITING = ("Scan the customer order", "From the packing list. Then every serial and lot going into the "
           "package; COMPLETE or Ctrl+Enter packs and ships them, CANCEL starts over.")


def is_sscc(text: str) -> bool:
    """A pallet label: 18 digits, or GS1 AI (00) in front of them."""
    digits = text[2:] if len(text) == 20 and text.startswith("00") else text
    return len(digits) == 18 and digits.isdigit()


class ShippingForm(QWidget):
    def __init__(self, context: PageContext, station: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shippingForm")
        self.context, self.station = context, station
        self.queue = ScanQueue(context.runner, self._handle, self)
        self.scan_field = ScanField("Scan the customer order, then every serial and lot — or COMPLETE")
        self.scan_field.scan_submitted.connect(self.queue.submit)
        self.order: str | None = None
        self.customer = ""
        self.sscc: str | None = None
        self.banner = StationBanner(self)
        self.order_label = QLabel(self, objectName="stationItemCode")
        self.customer_label = QLabel(self, objectName="stationItemPart")
        self.sscc_label = QLabel(self, objectName="stationItemFacts")
        self.pack_button = QPushButton("✔  Pack and ship", self, objectName="completeButton")
        self.pack_button.setAutoDefault(False)
        self.pack_button.setToolTip("Ship everything scanned on this order (Ctrl+Enter, or scan COMPLETE)")
        enlarge(self.pack_button, 1.8)
        self.clear_button = QPushButton("Start over", self, objectName="clearButton")
        self.clear_button.setAutoDefault(False)
        self.pack_button.clicked.connect(lambda: self.queue.submit("COMPLETE"))
        self.clear_button.clicked.connect(lambda: self.queue.submit("CANCEL"))
        self.queue.busy_changed.connect(lambda busy: self.pack_button.setEnabled(not busy))
        self.items = ItemListModel(parent=self)
        self.table = DataTable(self.items, stretch_column=4)

        order = QVBoxLayout()
        order.setSpacing(2)
        order.addWidget(QLabel("CUSTOMER ORDER", self, objectName="stationCaption"))
        order.addWidget(self.order_label)
        order.addWidget(self.customer_label)
        order.addWidget(self.sscc_label)
        scan_row = QHBoxLayout()
        scan_row.setSpacing(12)
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.pack_button)
        scan_row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(scan_row)
        layout.addWidget(self.banner)
        layout.addLayout(order)
        layout.addWidget(QLabel("IN THE PACKAGE", self, objectName="stationCaption"))
        layout.addWidget(self.table, 1)
        self.clear()

    # -- scans ---------------------------------------------------------------------------------------------

    def accept_scan(self, text: str) -> None:
        self.scan_field.setText(text)
        self.queue.submit(text)

    def _handle(self, text: str, at: datetime) -> None:
        action = command(text)
        if action == "cancel":
            self.clear("Started over: nothing was shipped")
        elif action == "complete":
            self._pack()
        elif not text:
            return
        elif self.order is None:
            self.queue.run(station_work.customer_order, self.context.factory, text,
                           on_done=self._order_found, on_failed=self._scan_failed)
        elif is_sscc(text):
            self.set_sscc(text)
        else:
            self.queue.run(station_work.identify, self.context.factory, self.station(), text, doing="shipped",
                           on_done=self._identified, on_failed=self._scan_failed)
        self.scan_field.ready_for_next_scan()

    def _order_found(self, order: OrderInfo) -> None:
        self.set_order(order.number, order.customer)

    def _identified(self, answer: Identified) -> None:
        if answer.equipment is not None:
            self.show_refusal("Scan refused", f"{answer.equipment.code} is equipment, not something to ship. "
                              "Scan the serial or lot label on the item.")
        elif answer.item is not None:
            self.add_item(answer.item, answer.problem)

    def _scan_failed(self, error: BaseException) -> None:
        self.show_refusal("Scan refused", describe_error(error))

    def _pack(self) -> None:
        if self.order is None or not self.items.rowCount():
            what = "the customer order" if self.order is None else "the serials and lots to ship"
            self.banner.show_message("warning", "Nothing to ship yet", f"Scan {what} first.")
            return
        request = ShipRequest(customer_order=self.order, items=tuple(i.id for i in self.items.records()),
                              sscc=self.sscc, station=self.station())
        self.queue.run(ship, self.context.factory, self.context.actor, request, on_done=self.shipped,
                       on_failed=lambda error: self.show_refusal("Not shipped — nothing was written",
                                                                 describe_error(error)))

    # -- the package -----------------------------------------------------------------------------------

    @property
    def codes(self) -> list[str]:
        return [item.code for item in self.items.records()]

    def clear(self, title: str = WAITING[0]) -> None:
        self.order, self.customer, self.sscc = None, "", None
        self.items.set_records([])
        self._show_order()
        self.banner.show_message("info", title, WAITING[1])

    def set_order(self, number: str, customer: str) -> None:
        self.order, self.customer = number, customer
        self._show_order()
        self.banner.show_message("info", f"Order {number} for {customer}",
                                 "Scan every serial and lot going into the package.")

    def set_sscc(self, sscc: str) -> None:
        self.sscc = sscc[2:] if len(sscc) == 20 else sscc
        self._show_order()
        self.banner.show_message("info", f"Pallet {self.sscc}", "Scan the next serial or lot, or COMPLETE.")

    def add_item(self, item: ItemView, problem: str | None) -> bool:
        """Into the package, unless the service says it cannot ship or it is in already (then red)."""
        label = f"{'Serial' if item.is_serial else 'Lot'} {item.code} ({item.part_number})"
        if problem:
            self.show_refusal("Scan refused", problem)
            return False
        if any(known.id == item.id for known in self.items.records()):
            self.show_refusal("Scan refused", f"{label} is in the package already. Scan each item once.")
            return False
        self.items.set_records([*self.items.records(), item])
        self._show_order()
        count = self.items.rowCount()
        self.banner.show_message("info", f"{label} packed", f"{count} item{'s' if count != 1 else ''} in the "
                                 "package. Scan the next one, or COMPLETE to ship.")
        return True

    def shipped(self, packed: PackedShipment) -> None:
        self.clear()
        self.banner.show_message("accepted", f"Shipped: {packed.number}", packed.message)

    def show_refusal(self, title: str, sentence: str) -> None:
        """Red; the order and the package stay as they are."""
        self.banner.show_message("rejected", title, sentence)

    def _show_order(self) -> None:
        self.order_label.setText(self.order or "—")
        self.customer_label.setText(self.customer)
        self.sscc_label.setText(f"Pallet SSCC {self.sscc}" if self.sscc else "")
        self.pack_button.setProperty("ready", bool(self.order and self.items.rowCount()))
        self.pack_button.style().unpolish(self.pack_button)
        self.pack_button.style().polish(self.pack_button)
