"""One item's whole history on one screen: the header, then tabs for steps, inspections, genealogy,
nonconformances and shipments. Opening a genealogy neighbour is a signal; the page fetches it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.services.lookup import LIST_LIMIT
from app.services.lookup_views import ItemHistory, LinkView
from app.ui.history_model import ComplaintModel, MeasurementModel, NonconformanceModel, ShipmentModel, StepModel
from app.ui.item_list_model import LinkListModel, MaterialModel
from app.ui.lookup_work import MaterialOrigin
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.item_header import ItemHeader


class _TitledTable(QWidget):
    def __init__(self, title: str, table: DataTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title, objectName="sectionTitle")
        self.table = table
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(table)


class ItemHistoryView(QWidget):
    """Signals:
        item_opened(object): the id (uuid.UUID) of a "made from" / "used in" item to show next.
        text_typed(str): keys typed into one of the tables, for the scan field.
    """

    item_opened = Signal(object)
    text_typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: ItemHistory | None = None
        self.material_origins: tuple[MaterialOrigin, ...] = ()
        self.header = ItemHeader()
        self.steps = StepModel(parent=self)
        self.measurements = MeasurementModel(parent=self)
        self.made_from = LinkListModel(parent=self)
        self.used_in = LinkListModel(parent=self)
        self.materials = MaterialModel(parent=self)
        self.nonconformances = NonconformanceModel(parent=self)
        self.shipments = ShipmentModel(parent=self)
        self.complaints = ComplaintModel(parent=self)

        self.steps_table = DataTable(self.steps, stretch_column=len(StepModel.columns) - 1, wrap=True)
        self.measurements_table = DataTable(self.measurements)
        self.made_from_table = DataTable(self.made_from, sortable=True, stretch_column=3)
        self.used_in_table = DataTable(self.used_in, sortable=True, stretch_column=3)
        self.materials_table = DataTable(self.materials, sortable=True, stretch_column=7)
        self.nonconformances_table = DataTable(self.nonconformances, stretch_column=3, wrap=True)
        self.shipments_table = DataTable(self.shipments)
        self.complaints_table = DataTable(self.complaints, stretch_column=4, wrap=True)
        for table in (self.made_from_table, self.used_in_table, self.materials_table):
            table.setToolTip("Double-click or press Enter to open this item")
        self.made_from_table.record_activated.connect(self._open_link)
        self.used_in_table.record_activated.connect(self._open_link)
        self.materials_table.record_activated.connect(self._open_material)
        for table in self._tables():
            table.text_typed.connect(self.text_typed)

        genealogy = QSplitter(Qt.Orientation.Vertical)  # stacked: both tables get the full width
        genealogy.setChildrenCollapsible(False)
        self.made_from_section = _TitledTable("Made from", self.made_from_table)
        self.used_in_section = _TitledTable("Used in", self.used_in_table)
        genealogy.addWidget(self.made_from_section)
        genealogy.addWidget(self.used_in_section)

        self.tabs = QTabWidget(objectName="historyTabs")
        self.tabs.setDocumentMode(True)
        self._tab_titles = ("Steps", "Inspections", "Made from / used in", "Material origin", "Nonconformances",
                            "Shipments", "Complaints")
        for widget, title in zip((self.steps_table, self.measurements_table, genealogy, self.materials_table,
                                  self.nonconformances_table, self.shipments_table, self.complaints_table),
                                 self._tab_titles):
            self.tabs.addTab(widget, title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

    def _tables(self) -> tuple[DataTable, ...]:
        return (self.steps_table, self.measurements_table, self.made_from_table, self.used_in_table,
                self.materials_table, self.nonconformances_table, self.shipments_table, self.complaints_table)

    def show_history(self, history: ItemHistory, materials: tuple[MaterialOrigin, ...] = ()) -> None:
        self.history = history
        self.material_origins = materials
        self.header.show_history(history, materials)
        self.materials.set_records(materials)
        self.steps.set_records(history.steps)
        self.measurements.set_inspections(history.inspections)
        self.made_from.set_records(history.made_from)
        self.used_in.set_records(history.used_in)
        self.nonconformances.set_records(history.nonconformances)
        self.shipments.set_records(history.shipments)
        self.complaints.set_records(history.complaints)
        links = f"{len(history.made_from) + len(history.used_in)}"
        if max(len(history.made_from), len(history.used_in)) >= LIST_LIMIT:
            links += "+"
        counts = (str(len(history.steps)), str(len(history.inspections)), links, str(len(materials)),
                  str(len(history.nonconformances)), str(len(history.shipments)), str(len(history.complaints)))
        for n, (title, count) in enumerate(zip(self._tab_titles, counts)):
            self.tabs.setTabText(n, f"{title} ({count})")
        self.made_from_section.title.setText(f"Made from ({_count(len(history.made_from))})")
        self.used_in_section.title.setText(f"Used in ({_count(len(history.used_in))})")
        # Open NCRs are what a person must see first; otherwise the route the item took.
        open_ncr = any(n.status == "open" for n in history.nonconformances)
        self.tabs.setCurrentWidget(self.nonconformances_table if open_ncr else self.steps_table)

    def _open_link(self, link: LinkView | None) -> None:
        if link is not None:
            self.item_opened.emit(link.item.id)

    def _open_material(self, material: MaterialOrigin | None) -> None:
        if material is not None and material.depth > 0:
            self.item_opened.emit(material.item_id)


def _count(n: int) -> str:
    """The service stops listing at LIST_LIMIT; say so instead of pretending that is all."""
    return f"{n}+" if n >= LIST_LIMIT else str(n)
