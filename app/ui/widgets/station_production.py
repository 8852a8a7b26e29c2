"""Make serials at the station: a work order and/or the lot they are made from, a count (and what each takes
from the lot) become new serials; then their labels are saved as a PDF. Keyboard first, like goods in: Enter
goes to the next field, Ctrl+Enter or the COMPLETE barcode makes them, CANCEL clears. Services and label
rendering run on the background helper."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.labels import LabelRequest, LabelSheet, write_labels
from app.services.station import Produced, SerializeRequest, serialize
from app.ui.item_list_model import ItemListModel
from app.ui.station_draft_model import command
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.station_banner import StationBanner, enlarge
from app.ui.widgets.station_queue import ScanQueue
from app.ui.workspaces import PageContext

# (key, caption, placeholder): what the traveller and the lot's label say, in the order they are read.
FIELDS = (
    ("work_order", "Work order", "e.g. WO-26-0012; empty when unitising a lot"),
    ("source", "From lot", "the lot the serials are made from; empty when none"),
    ("count", "Number of serials", "how many pieces to number"),
    ("quantity_each", "Quantity each", "taken from the lot per serial; empty: the BOM quantity, or 1"),
)


class ProductionForm(QWidget):
    """Signals: none; the page watches `queue.busy_changed` and the banner's tone."""

    def __init__(self, context: PageContext, station: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productionForm")
        self.context, self.station = context, station
        self.queue = ScanQueue(context.runner, self._handle, self)
        self.queue.busy_changed.connect(self._busy)
        self.produced: Produced | None = None  # the last serials made: what "Print labels…" prints
        self.label_path: Path | None = None  # the last PDF saved
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
            label = QLabel(caption + (" *" if key == "count" else ""), self, objectName="parameterName")
            form.addRow(label, field)
        self.make_button = QPushButton("✔  Make serials", self, objectName="completeButton")
        self.make_button.setProperty("ready", True)
        self.make_button.setToolTip("Number the serials (Ctrl+Enter, or scan COMPLETE)")
        enlarge(self.make_button, 1.8)
        self.make_button.clicked.connect(lambda: self.queue.submit("COMPLETE"))
        self.clear_button = QPushButton("Clear", self, objectName="clearButton")
        self.clear_button.clicked.connect(self.clear)
        self.labels_button = QPushButton("Print labels…", self, objectName="labelsButton")
        self.labels_button.setToolTip("Save the labels of the serials just made as a PDF to print")
        self.labels_button.setEnabled(False)
        self.labels_button.clicked.connect(lambda: self.print_labels())
        self.open_button = QPushButton("Open PDF", self, objectName="openLabelsButton")
        self.open_button.hide()  # until there is a PDF to open
        self.open_button.clicked.connect(self.open_labels)
        for button in (self.make_button, self.clear_button, self.labels_button, self.open_button):
            button.setAutoDefault(False)
        self.banner = StationBanner(self)
        self.banner.show_message("info", "Make serials",
                                 "Scan the work order, and the lot they are made from if any; enter how "
                                 "many. Enter goes to the next field; COMPLETE or Ctrl+Enter numbers them.")
        self.made = ItemListModel(parent=self)
        self.table = DataTable(self.made, stretch_column=4)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.make_button)
        label_row = QHBoxLayout()
        label_row.addStretch(1)
        label_row.addWidget(self.open_button)
        label_row.addWidget(self.labels_button)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addLayout(label_row)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel("SERIALS JUST MADE", self, objectName="stationCaption"))
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
        (self._first_empty() or self.fields["work_order"]).setFocus(Qt.FocusReason.OtherFocusReason)

    def accept_scan(self, text: str) -> None:
        self.queue.submit(text)

    def _handle(self, text: str, at: datetime) -> None:
        """A command, or a scan for the field being filled: the focused one, else the first empty one."""
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
                                     "Scan COMPLETE or press Ctrl+Enter to make the serials, or CANCEL.")
            return
        field.setText(text.strip())
        self._next_field(next(k for k, f in self.fields.items() if f is field))

    def _first_empty(self) -> QLineEdit | None:
        return next((self.fields[k] for k, *_ in FIELDS if not self.fields[k].text().strip()), None)

    def _next_field(self, key: str) -> None:
        keys = [k for k, *_ in FIELDS]
        following = keys[keys.index(key) + 1:]
        target = next((self.fields[k] for k in following if not self.fields[k].text().strip()), None)
        # Without a lot nothing is taken per serial: after the count the keyboard waits for Ctrl+Enter.
        if target is None or (key == "count" and not self.fields["source"].text().strip()):
            self.make_button.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def clear(self) -> None:
        for field in self.fields.values():
            field.clear()
        self.banner.show_message("info", "Cleared", "Scan the next work order or lot.")
        self.start()

    def _busy(self, busy: bool) -> None:
        self.make_button.setEnabled(not busy)
        self.labels_button.setEnabled(not busy and self.produced is not None)

    # -- making serials --------------------------------------------------------------------------------

    def request(self) -> SerializeRequest | str:
        """The request the fields describe, or the sentence that says what is missing or wrong."""
        values = {key: field.text().strip() for key, field in self.fields.items()}
        if not values["work_order"] and not values["source"]:
            return "Scan the work order the serials are for, or the lot they are made from."
        try:
            count = int(values["count"])
        except ValueError:
            return (f"'{values['count']}' is not a number of serials. Enter how many pieces to number."
                    if values["count"] else "Enter how many serials to make.")
        each = None
        if values["quantity_each"]:
            try:
                each = float(values["quantity_each"].replace(",", "."))
            except ValueError:
                return (f"The quantity each '{values['quantity_each']}' is not a number. Enter what each "
                        "serial takes from the lot, or leave it empty.")
        return SerializeRequest(count=count, work_order=values["work_order"] or None,
                                source=values["source"] or None, quantity_each=each, station=self.station())

    def submit(self) -> None:
        request = self.request()
        if isinstance(request, str):
            self.banner.show_message("warning", "Not ready to make serials", request)
            self.start()
            return
        self.queue.run(serialize, self.context.factory, self.context.actor, request,
                       on_done=self.show_produced,
                       on_failed=lambda error: self.show_refusal(describe_error(error)))

    def show_produced(self, produced: Produced) -> None:
        self.produced = produced
        self.made.set_records(list(produced.created))
        codes = [item.code for item in produced.created]
        listed = ", ".join(codes) if len(codes) <= 12 else f"{', '.join(codes[:12])} … ({len(codes)} in all)"
        self.banner.show_message("accepted", f"{len(codes)} serials made",
                                 f"{produced.message}\nNew serials: {listed}")
        self.labels_button.setEnabled(True)
        # The same order (and lot) usually gets the next batch: only the count is typed again.
        self.fields["count"].clear()
        self.start()

    def show_refusal(self, sentence: str) -> None:
        """Red; every field stays as it was, to correct the one that is wrong."""
        self.banner.show_message("rejected", "No serials made — nothing was written", sentence)
        self.start()

    # -- labels ----------------------------------------------------------------------------------------

    def choose_label_path(self, suggested: str) -> Path | None:
        """Where the operator wants the PDF; None: cancelled. Tests replace this to skip the dialog."""
        return ask_label_path(self, suggested)

    def print_labels(self, path: Path | None = None) -> None:
        if self.produced is None:
            return
        items = [item.id for item in self.produced.created]
        first = self.produced.created[0].code
        path = path or self.choose_label_path(f"labels-{first}.pdf")
        if path is None:
            return
        save_labels(self.queue, self.context.factory, items, path, self.banner, self._labels_saved)

    def _labels_saved(self, path: Path) -> None:
        self.label_path = path
        self.open_button.show()
        self.start()

    def open_labels(self) -> None:
        if self.label_path is not None:
            open_pdf(self.label_path)


def open_pdf(path: Path) -> None:
    """The bench PC's PDF viewer opens it and prints it to the label printer's driver."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_label_path(parent: QWidget, suggested: str) -> Path | None:
    """The save dialog for a label PDF; None: cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save labels", suggested, "PDF files (*.pdf)")
    return Path(name) if name else None


def save_labels(queue: ScanQueue, factory, items: LabelRequest | Sequence[uuid.UUID], path: Path,
                banner: StationBanner, saved: Callable[[Path], None]) -> None:
    """Render and save the labels of `items` on the background helper; green with the path, or red with the
    labelling service's sentence (then no file is left behind). Shared by goods in and make serials."""

    def done(sheet: LabelSheet) -> None:
        count = len(sheet.labels)
        banner.show_message("accepted", f"{count} label{'' if count == 1 else 's'} saved",
                            f"{path}\nOpen the PDF to print it on the label printer.")
        saved(path)

    request = items if isinstance(items, LabelRequest) else list(items)
    def failed(error: BaseException) -> None:
        banner.show_message("rejected", "No labels saved", describe_error(error))

    queue.run(write_labels, factory, request, Path(path), on_done=done, on_failed=failed)
