"""The detail panel under the genealogy tree: the selected node's identity and material origin, then its
steps, inspections (measurements against limits), nonconformances and shipments, and the buttons that
start a new trace from it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.services.trace_views import TraceNode
from app.trace import Direction
from app.ui.history_model import MeasurementModel, NonconformanceModel, ShipmentModel, StepModel
from app.ui.trace_work import NodeDetails
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.status_badge import StatusBadge

TAB_TITLES = ("Steps", "Inspections", "Nonconformances", "Shipments")


class TraceDetailPanel(QWidget):
    """Signals:
        trace_requested(object): "Trace forward/reverse from here" was pressed, with the Direction.
        text_typed(str): keys typed into one of the tables, for the scan field.
        certificate_requested(object): "Certificate …" for the shown TraceNode.
        shipment_certificate_requested(str): "Shipment certificate …" with the chosen shipment's number.
    """

    trace_requested = Signal(object)
    certificate_requested = Signal(object)
    shipment_certificate_requested = Signal(str)
    text_typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.node: TraceNode | None = None

        header = QFrame(objectName="itemHeader")
        self.kind = QLabel(objectName="itemKind")
        self.code = QLabel(objectName="itemCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badge = StatusBadge()
        self.part = QLabel(objectName="itemPart")
        self.part.setWordWrap(True)
        self.part.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.loading = QLabel(objectName="busyLabel")
        self.loading.setWordWrap(True)
        self.loading.hide()
        self.trace_buttons: dict[Direction, QPushButton] = {}
        title = QHBoxLayout()
        title.setSpacing(12)
        title.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignBaseline)
        title.addWidget(self.code, 0, Qt.AlignmentFlag.AlignBaseline)
        title.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        title.addStretch(1)
        title.addWidget(self.loading)
        for direction, caption in ((Direction.FORWARD, "Trace forward from here  ▼"),
                                   (Direction.REVERSE, "Trace reverse from here  ▲")):
            button = QPushButton(caption, objectName="secondaryButton")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, d=direction: self.trace_requested.emit(d))
            self.trace_buttons[direction] = button
            title.addWidget(button)
        # Certificates: for the item shown, and for the shipment picked in the Shipments tab (or its only one).
        self.certificate_button = QPushButton("Certificate …", objectName="secondaryButton")
        self.certificate_button.setToolTip("Issue a signed certificate for this item, preview and print it")
        self.certificate_button.clicked.connect(self._certificate)
        self.shipment_certificate_button = QPushButton("Shipment certificate …", objectName="secondaryButton")
        self.shipment_certificate_button.setToolTip("Certificates for the shipment selected in the Shipments tab: "
                                                    "one document, or one per serial")
        self.shipment_certificate_button.clicked.connect(self._shipment_certificate)
        for button in (self.certificate_button, self.shipment_certificate_button):
            button.setAutoDefault(False)
            title.addWidget(button)
        header_layout = QVBoxLayout(header)
        header_layout.setSpacing(4)
        header_layout.addLayout(title)
        header_layout.addWidget(self.part)

        self.steps = StepModel(parent=self)
        self.measurements = MeasurementModel(parent=self)
        self.nonconformances = NonconformanceModel(parent=self)
        self.shipments = ShipmentModel(parent=self)
        self.steps_table = DataTable(self.steps, stretch_column=len(StepModel.columns) - 1, wrap=True)
        self.measurements_table = DataTable(self.measurements)
        self.nonconformances_table = DataTable(self.nonconformances, stretch_column=3, wrap=True)
        self.shipments_table = DataTable(self.shipments)
        self.tabs = QTabWidget(objectName="historyTabs")
        self.tabs.setDocumentMode(True)
        for table, tab_title in zip(self._tables(), TAB_TITLES):
            table.text_typed.connect(self.text_typed)
            self.tabs.addTab(table, tab_title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(header)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    def _certificate(self) -> None:
        if self.node is not None:
            self.certificate_requested.emit(self.node)

    def _shipment_certificate(self) -> None:
        shipment = self.shipments_table.current_record()
        if shipment is None and self.shipments.rowCount():
            shipment = self.shipments.record(0)
        if shipment is not None:
            self.shipment_certificate_requested.emit(shipment.number)

    def _tables(self) -> tuple[DataTable, ...]:
        return (self.steps_table, self.measurements_table, self.nonconformances_table, self.shipments_table)

    def show_node(self, node: TraceNode, details: NodeDetails | None) -> None:
        """Show `node` at once; its tables when `details` are known, else empty until `show_details`."""
        self.node = node
        self.setEnabled(True)
        self.kind.setText("SERIAL" if node.is_serial else "LOT")
        self.code.setText(node.identifier)
        self.badge.set_status(node.status)
        self.badge.show()
        facts = [f"{node.part_number} rev {node.revision}", node.description,
                 f"heat {node.heat_number}" if node.heat_number else "",
                 f"supplier lot {node.supplier_lot}" if node.supplier_lot else "", node.supplier or "",
                 f"certificate {node.material_cert_ref}" if node.material_cert_ref else ""]
        self.part.setText("  ·  ".join(fact for fact in facts if fact))
        if details is None:
            self.loading.setText("Loading history …")
            self.loading.show()
            self._fill(NodeDetails((), (), (), ()), loading=True)
        else:
            self.show_details(node, details)

    def show_details(self, node: TraceNode, details: NodeDetails) -> None:
        if self.node is None or node.id != self.node.id:
            return  # the person has moved on to another node
        self.loading.hide()
        self._fill(details, loading=False)

    def show_failure(self, node: TraceNode, text: str) -> None:
        if self.node is not None and node.id == self.node.id:
            self.loading.setText(text)

    def _fill(self, details: NodeDetails, *, loading: bool) -> None:
        self.steps.set_records(details.steps)
        self.measurements.set_inspections(details.inspections)
        self.nonconformances.set_records(details.nonconformances)
        self.shipments.set_records(details.shipments)
        counts = (details.steps, details.inspections, details.nonconformances, details.shipments)
        self.shipment_certificate_button.setVisible(bool(details.shipments))
        for n, (tab_title, records) in enumerate(zip(TAB_TITLES, counts)):
            self.tabs.setTabText(n, tab_title if loading else f"{tab_title} ({len(records)})")
        if not loading and any(n.status == "open" for n in details.nonconformances):
            # An open NCR is what a person must see first.
            self.tabs.setCurrentWidget(self.nonconformances_table)

    def clear(self) -> None:
        self.node = None
        self.kind.clear()
        self.code.setText("Select an item in the tree")
        self.badge.hide()
        self.part.clear()
        self.loading.hide()
        self._fill(NodeDetails((), (), (), ()), loading=True)
        self.setEnabled(False)
