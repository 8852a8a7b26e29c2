"""Goods in at the station: the delivery note and the supplier's label, typed or scanned field by field,
become a quarantined lot (and its serials). Keyboard only: Enter goes to the next field, Ctrl+Enter or the
COMPLETE barcode receives, CANCEL clears. `receive` runs on the background helper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.labels import LabelRequest
from app.services.station import Receipt, ReceivedLot, receive
from app.ui.item_list_model import ItemListModel
from app.ui.station_draft_model import command
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.station_banner import StationBanner, enlarge
from app.ui.widgets.station_production import ask_label_path, open_pdf, save_labels
from app.ui.widgets.station_queue import ScanQueue
from app.ui.workspaces import PageContext

# (key, caption, placeholder): the order of the delivery note and the label.
FIELDS = (
    ("part_number", "Part number", "e.g. RB-14404-040"),
    ("supplier", "Supplier code", "e.g. EMS"),
    ("supplier_lot", "Supplier lot", "from the supplier's label"),
    ("heat_number", "Heat number", "from the certificate (bar, forgings)"),
    ("material_cert_ref", "Material certificate", "certificate number or file reference"),
    ("quantity", "Quantity", "as delivered, in the part's unit"),
    ("serials", "Serials to number", "serial-tracked parts: how many pieces; else leave empty"),
    ("delivery_note", "Delivery note", "optional"),
)
REQUIRED = ("part_number", "supplier", "supplier_lot", "quantity")


class GoodsInForm(QWidget):
    def __init__(self, context: PageContext, station: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goodsInForm")
        self.context, self.station = context, station
        self.queue = ScanQueue(context.runner, self._handle, self)
        self.queue.busy_changed.connect(self._busy)
        self.last_received: ReceivedLot | None = None  # what "Print labels…" prints
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for key, caption, placeholder in FIELDS:
            field = QLineEdit(self, objectName="goodsInField")
            field.setPlaceholderText(placeholder)
            field.setAccessibleName(caption)
            field.returnPressed.connect(lambda k=key: self._next_field(k))
            self.fields[key] = field
            label = QLabel(caption + (" *" if key in REQUIRED else ""), self, objectName="parameterName")
            form.addRow(label, field)
        self.receive_button = QPushButton("✔  Receive", self, objectName="completeButton")
        self.receive_button.setProperty("ready", True)
        self.receive_button.setToolTip("Receive the delivery into quarantine (Ctrl+Enter, or scan COMPLETE)")
        self.receive_button.setAutoDefault(False)
        enlarge(self.receive_button, 1.8)
        self.receive_button.clicked.connect(lambda: self.queue.submit("COMPLETE"))
        self.clear_button = QPushButton("Clear", self, objectName="clearButton")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.clear)
        self.labels_button = QPushButton("Print labels…", self, objectName="labelsButton")
        self.labels_button.setToolTip("Save the labels of the lot just received (and its serials) as a PDF")
        self.labels_button.setAutoDefault(False)
        self.labels_button.setEnabled(False)
        self.labels_button.clicked.connect(lambda: self.print_labels())
        self.label_path: Path | None = None  # the last PDF saved
        self.open_button = QPushButton("Open PDF", self, objectName="openLabelsButton")
        self.open_button.setAutoDefault(False)
        self.open_button.hide()  # until there is a PDF to open
        self.open_button.clicked.connect(lambda: self.label_path and open_pdf(self.label_path))
        self.banner = StationBanner(self)
        self.banner.show_message("info", "Receive a delivery",
                                 "Type or scan each field; Enter goes to the next one. The lot goes into "
                                 "quarantine until an inspector releases it.")
        self.received = ItemListModel(parent=self)
        self.table = DataTable(self.received, stretch_column=4)

        buttons = QHBoxLayout()
        buttons.addWidget(self.labels_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.receive_button)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel("RECEIVED THIS SESSION", self, objectName="stationCaption"))
        right.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addLayout(left, 5)
        body.addLayout(right, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)

    # -- input -----------------------------------------------------------------------------------------

    def start(self) -> None:
        (self._first_empty() or self.fields["part_number"]).setFocus(Qt.FocusReason.OtherFocusReason)

    def accept_scan(self, text: str) -> None:
        self.queue.submit(text)

    def _handle(self, text: str, at: datetime) -> None:
        """A command, or a scanned label for the field being filled: the focused one, else the first
        empty one."""
        action = command(text)
        if action == "complete":
            self.submit()
            return
        if action == "cancel":
            self.clear()
            return
        field = next((f for f in self.fields.values() if f.hasFocus()), None) or self._first_empty()
        if field is None:
            self.banner.show_message("warning", "Every field is filled",
                                     "Scan COMPLETE or press Ctrl+Enter to receive, or CANCEL to start over.")
            return
        field.setText(text.strip())
        key = next(k for k, f in self.fields.items() if f is field)
        self._next_field(key)

    def _first_empty(self) -> QLineEdit | None:
        return next((self.fields[k] for k, *_ in FIELDS if not self.fields[k].text().strip()), None)

    def _next_field(self, key: str) -> None:
        keys = [k for k, *_ in FIELDS]
        later = [self.fields[k] for k in keys[keys.index(key) + 1:] if not self.fields[k].text().strip()]
        target = later[0] if later else self._first_empty()
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.receive_button.setFocus(Qt.FocusReason.TabFocusReason)

    def clear(self) -> None:
        for field in self.fields.values():
            field.clear()
        self.banner.show_message("info", "Cleared", "Type or scan the next delivery.")
        self.start()

    # -- receiving -------------------------------------------------------------------------------------

    def receipt(self) -> Receipt | str:
        """The Receipt the fields describe, or the sentence that says what is missing or wrong."""
        values = {key: field.text().strip() for key, field in self.fields.items()}
        missing = [caption for key, caption, _ in FIELDS if key in REQUIRED and not values[key]]
        if missing:
            return f"Fill in {', '.join(missing)} from the delivery note or the label."
        try:
            quantity = float(values["quantity"].replace(",", "."))
        except ValueError:
            return f"The quantity '{values['quantity']}' is not a number. Enter the quantity delivered."
        try:
            serials = int(values["serials"] or 0)
        except ValueError:
            return f"'{values['serials']}' is not a number of serials. Enter how many pieces to number."
        return Receipt(part_number=values["part_number"], supplier=values["supplier"],
                       supplier_lot=values["supplier_lot"], quantity=quantity,
                       heat_number=values["heat_number"] or None,
                       material_cert_ref=values["material_cert_ref"] or None, serials=serials,
                       delivery_note=values["delivery_note"] or None)

    def submit(self) -> None:
        receipt = self.receipt()
        if isinstance(receipt, str):
            self.banner.show_message("warning", "Not ready to receive", receipt)
            self.start()
            return
        receipt = replace(receipt, station=self.station())
        self.queue.run(receive, self.context.factory, self.context.actor, receipt,
                       on_done=self.show_received,
                       on_failed=lambda error: self.show_refusal(describe_error(error)))

    def show_received(self, received: ReceivedLot) -> None:
        self.received.set_records([received.lot, *self.received.records()])
        self.last_received = received
        self.labels_button.setEnabled(True)
        serials = f" {len(received.serials)} serials numbered." if received.serials else ""
        self.banner.show_message("accepted", f"Received: lot {received.lot.code}", received.message + serials)
        # The next delivery of the same part from the same supplier needs only these again.
        for key, *_ in FIELDS:
            if key not in ("part_number", "supplier"):
                self.fields[key].clear()
        self.start()

    def show_refusal(self, sentence: str) -> None:
        """Red; every field stays as it was, to correct the one that is wrong."""
        self.banner.show_message("rejected", "Not received — nothing was written", sentence)
        self.start()

    def _busy(self, busy: bool) -> None:
        self.receive_button.setEnabled(not busy)
        self.labels_button.setEnabled(not busy and self.last_received is not None)

    # -- labels ----------------------------------------------------------------------------------------

    def choose_label_path(self, suggested: str) -> Path | None:
        """Where the operator wants the PDF; None: cancelled. Tests replace this to skip the dialog."""
        return ask_label_path(self, suggested)

    def print_labels(self, path: Path | None = None) -> None:
        """The lot's label and its serials', saved as a PDF on the background helper."""
        received = self.last_received
        if received is None:
            return
        path = path or self.choose_label_path(f"labels-{received.lot.code}.pdf")
        if path is None:
            return
        request = LabelRequest(items=(received.lot.id,), serials=received.serials,
                               part_number=received.lot.part_number)
        save_labels(self.queue, self.context.factory, request, path, self.banner, self._labels_saved)

    def _labels_saved(self, path: Path) -> None:
        self.label_path = path
        self.open_button.show()
        self.start()
