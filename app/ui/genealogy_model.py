"""The genealogy tree of a trace as a lazy Qt item model over the already-fetched `TraceResult`.

The trace's graph is the pure structure; this model only creates a row object when the view asks for it:
the roots at once, a node's children when it is expanded (`canFetchMore`/`fetchMore`), so a heat with ten
thousand items below its lots costs a few rows before the first paint, not ten thousand. The graph is a
DAG, so an item reached through a merge appears under each parent.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from app.models import ItemStatus
from app.services.trace_views import TraceNode, TraceResult
from app.trace import Direction
from app.ui import formatting as fmt
from app.ui.palette import ALERT, TEXT_BAD, status_colours, status_text_colour
from app.ui.record_table_model import RIGHT, Index

# Roots made into rows per fetchMore (a part number has thousands): the view asks for the next batch when
# it is scrolled to the end. A node's children come all at once when it is expanded, because the view
# only asks for more under the last expanded node, and a half-listed node higher up could never finish.
ROOT_BATCH = 500

HEADERS = ("Serial / lot", "Part", "Kind", "Status", "Qty on link", "Heat / supplier lot", "Shipped to")
IDENTIFIER, PART, KIND, STATUS, QUANTITY, MATERIAL, SHIPPED = range(len(HEADERS))
# The view asks for flags, children and indexes of every row it lays out; with ten thousand rows each of
# those Python calls counts, so they are plain look-ups with no enum arithmetic.
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_LEAF_FLAGS = _FLAGS | Qt.ItemFlag.ItemNeverHasChildren
_COLUMNS = len(HEADERS)
TOOLTIPS = {
    QUANTITY: "Quantity of the consumed item that went along this link (in the consumed item's unit)",
    MATERIAL: "Heat number and supplier lot of purchased material",
}


class TreeRow:
    """One appearance of a trace node in the tree. The invisible root has no node."""

    __slots__ = ("children", "has_children", "key", "node", "parent", "pending", "position", "quantity",
                 "unit")

    def __init__(self, key: int, node: TraceNode | None, quantity: float | None, unit: str,
                 parent: TreeRow | None, position: int, has_children: bool) -> None:
        self.key = key  # the index's internal id: rows are found by number, never by a raw pointer
        self.node = node
        self.has_children = has_children  # from the graph, before any child row exists
        self.quantity = quantity
        self.unit = unit
        self.parent = parent
        self.position = position
        self.children: list[TreeRow] = []
        # Children not made into rows yet, as (node, quantity); None until the row is first expanded.
        self.pending: list[tuple[TraceNode, float]] | None = None


class GenealogyModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.result: TraceResult | None = None
        self._rows: list[TreeRow] = []
        self._root = self._new_row(None, None, "", None, 0, False)
        self._open_ncr: set[uuid.UUID] = set()
        self._icons: dict[str, QIcon] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # -- the trace behind the tree ---------------------------------------------------------------------

    def set_result(self, result: TraceResult | None) -> None:
        """Show a new trace: its (first batch of) roots, nothing below them yet."""
        self.beginResetModel()
        self.result = result
        self._rows = []
        self._root = self._new_row(None, None, "", None, 0, False)
        self._open_ncr = set()
        if result is not None:
            self._open_ncr = {item_id for item_id, ncrs in result.nonconformances.items()
                              if any(n.status == "open" for n in ncrs)}
            self._root.pending = [(node, 0.0) for node in sorted(
                result.roots, key=lambda n: (n.part_number, n.identifier))]
            self._take_batch(self._root)
        self.endResetModel()

    @property
    def created_rows(self) -> int:
        """Rows made so far (the invisible root not counted): how lazy the tree has been."""
        return len(self._rows) - 1

    def node(self, index: Index) -> TraceNode | None:
        return self._row(index).node if index.isValid() else None

    def child_count(self, index: Index) -> int:
        """How many rows expanding `index` will show, known before they are made."""
        node = self.node(index)
        return self._below(node) if node is not None else 0

    def _below(self, node: TraceNode) -> int:
        assert self.result is not None
        return len(self.result.graph.step_edges(node.id))

    def _new_row(self, node: TraceNode | None, quantity: float | None, unit: str, parent: TreeRow | None,
                 position: int, has_children: bool) -> TreeRow:
        row = TreeRow(len(self._rows), node, quantity, unit, parent, position, has_children)
        self._rows.append(row)
        return row

    def _row(self, index: Index) -> TreeRow:
        return self._rows[index.internalId()] if index.isValid() else self._root

    def _pending(self, row: TreeRow) -> list[tuple[TraceNode, float]]:
        if row.pending is None:
            assert self.result is not None and row.node is not None
            row.pending = self.result.children(row.node.id)
        return row.pending

    def _batch(self, row: TreeRow) -> int:
        return ROOT_BATCH if row.node is None else len(self._pending(row))

    def _take_batch(self, row: TreeRow) -> None:
        """Make the next batch of `row`'s children into rows (the caller tells the views)."""
        size = self._batch(row)
        batch = self._pending(row)[:size]
        del self._pending(row)[:size]
        assert self.result is not None
        forward = self.result.direction is Direction.FORWARD
        step_edges = self.result.graph.step_edges
        for node, quantity in batch:
            # A link's quantity is in the consumed item's unit: the parent row forward, this row in reverse.
            unit = (row.node.unit if forward and row.node else node.unit)
            row.children.append(self._new_row(node, quantity if row.node else None, unit, row,
                                              len(row.children), bool(step_edges(node.id))))

    # -- QAbstractItemModel ----------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        above = self._row(parent)
        if parent.column() > 0 or not (0 <= row < len(above.children) and 0 <= column < _COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, above.children[row].key)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self._row(index).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.position, 0, up.key)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._row(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return _COLUMNS

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._root.children or self._root.pending)
        return parent.column() == 0 and self._rows[parent.internalId()].has_children

    def canFetchMore(self, parent: Index) -> bool:
        if self.result is None or (parent.isValid() and parent.column() != 0):
            return False
        row = self._row(parent)
        return (row.node is None or row.has_children) and bool(self._pending(row))

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        row = self._row(parent)
        first = len(row.children)
        count = min(self._batch(row), len(self._pending(row)))
        self.beginInsertRows(parent, first, first + count - 1)
        self._take_batch(row)
        self.endInsertRows()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS if self._rows[index.internalId()].has_children else _LEAF_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._row(index)
        node = row.node
        assert node is not None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, node, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, node, column)
        if role == Qt.ItemDataRole.DecorationRole and column == IDENTIFIER:
            return self._marker(node)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            return TEXT_BAD if node.id in self._open_ncr else status_text_colour(node.status)
        if role == Qt.ItemDataRole.FontRole and column in (IDENTIFIER, STATUS):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column == QUANTITY:
            return int(RIGHT.value)
        return None

    # -- how a node reads ------------------------------------------------------------------------------

    def _text(self, row: TreeRow, node: TraceNode, column: int) -> str:
        if column == IDENTIFIER:
            return node.identifier
        if column == PART:
            return f"{node.part_number} rev {node.revision}"
        if column == KIND:
            return "Serial" if node.is_serial else "Lot"
        if column == STATUS:
            return self._status_text(node)
        if column == QUANTITY:
            return fmt.quantity(row.quantity, row.unit) if row.quantity is not None else ""
        if column == MATERIAL:
            return " · ".join(f"{caption} {value}" for caption, value in (
                ("heat", node.heat_number), ("lot", node.supplier_lot)) if value)
        if column == SHIPPED:
            return self._shipped_to(node)
        return ""

    def _status_text(self, node: TraceNode) -> str:
        """The status word, and whether a nonconformance is open on the item (its number in the tooltip)."""
        text = fmt.status_label(node.status)
        return f"{text} · NCR open" if node.id in self._open_ncr else text

    def _open_ncrs(self, node: TraceNode) -> str:
        assert self.result is not None
        return "\n".join(f"{n.number} open: {n.description}"
                         for n in self.result.nonconformances.get(node.id, ()) if n.status == "open")

    def _shipped_to(self, node: TraceNode) -> str:
        assert self.result is not None
        shipments = self.result.shipments.get(node.id, ())
        return ", ".join(dict.fromkeys(f"{s.customer} ({s.number})" for s in shipments))

    def _tooltip(self, row: TreeRow, node: TraceNode, column: int) -> str:
        if column == STATUS and node.id in self._open_ncr:
            return self._open_ncrs(node)
        if column == MATERIAL and node.supplier:
            return f"{node.supplier} · certificate {node.material_cert_ref or '—'}"
        text = f"{node.part_number} rev {node.revision} · {node.description}"
        if column == IDENTIFIER and row.has_children:
            assert self.result is not None
            count = f"{self._below(node):,}"
            forward = self.result.direction is Direction.FORWARD
            text += f"\n{count} items made from it" if forward else f"\nmade from {count} items"
        return text

    def _marker(self, node: TraceNode) -> QIcon:
        """A round dot in the status colour; an open nonconformance shows as alert whatever the status."""
        alarming = node.status in (ItemStatus.ON_HOLD, ItemStatus.QUARANTINED, ItemStatus.SCRAPPED)
        colour = ALERT[0] if node.id in self._open_ncr and not alarming else status_colours(node.status)[0]
        if colour not in self._icons:
            self._icons[colour] = _dot(colour)
        return self._icons[colour]


def _dot(colour: str, size: int = 16) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(2, 2, size - 4, size - 4))
    painter.end()
    return QIcon(pixmap)
