"""Admin › Audit trail: who changed which record, when, from what to what and why, filtered by table,
record, user and dates; with the hash chain's verdict (green "intact" or red "broken at entry N"),
checked on the worker thread so the page is usable while a long trail is verified."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from PySide6.QtCore import QDate, QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models import Role
from app.services.audit_query import AuditEntry, AuditFilter, audit_entries, audit_ids, audited_tables
from app.services.audit_anchors import AnchoredCheck, cut_off_advice, verify_anchored
from app.services.audit_verify import ChainReport, Fault
from app.ui.audit_model import AuditTableModel, value_text
from app.ui.palette import BAD, GOOD, NEUTRAL, badge_style
from app.ui.tasks import TaskCancelled, describe_error
from app.ui.workspaces import PageContext, Workspace, register

MAX_LISTED = 100_000  # the newest this many matches; a narrower filter finds older ones
ALL_TABLES = "All tables"
_ANY_DATE = QDate(2000, 1, 1)  # the dates' minimum, shown as "any"



def _date_edit() -> QDateEdit:
    edit = QDateEdit(_ANY_DATE)
    edit.setMinimumDate(_ANY_DATE)
    edit.setSpecialValueText("any")
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    return edit


def _day(edit: QDateEdit, *, plus: int = 0) -> datetime | None:
    if edit.date() == _ANY_DATE:
        return None
    day = edit.date().toPython() + timedelta(days=plus)
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def entry_details(entry: AuditEntry) -> str:
    """The whole entry, for the auditor: every changed field on its own line, old and new."""
    lines = [f"Entry {entry.id}, {entry.occurred_at:%Y-%m-%d %H:%M:%S.%f} UTC",
             f"By {entry.full_name} ({entry.username})",
             f"{entry.action} {entry.table_name or ''} {entry.row_id or ''}".rstrip(),
             f"Reason: {entry.reason or '—'}", ""]
    for field, old, new in entry.changes():
        if entry.action == "update":
            lines.append(f"  {field}: {value_text(old)}  →  {value_text(new)}")
        else:
            lines.append(f"  {field}: {value_text(new if entry.action != 'delete' else old)}")
    lines += ["", f"Hash: {entry.entry_hash}"]
    return "\n".join(lines)


class AuditPage(QWidget):
    """Signals:
        entries_listed(int): after a search, with the number of matching entries listed.
        chain_checked(bool): after each check of the hash chain: True when intact.
    """

    entries_listed = Signal(int)
    chain_checked = Signal(bool)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPage")
        self.context = context
        self.report: ChainReport | None = None
        self._search = 0  # answers to an older search than this one are dropped

        self.table_box = QComboBox()
        self.table_box.setEditable(True)
        self.table_box.addItem(ALL_TABLES)
        self.table_box.setMinimumContentsLength(18)
        self.record_edit = QLineEdit()
        self.record_edit.setPlaceholderText("record id (from the record's page)")
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText("user name")
        self.since_edit, self.until_edit = _date_edit(), _date_edit()
        self.search_button = QPushButton("Search")
        self.search_button.setDefault(True)
        self.chain_label = QLabel("Checking the hash chain…")
        self.chain_label.setStyleSheet(badge_style(NEUTRAL))
        self.chain_detail = QLabel()  # the break in words, under the badge
        self.chain_detail.setWordWrap(True)
        self.chain_detail.hide()
        self.verify_button = QPushButton("Check chain again")
        self.count_label = QLabel()

        self.model = AuditTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)  # one line per entry; the details pane below has everything
        self.view.verticalHeader().hide()
        # Fixed widths: sizing to contents would read every row of a long list.
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        em = self.fontMetrics().horizontalAdvance("M")
        for column, width in enumerate((4, 15, 9, 5, 9, 16, 30, 14)):
            header.resizeSection(column, width * em)
        header.setStretchLastSection(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Select an entry to see every field it changed, old and new.")

        filters = QHBoxLayout()
        form = QFormLayout()
        form.addRow("Table", self.table_box)
        form.addRow("Record", self.record_edit)
        dates = QFormLayout()
        dates.addRow("User", self.user_edit)
        span = QHBoxLayout()
        span.addWidget(self.since_edit)
        span.addWidget(QLabel("to"))
        span.addWidget(self.until_edit)
        dates.addRow("From", span)
        filters.addLayout(form, 2)
        filters.addLayout(dates, 2)
        buttons = QVBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addStretch(1)
        filters.addLayout(buttons)
        chain = QHBoxLayout()
        chain.addWidget(self.chain_label, 1)
        chain.addWidget(self.verify_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(chain)
        layout.addWidget(self.chain_detail)
        layout.addLayout(filters)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)

        self.search_button.clicked.connect(self.search)
        for edit in (self.record_edit, self.user_edit):
            edit.returnPressed.connect(self.search)
        self.verify_button.clicked.connect(self.check_chain)
        self.model.rows_needed.connect(self._fetch)
        self.view.selectionModel().selectionChanged.connect(self._show_selected)
        self.model.dataChanged.connect(lambda *_: self._show_selected())

        context.runner.run(audited_tables, context.factory, on_done=self._tables_listed, owner=self)
        self.search()
        self.check_chain()

    def current_filter(self) -> AuditFilter:
        table = self.table_box.currentText().strip()
        return AuditFilter(table=None if table in ("", ALL_TABLES) else table,
                           row_id=self.record_edit.text().strip() or None,
                           username=self.user_edit.text().strip() or None,
                           since=_day(self.since_edit), until=_day(self.until_edit, plus=1))

    def search(self) -> None:
        self._search += 1
        number = self._search
        self.count_label.setText("Searching…")
        self.context.runner.run(audit_ids, self.context.factory, self.current_filter(), limit=MAX_LISTED,
                                on_done=lambda ids: self._listed(number, ids), on_failed=self._failed,
                                owner=self)

    def check_chain(self) -> None:
        self.verify_button.setEnabled(False)
        self.chain_detail.hide()
        self.chain_label.setText("Checking the hash chain…")
        self.chain_label.setStyleSheet(badge_style(NEUTRAL))
        self.context.runner.run(verify_anchored, self.context.factory, reports_progress=True,
                                on_progress=self._verify_progress, on_done=self._verified,
                                on_failed=self._verify_failed, owner=self)

    def _tables_listed(self, tables: list[str]) -> None:
        current = self.table_box.currentText()
        self.table_box.clear()
        self.table_box.addItems([ALL_TABLES, *tables])
        self.table_box.setCurrentText(current)

    def _listed(self, number: int, ids: list[int]) -> None:
        if number != self._search:
            return
        self.model.set_ids(ids)
        self.details.clear()
        more = " (the newest; narrow the filter for older ones)" if len(ids) == MAX_LISTED else ""
        self.count_label.setText(f"{len(ids):,} entr{'y' if len(ids) == 1 else 'ies'}{more}")
        self.entries_listed.emit(len(ids))

    def _fetch(self, ids: list[int]) -> None:
        self.context.runner.run(audit_entries, self.context.factory, ids, on_done=self.model.add_entries,
                                on_failed=self._failed, owner=self)

    def _show_selected(self, *_: QItemSelection) -> None:
        rows = self.view.selectionModel().selectedRows()
        entry = self.model.entry(rows[0].row()) if rows else None
        if entry is not None:
            self.details.setPlainText(entry_details(entry))

    def _verify_progress(self, done: int, total: int) -> None:
        self.chain_label.setText(f"Checking the hash chain… {done:,} of {total:,} entries")

    def _verified(self, checked: AnchoredCheck) -> None:
        """Against this database's newest stored anchor too (from backups and earlier checks), so newest
        entries cut off show here as they do in `threadline audit verify`."""
        report = self.report = checked.report
        self.verify_button.setEnabled(True)
        if report.intact:
            against = (f"; its end matches {checked.stored.describe()}" if checked.stored else
                       "; no anchor stored for this database yet, so an end cut off earlier cannot show")
            self.chain_label.setText(f"✔ Chain intact — {report.checked:,} entries checked, up to entry "
                                     f"{report.last_id or 0}{against}")
            self.chain_label.setStyleSheet(badge_style(GOOD))
        else:
            broken = report.broken
            assert broken is not None
            self.chain_label.setText(f"✘ Audit trail broken at entry {broken.entry_id} "
                                     f"({broken.fault.value})")
            self.chain_label.setStyleSheet(badge_style(BAD))
            advice = cut_off_advice(checked.stored) if broken.fault is Fault.ANCHOR_MISMATCH else ""
            self.chain_detail.setText(report.describe() + (f"\n\n{advice}" if advice else ""))
            self.chain_detail.show()
        self.chain_checked.emit(report.intact)

    def _verify_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        if isinstance(error, TaskCancelled):
            return
        self.chain_label.setText(f"The chain could not be checked: {describe_error(error)}")
        self.chain_label.setStyleSheet(badge_style(BAD))

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, TaskCancelled):
            self.count_label.setText(describe_error(error))


WORKSPACE = register(Workspace(key="audit", title="Audit trail", build=AuditPage, order=95,
                               tooltip="Who changed which record, when, from what to what and why; "
                                       "whether the audit trail's hash chain is intact",
                               allowed=lambda actor: actor.role in {Role.ADMIN, Role.QUALITY_ENGINEER}))
