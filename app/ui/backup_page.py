"""Admin › Backups: the backups in the backup folder with their restore-verification verdicts, "Back up now"
and "Verify restore" on a worker thread, and the schedule that backs up while Threadline is open.

The `BackupScheduler` belongs to the main window, not the page: scheduled backups run whoever is logged in
and whether or not anyone opens this page. It has a worker thread of its own (through the same TaskRunner
helper as everything else), because a pg_dump of a large database takes minutes and the database worker
must keep serving lookups and log-ins meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, SettingsError
from app.db import describe_url
from app.models import Role
from app.ui.backup_work import (
    BackupEntry,
    BackupRun,
    back_up_and_prune,
    backup_folder,
    database_url,
    list_entries,
    newest_backup,
    next_due,
    verdict,
    verify,
)
from app.ui.palette import BAD, GOOD, NEUTRAL, badge_style
from app.ui.tasks import TaskCancelled, TaskRunner, describe_error
from app.ui.workspaces import PageContext, Workspace, register

log = logging.getLogger(__name__)

CHECK_MS = 60_000  # how often the schedule looks at the newest backup's age: a glob, nothing more
RETRY_AFTER = timedelta(minutes=15)  # after a failed scheduled backup, rather than once a minute



def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


# Runners of closed windows whose backup may still be running (see BackupScheduler.stop).
_RETIRED_RUNNERS: list[TaskRunner] = []


class BackupScheduler(QObject):
    """Backs up when the newest backup in `backup.dir` is `backup.every_hours` old, then prunes. Settings
    are read at every check, so changing the schedule takes effect without a restart.

    Signals:
        due_known(object): the next due time (UTC datetime), or None when the schedule is off.
        backup_started(bool): a backup began; True when the schedule started it.
        backup_made(object): the `BackupRun`.
        backup_failed(str): the sentence for a person.
        busy_changed(bool): a backup or a verification started or ended on the backup worker.
    """

    due_known = Signal(object)
    backup_started = Signal(bool)
    backup_made = Signal(object)
    backup_failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, factory: sessionmaker[Session], settings: Settings, *,
                 clock: Callable[[], datetime] | None = None, check_ms: int = CHECK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.factory, self.settings = factory, settings
        self.clock = clock or (lambda: datetime.now(UTC))  # injectable: tests drive time, never sleep
        self.runner = TaskRunner(self)
        self.due: datetime | None = None
        self._busy = False
        self._checking = False
        self._retry_at: datetime | None = None
        self._stopped = False
        # When this scheduler last started a backup, by its clock: the next one is due from the later of this
        # and the newest file's name (whose time has only whole seconds, and which pruning might remove).
        self._last_started: datetime | None = None
        self.timer = QTimer(self, interval=check_ms)
        self.timer.timeout.connect(self.check)

    @property
    def busy(self) -> bool:
        return self._busy

    def every_hours(self) -> int:
        try:
            return max(0, int(self.settings.get("backup.every_hours")))
        except (SettingsError, ValueError, TypeError):
            return 0  # an unreadable setting means no schedule, not a backup every minute

    def folder(self) -> Path:
        return backup_folder(self.settings)

    def start(self) -> None:
        self.timer.start()
        self.check()

    def stop(self) -> None:
        """At window close: no new checks; a backup under way finishes (its file appears only when whole)."""
        self._stopped = True
        self.timer.stop()
        # The window (and this scheduler) may be deleted while a backup still runs on the worker. The worker
        # then reports to its Task, a child of the runner: the runner must outlive the window, or that report
        # would reach a deleted object and crash the process. So it is kept here until the program ends.
        self.runner.setParent(None)
        _RETIRED_RUNNERS.append(self.runner)
        self.runner.shutdown(wait=False)

    def check(self) -> None:
        """Look at the newest backup's age (on the worker: the folder may be on a slow network share)."""
        if self.every_hours() <= 0:
            self.due = None
            self.due_known.emit(None)
            return
        if self._busy or self._checking or self._stopped:
            return
        self._checking = True
        self.runner.run(newest_backup, self.folder(), name="backup schedule", owner=self,
                        on_done=self._decide, on_failed=self._check_failed)

    def _decide(self, newest: datetime | None) -> None:
        self._checking = False
        now = self.clock()
        if self._last_started is not None:
            newest = max(newest or self._last_started, self._last_started)
        self.due = next_due(newest, self.every_hours(), now)
        self.due_known.emit(self.due)
        if self.due is None or self.due > now or self._busy:
            return
        if self._retry_at is not None and now < self._retry_at:
            return
        self.back_up(scheduled=True)

    def _check_failed(self, error: BaseException) -> None:
        self._checking = False
        log.warning("Backup schedule check failed: %s", error)

    def back_up(self, *, scheduled: bool = False) -> bool:
        """Start a backup (and pruning); False when one is already running."""
        if self._busy or self._stopped:
            return False
        self._set_busy(True)
        self._last_started = self.clock()
        self.backup_started.emit(scheduled)
        self.runner.run(back_up_and_prune, database_url(self.factory), self.folder(),
                        int(self.settings.get("backup.keep")), int(self.settings.get("backup.max_age_days")),
                        name="backup", owner=self, on_done=self._made, on_failed=self._failed)
        return True

    def run_exclusive(self, func: Callable, *args, on_done: Callable, on_failed: Callable, owner: QObject,
                      name: str) -> bool:
        """Other backup-folder work (a restore verification) on the same worker, never beside a backup."""
        if self._busy or self._stopped:
            return False
        self._set_busy(True)

        def done(result: object) -> None:
            self._set_busy(False)
            on_done(result)

        def failed(error: BaseException) -> None:
            self._set_busy(False)
            on_failed(error)

        self.runner.run(func, *args, name=name, owner=owner, on_done=done, on_failed=failed)
        return True

    def _made(self, run: BackupRun) -> None:
        self._retry_at = None
        log.info("Backup %s made (%d bytes); pruned %d", run.result.path, run.result.bytes, len(run.pruned))
        if self._stopped:  # finished while the window closed: the file is whole, nobody is left to tell
            return
        self._set_busy(False)
        self.backup_made.emit(run)
        self.check()  # the next due time, from the backup just made

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._retry_at = self.clock() + RETRY_AFTER
        text = f"The backup failed: {describe_error(error)}"
        log.error(text)
        self.backup_failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_changed.emit(busy)


