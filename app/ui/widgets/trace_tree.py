"""The genealogy tree view: tall rows for gloved hands, columns sized once (never by reading ten thousand
rows), a context menu to trace again from a node, and typed keys handed to the scan field."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeView, QWidget

from app.services.trace_views import TraceNode
from app.trace import Direction
from app.ui.genealogy_model import IDENTIFIER, KIND, MATERIAL, PART, QUANTITY, STATUS, GenealogyModel

# The tables' look (threadline.qss styles QTableView) for the one tree in the application.
_STYLE = """
QTreeView { background: #ffffff; alternate-background-color: #f5f7fa; border: 1px solid #d5dbe1;
            border-radius: 6px; selection-background-color: #cfe2ff; selection-color: #111820;
            outline: none; }
QTreeView:focus { border: 2px solid #0b5cad; }
QTreeView::item { padding: 4px 6px; }
QTreeView::item:selected { background: #cfe2ff; color: #111820; }
"""

# What opens when a trace arrives: a small trace (a product's bill of materials) entirely; otherwise the
# roots, when they are few (a heat's lots) and what is under them is quick to show.
OPEN_ALL_UP_TO_ITEMS = 60
OPEN_ROOTS_UP_TO = 5
OPEN_ROOT_ROWS_UP_TO = 2_500  # about 25 ms to make, lay out and paint (bench_trace_tree.py)

# Column widths in 'M' widths: the longest identifiers, part numbers and statuses the plant uses fit.
WIDTH_EM = {IDENTIFIER: 11, PART: 13, KIND: 5, STATUS: 12, QUANTITY: 9, MATERIAL: 17}
# Deeper rows than this may need the column widened by hand; the common ones fit.
LEVELS_FITTED = 3


class GenealogyTree(QTreeView):
    """Signals:
        trace_requested(object): "Trace forward/reverse from here" chosen in the context menu (a Direction).
        text_typed(str): printable keys typed while the tree had focus (a scanner, usually).
    """

    trace_requested = Signal(object)
    text_typed = Signal(str)

    def __init__(self, model: GenealogyModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("genealogyTree")
        self.setStyleSheet(_STYLE)
        self.setModel(model)
        # Every row the same height: the view lays out ten thousand rows without asking each one.
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setIndentation(self.fontMetrics().horizontalAdvance("M") * 3 // 2)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        em = self.fontMetrics().horizontalAdvance("M")
        for column, width in WIDTH_EM.items():  # "Shipped to", the last, takes the rest
            header.resizeSection(column, em * width)

    def fit_identifier_column(self, levels: int) -> None:
        """Room for the identifier at every level the trace has (each level indents it further)."""
        em = self.fontMetrics().horizontalAdvance("M")
        icon = self.iconSize().width() if self.iconSize().isValid() else em
        indent = self.indentation() * (min(levels, LEVELS_FITTED) + 1)
        self.header().resizeSection(IDENTIFIER, em * WIDTH_EM[IDENTIFIER] + icon + indent)

    def genealogy(self) -> GenealogyModel:
        model = self.model()
        assert isinstance(model, GenealogyModel)
        return model

    def current_node(self) -> TraceNode | None:
        return self.genealogy().node(self.currentIndex())

    def _menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        node = self.genealogy().node(index)
        if node is None:
            return
        self.setCurrentIndex(index)
        menu = QMenu(self)
        forward = menu.addAction(f"Trace forward from {node.identifier}")
        reverse = menu.addAction(f"Trace reverse from {node.identifier}")
        chosen = menu.exec(self.viewport().mapToGlobal(pos))
        if chosen is forward:
            self.trace_requested.emit(Direction.FORWARD)
        elif chosen is reverse:
            self.trace_requested.emit(Direction.REVERSE)

    def open_node(self, index: QModelIndex) -> None:
        # The view fetches on expand only once it is laid out; a tree just filled is not yet.
        model = self.genealogy()
        if model.canFetchMore(index):
            model.fetchMore(index)
        self.expand(index)

    def open_on_arrival(self, items: int) -> None:
        if items <= OPEN_ALL_UP_TO_ITEMS:
            self.open_everything(max_rows=OPEN_ALL_UP_TO_ITEMS * 5)
        else:
            self.open_first_level(OPEN_ROOTS_UP_TO, OPEN_ROOT_ROWS_UP_TO)

    def open_first_level(self, max_roots: int, max_rows: int) -> None:
        """Open the roots, when they are few and what is under them is quick to show (a part number's
        lots with ten thousand valves stay closed: the heading has the counts, the arrows the rest), and
        select the first."""
        model = self.genealogy()
        roots = [model.index(row, 0) for row in range(model.rowCount())]
        if len(roots) <= max_roots and sum(model.child_count(index) for index in roots) <= max_rows:
            for index in roots:
                self.open_node(index)
        if roots:
            self.setCurrentIndex(roots[0])

    def open_everything(self, max_rows: int) -> None:
        """Open every level (for small traces: a product's whole bill of materials at a glance). An item
        under several parents is listed under each, so rows are capped, not items."""
        model = self.genealogy()
        below = [QModelIndex()]
        while below and model.created_rows < max_rows:
            parent = below.pop()
            for row in range(model.rowCount(parent)):
                index = model.index(row, 0, parent)
                if model.hasChildren(index):
                    self.open_node(index)
                    below.append(index)
        if model.rowCount():
            self.setCurrentIndex(model.index(0, 0))

    def height_for_rows(self, most: int) -> int:
        """The height that shows the open rows, up to `most`, and one spare, without scrolling."""
        first = self.genealogy().index(0, 0)
        rows, index = 0, first
        while index.isValid() and rows < most:
            rows += 1
            index = self.indexBelow(index)
        row_height = self.rowHeight(first) if rows else 0
        return self.header().height() + (rows + 1) * row_height + 2 * self.frameWidth()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # '*' would expand every level below (ten thousand rows); a scanner's characters belong to the
        # scan field anyway. Arrow keys still open and close nodes.
        text = event.text()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
        if plain and text and text.isprintable() and not text.isspace():
            self.text_typed.emit(text)
            event.accept()
            return
        super().keyPressEvent(event)
