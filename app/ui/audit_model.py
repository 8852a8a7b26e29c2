"""The audit trail as a table: a model over entry ids (newest first) with a page cache of rows, so a list
of a hundred thousand entries opens at once and only the rows on screen are read (as Anki's browser does).

The model never reads the database: it asks for pages with `rows_needed`, and the page answers with
`add_entries` once its worker has them.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from app.services.audit_query import AuditEntry
from app.ui.palette import TEXT_MUTED

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Entry", "When (UTC)", "User", "Action", "Table", "Record", "Changes", "Reason")
PAGE = 200
MAX_PAGES = 50  # at most 10,000 rows kept; pages scrolled away are read again if needed
LOADING = "…"


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changes_text(entry: AuditEntry) -> str:
    """One line: `field: old → new` for updates, `field = value` for creates and deletes."""
    parts = []
    for field, old, new in entry.changes():
        if entry.action == "update":
            parts.append(f"{field}: {value_text(old)} → {value_text(new)}")
        else:
            parts.append(f"{field} = {value_text(new if entry.action != 'delete' else old)}")
    return "; ".join(parts)


class AuditTableModel(QAbstractTableModel):
    """Signals:
        rows_needed(list): ids of a page whose rows are not cached yet (the page fetches and calls
            `add_entries`).
    """

    rows_needed = Signal(list)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._pages: OrderedDict[int, dict[int, AuditEntry]] = OrderedDict()
        self._asked: set[int] = set()

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._row_of = {entry_id: row for row, entry_id in enumerate(self._ids)}
        self._pages.clear()
        self._asked.clear()
        self.endResetModel()

    def add_entries(self, entries: list[AuditEntry]) -> None:
        """Rows read by the worker; rows of an older list (the filter changed meanwhile) are ignored."""
        rows = [self._row_of[e.id] for e in entries if e.id in self._row_of]
        if not rows:
            return
        for entry in entries:
            row = self._row_of.get(entry.id)
            if row is not None:
                self._pages.setdefault(row // PAGE, {})[entry.id] = entry
                self._asked.discard(row // PAGE)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(HEADERS) - 1))

    def entry(self, row: int) -> AuditEntry | None:
        if not 0 <= row < len(self._ids):
            return None
        page = self._pages.get(row // PAGE)
        if page is None:
            self._ask(row // PAGE)
            return None
        self._pages.move_to_end(row // PAGE)
        return page.get(self._ids[row])

    def _ask(self, page: int) -> None:
        if page in self._asked:
            return
        self._asked.add(page)
        ids = self._ids[page * PAGE:(page + 1) * PAGE]
        # Not from inside data(): the view is painting; the request goes out on the next event loop turn.
        QTimer.singleShot(0, self, lambda: self.rows_needed.emit(ids))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        entry = self.entry(row)
        if role == Qt.ItemDataRole.ForegroundRole and entry is None:
            return TEXT_MUTED
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if entry is None:
            return str(self._ids[row]) if column == 0 else LOADING
        if column == 0:
            return str(entry.id)
        if column == 1:
            return f"{entry.occurred_at:%Y-%m-%d %H:%M:%S}"
        if column == 2:
            tooltip = role == Qt.ItemDataRole.ToolTipRole
            return f"{entry.full_name} ({entry.username})" if tooltip else entry.full_name
        texts = (entry.action, entry.table_name or "", entry.row_id or "", changes_text(entry),
                 entry.reason or "")
        return texts[column - 3]
