"""Split and merge lots at the bench. Scan a lot; typing the quantities of the new lots splits it, scanning
more lots merges them all into one. COMPLETE (button, Ctrl+Enter or the barcode) does it, CANCEL starts
over; the new lot numbers are shown with "Print labels…" for them. Scans are resolved, and `split` or
`merge` run, on the background helper, one scan after the other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.services.station import ItemView, Produced, merge, split
from app.ui import station_work
from app.ui.item_list_model import ItemListModel
from app.ui.station_draft_model import command, item_label
from app.ui.station_work import Identified
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.scan_field import ScanField
from app.ui.widgets.station_banner import StationBanner, enlarge
from app.ui.widgets.station_production import ask_label_path, open_pdf, save_labels
from app.ui.widgets.station_queue import ScanQueue
from app.ui.workspaces import PageContext

WAITING = ("Scan the lot to split or merge",
           "To split it, type the quantity of each new lot. To merge, scan the other lots. Then COMPLETE or "
           "Ctrl+Enter; CANCEL starts over.")


def parse_quantities(text: str) -> list[float] | str:
    """'2 1,5; 1' → [2.0, 1.5, 1.0]: spaces or semicolons between lots, a decimal comma or point in each;
    the sentence that says what is wrong otherwise."""
    quantities = []
    for token in text.replace(";", " ").split():
        try:
            quantities.append(float(token.replace(",", ".")))
        except ValueError:
            return (f"'{token}' is not a quantity. Type one quantity per new lot, with spaces between them, "
                    "e.g. 2 1.5 1.")
    return quantities


class LotsForm(QWidget):
    """Signals: none; the page watches `queue.busy_changed`, tests read the banner and `produced`."""

    def __init__(self, context: PageContext, station: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lotsForm")
        self.context, self.station = context, station
        self.queue = ScanQueue(context.runner, self._handle, self)
        self.lots: list[ItemView] = []  # scanned, in order: one to split, several to merge
        self.produced: Produced | None = None  # the last lots made: what "Print labels…" prints
        self.label_path: Path | None = None
        self.scan_field = ScanField("Scan a lot — or COMPLETE / CANCEL")
        self.scan_field.scan_submitted.connect(self.queue.submit)
        self.quantities = QLineEdit(self, objectName="goodsInField")
        self.quantities.setPlaceholderText("to split: the quantity of each new lot, e.g. 2 1.5 1")
        self.quantities.setAccessibleName("Quantities of the new lots")
        self.quantities.returnPressed.connect(lambda: self.queue.submit("COMPLETE"))
        self.do_button = QPushButton("✔  Split / merge", self, objectName="completeButton")
        self.do_button.setToolTip("Split the lot, or merge the lots scanned (Ctrl+Enter, or scan COMPLETE)")
        self.do_button.setProperty("ready", True)  # green, as Make serials: the one action of this mode
        enlarge(self.do_button, 1.8)
        self.do_button.clicked.connect(lambda: self.queue.submit("COMPLETE"))
        self.clear_button = QPushButton("Start over", self, objectName="clearButton")
        self.clear_button.clicked.connect(lambda: self.queue.submit("CANCEL"))
        self.labels_button = QPushButton("Print labels…", self, objectName="labelsButton")
        self.labels_button.setToolTip("Save the labels of the new lots as a PDF to print")
        self.labels_button.setEnabled(False)
        self.labels_button.clicked.connect(lambda: self.print_labels())
        self.open_button = QPushButton("Open PDF", self, objectName="openLabelsButton")
        self.open_button.hide()
        self.open_button.clicked.connect(self.open_labels)
        for button in (self.do_button, self.clear_button, self.labels_button, self.open_button):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keyboard where it was
        self.queue.busy_changed.connect(self._busy)
        self.banner = StationBanner(self)
        self.scanned = ItemListModel(parent=self)
        self.scanned_table = DataTable(self.scanned, stretch_column=4)
        self.made = ItemListModel(parent=self)
        self.made_table = DataTable(self.made, stretch_column=4)
        for table in (self.scanned_table, self.made_table):
            table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            table.text_typed.connect(self.scan_field.take_typed_text)

        scan_row = QHBoxLayout()
        scan_row.setSpacing(12)
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.do_button)
        scan_row.addWidget(self.clear_button)
        split_row = QHBoxLayout()
        split_row.setSpacing(12)
        split_row.addWidget(QLabel("Split into", self, objectName="parameterName"))
        split_row.addWidget(self.quantities, 1)
        label_row = QHBoxLayout()
        label_row.addWidget(QLabel("NEW LOTS", self, objectName="stationCaption"))
        label_row.addStretch(1)
        label_row.addWidget(self.open_button)
        label_row.addWidget(self.labels_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(scan_row)
        layout.addWidget(self.banner)
        layout.addLayout(split_row)
        layout.addWidget(QLabel("LOTS SCANNED", self, objectName="stationCaption"))
        layout.addWidget(self.scanned_table, 1)
        layout.addLayout(label_row)
        layout.addWidget(self.made_table, 1)
        self.clear()

    # -- scans -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """In front: the keyboard goes to the quantities once one lot is scanned, else to the scan field."""
        if len(self.lots) == 1:
            self.quantities.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.scan_field.ready_for_next_scan()

    def accept_scan(self, text: str) -> None:
        self.scan_field.setText(text)
        self.queue.submit(text)

    def _handle(self, text: str, at: datetime) -> None:
        action = command(text)
        if action == "cancel":
            self.clear("Started over: nothing was split or merged")
        elif action == "complete":
            self._do()
        elif text:
            self.queue.run(station_work.identify, self.context.factory, self.station(), text,
                           doing="split or merged", on_done=self._identified,
                           on_failed=lambda error: self.show_refusal("Scan refused", describe_error(error)))

    def _identified(self, answer: Identified) -> None:
        if answer.equipment is not None:
            self.show_refusal("Scan refused", f"{answer.equipment.code} is equipment, not a lot. Scan "
                              "the lot label.")
            return
        item = answer.item
        assert item is not None
        if item.is_serial:
            self.show_refusal("Scan refused", f"{item_label(item)} is a serial, one piece: only lots are "
                              "split or merged.")
        elif any(lot.id == item.id for lot in self.lots):
            self.show_refusal("Scan refused", f"{item_label(item)} is scanned already. Scan each lot once.")
        elif answer.problem:
            self.show_refusal("Scan refused", answer.problem)
        elif self.lots and item.part_number != self.lots[0].part_number:
            self.show_refusal("Scan refused", f"{item_label(item)} is not a {self.lots[0].part_number}: only "
                              "lots of one part can be merged. Leave it out.")
        else:
            self.lots.append(item)
            self.scanned.set_records(list(self.lots))
            self.scanned_table.fit_columns()
            if len(self.lots) == 1:
                self.banner.show_message("info", f"{item_label(item)}  ·  {item.quantity:g} {item.unit}",
                                         "To split it, type the quantity of each new lot, then Enter. To "
                                         "merge, scan the other lots.")
                self.quantities.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            self.banner.show_message("info", f"{len(self.lots)} lots to merge  ·  {self._total():g} "
                                     f"{item.unit}",
                                     "Scan more lots, or COMPLETE / Ctrl+Enter to merge them.")
        self.scan_field.ready_for_next_scan()

    def _total(self) -> float:
        return round(sum(lot.quantity for lot in self.lots), 6)

    # -- splitting and merging -------------------------------------------------------------------------

    def _do(self) -> None:
        typed = self.quantities.text().strip()
        if not self.lots:
            self.show_refusal("Nothing to do", "Scan the lot to split, or the lots to merge, first.",
                              tone="warning")
        elif len(self.lots) > 1:
            if typed:
                self.show_refusal("Split or merge?", "Several lots are scanned, so they are merged: clear "
                                  "the quantities to merge them, or CANCEL and scan only the lot to split.",
                                  tone="warning")
                return
            self.queue.run(merge, self.context.factory, self.context.actor, [lot.id for lot in self.lots],
                           station=self.station(), on_done=lambda made: self.show_produced("merged", made),
                           on_failed=self._failed)
        else:
            quantities = parse_quantities(typed)
            if isinstance(quantities, str) or not quantities:
                self.show_refusal("Not ready to split", quantities or "Type the quantity of each new lot, "
                                  "e.g. 2 1.5 1 — or scan more lots to merge them.", tone="warning")
                self.quantities.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            self.queue.run(split, self.context.factory, self.context.actor, self.lots[0].id, quantities,
                           station=self.station(), on_done=lambda made: self.show_produced("split", made),
                           on_failed=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.show_refusal("Nothing was split or merged — nothing was written", describe_error(error))

    def show_produced(self, how: str, produced: Produced) -> None:
        self.produced = produced
        self.made.set_records(list(produced.created))
        self.made_table.fit_columns()
        codes = ", ".join(item.code for item in produced.created)
        count = len(produced.created)
        title = f"Split into {count} lots" if how == "split" else f"Merged into lot {codes}"
        self.banner.show_message("accepted", title, f"{produced.message}\nNew lot{'s' if count > 1 else ''}: "
                                 f"{codes}. Print their labels before the parts move.")
        self.labels_button.setEnabled(True)
        self.open_button.hide()
        self._forget()
        self.scan_field.ready_for_next_scan()

    def show_refusal(self, title: str, sentence: str, *, tone: str = "rejected") -> None:
        """Red (or amber when something is only missing); what was scanned stays, to fix the one thing."""
        self.banner.show_message(tone, title, sentence)
        self.start()

    def clear(self, title: str = WAITING[0]) -> None:
        self._forget()
        self.banner.show_message("info", title, WAITING[1])
        self.scan_field.ready_for_next_scan()

    def _forget(self) -> None:
        self.lots = []
        self.scanned.set_records([])
        self.quantities.clear()

    def _busy(self, busy: bool) -> None:
        self.do_button.setEnabled(not busy)
        self.labels_button.setEnabled(not busy and self.produced is not None)

    # -- labels ----------------------------------------------------------------------------------------

    def choose_label_path(self, suggested: str) -> Path | None:
        """Where the operator wants the PDF; None: cancelled. Tests replace this to skip the dialog."""
        return ask_label_path(self, suggested)

    def print_labels(self, path: Path | None = None) -> None:
        if self.produced is None:
            return
        path = path or self.choose_label_path(f"labels-{self.produced.created[0].code}.pdf")
        if path is None:
            return
        save_labels(self.queue, self.context.factory, [item.id for item in self.produced.created], path,
                    self.banner, self._labels_saved)

    def _labels_saved(self, path: Path) -> None:
        self.label_path = path
        self.open_button.show()
        self.scan_field.ready_for_next_scan()

    def open_labels(self) -> None:
        if self.label_path is not None:
            open_pdf(self.label_path)