class BackupPage(QWidget):
    """Signals:
        listed(int): the folder was listed, with the number of backups in it.
        verified(bool): a restore verification ended; True when complete.
    """

    listed = Signal(int)
    verified = Signal(bool)

    COLUMNS = ("Taken", "Size", "Database", "Restore verified")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupPage")
        self.context = context
        self.entries: list[BackupEntry] = []
        self.scheduler: BackupScheduler | None = None

        self.where = QLabel(wordWrap=True)
        self.every = QSpinBox(minimum=0, maximum=24 * 30, suffix=" h")
        self.every.setSpecialValueText("off")
        self.every.setAccessibleName("Back up every")
        self.every.setValue(int(context.settings.get("backup.every_hours")))
        self.due_label = QLabel(wordWrap=True)
        self.backup_button = QPushButton("Back up now", objectName="primaryButton")
        self.verify_button = QPushButton("Verify restore")
        self.verify_button.setToolTip("Restore the selected backup into a scratch database and compare every "
                                      "table with the source; the live database is not touched")
        self.refresh_button = QPushButton("Refresh")
        self.progress = QProgressBar(minimum=0, maximum=0, textVisible=False)  # busy: no steps to count
        self.progress.setMaximumWidth(200)
        self.busy_label = QLabel(objectName="busyLabel")
        self.result_label = QLabel(wordWrap=True)
        self.result_label.hide()
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_selected)

        schedule = QHBoxLayout()
        schedule.addWidget(QLabel("Back up every"))
        schedule.addWidget(self.every)
        schedule.addWidget(self.due_label, 1)
        actions = QHBoxLayout()
        for widget in (self.backup_button, self.verify_button, self.refresh_button, self.progress,
                       self.busy_label):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addLayout(schedule)
        layout.addLayout(actions)
        layout.addWidget(self.result_label)
        layout.addWidget(self.table, 1)

        self.backup_button.clicked.connect(self.back_up)
        self.verify_button.clicked.connect(self.verify_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.every.valueChanged.connect(self._schedule_changed)
        self._set_busy(False)

    # -- the scheduler, from the main window (or a page of its own when there is none) ------------------

    def attach_backup_scheduler(self, scheduler: BackupScheduler) -> None:
        self.scheduler = scheduler
        scheduler.due_known.connect(self._show_due)
        scheduler.backup_started.connect(self._started)
        scheduler.backup_made.connect(self._made)
        scheduler.backup_failed.connect(lambda text: self._show_result(text, BAD))
        scheduler.busy_changed.connect(self._set_busy)
        self._set_busy(scheduler.busy)
        self.refresh()
        scheduler.check()

    def _scheduler(self) -> BackupScheduler:
        if self.scheduler is None:  # built outside a main window: a scheduler that only runs on request
            self.attach_backup_scheduler(BackupScheduler(self.context.factory, self.context.settings,
                                                         parent=self))
        assert self.scheduler is not None
        return self.scheduler

    def activated(self) -> None:
        self._scheduler()
        self.refresh()

    # -- listing ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        folder = backup_folder(self.context.settings)
        self.where.setText(f"Backups of {describe_url(database_url(self.context.factory))} in {folder}. "
                           "Verify restore restores a backup into a scratch database and compares every "
                           "table with the source; the live database is never touched.")
        self.context.runner.run(list_entries, folder, name="list backups", owner=self, on_done=self._listed,
                                on_failed=self._failed)

    def _listed(self, entries: list[BackupEntry]) -> None:
        selected = self.selected()
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            if entry.complete is None:
                state = "not verified"
            else:
                when = _local(entry.verified_at) if entry.verified_at else "time unknown"
                state = f"{'✔ complete' if entry.complete else '✘ INCOMPLETE'}, verified {when}"
            cells = (_local(entry.taken_at), f"{entry.bytes / 1e6:,.1f} MB", entry.kind, state)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(entry.verdict or str(entry.path))
                self.table.setItem(row, column, item)
        keep = next((n for n, e in enumerate(entries) if selected and e.path == selected.path), 0)
        if entries:
            self.table.selectRow(keep)
        self._set_busy(self.scheduler.busy if self.scheduler else False)
        self.listed.emit(len(entries))

    def selected(self) -> BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows and rows[0].row() < len(self.entries) else None

    def _show_selected(self) -> None:
        entry = self.selected()
        if entry is not None and entry.verdict and not self._busy_now():
            self._show_result(entry.verdict, GOOD if entry.complete else BAD)

    # -- actions ---------------------------------------------------------------------------------------

    def back_up(self) -> None:
        self._scheduler().back_up()

    def verify_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            self._show_result("Select a backup to verify (or make one with Back up now).", NEUTRAL)
            return
        self.busy_label.setText(f"Restoring {entry.path.name} into a scratch database and comparing …")
        self._scheduler().run_exclusive(verify, entry.path, database_url(self.context.factory),
                                        name="verify restore", owner=self, on_done=self._verified,
                                        on_failed=self._failed)

    def _verified(self, report: dict) -> None:
        self._show_result(verdict(report), GOOD if report["complete"] else BAD)
        self.refresh()
        self.verified.emit(bool(report["complete"]))

    def _started(self, scheduled: bool) -> None:
        self.busy_label.setText("Scheduled backup running …" if scheduled else "Backing up …")

    def _made(self, run: BackupRun) -> None:
        pruned = f"; {len(run.pruned)} old backup(s) pruned" if run.pruned else ""
        self._show_result(f"Backed up: {run.result.tables} tables, {run.result.rows:,} rows, "
                          f"{run.result.bytes / 1e6:,.1f} MB in {run.result.seconds:.1f} s → "
                          f"{run.result.path.name}{pruned}.", GOOD)
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, TaskCancelled):
            self._show_result(describe_error(error), BAD)

    def _show_result(self, text: str, colours: tuple[str, str]) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(badge_style(colours))
        self.result_label.show()

    # -- schedule --------------------------------------------------------------------------------------

    def _schedule_changed(self, hours: int) -> None:
        try:
            self.context.settings.set("backup.every_hours", hours)
        except OSError as exc:
            self._show_result(f"The schedule could not be saved ({exc}); check the settings folder.", BAD)
            return
        self._scheduler().check()

    def _show_due(self, due: datetime | None) -> None:
        if due is None:
            self.due_label.setText("Scheduled backups are off on this PC.")
            return
        scheduler = self._scheduler()
        when = "now" if due <= scheduler.clock() else _local(due)
        settings = self.context.settings
        self.due_label.setText(f"Next backup due: {when}, on this PC while Threadline is open. Afterwards, "
                               f"backups beyond the newest {settings.get('backup.keep')} that are older than "
                               f"{settings.get('backup.max_age_days')} days are pruned.")

    def _busy_now(self) -> bool:
        return self.scheduler is not None and self.scheduler.busy

    def _set_busy(self, busy: bool) -> None:
        # No Cancel: neither pg_dump/the SQLite backup nor the restore verification can stop half-way, and
        # the live database is never at risk while they run.
        self.progress.setVisible(busy)
        self.busy_label.setVisible(busy)
        self.backup_button.setEnabled(not busy)
        self.verify_button.setEnabled(not busy and bool(self.entries))


WORKSPACE = register(Workspace(key="backups", title="Backups", build=BackupPage, order=97,
                               tooltip="Back up the database, verify a restore, schedule backups",
                               allowed=lambda actor: actor.role is Role.ADMIN))
