"""Admin › Backups: Back up now makes a file that the list shows, Verify restore proves it complete, and the
schedule backs up (and prunes) when the newest backup is old enough — time driven by an injected clock."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.models import Role
from app.services import backup as backups
from app.ui.application import style_sheet
from app.ui.backup_page import BackupPage, BackupScheduler
from app.ui.workspaces import PageContext, workspaces
from tests.conftest import make_actor

WAIT_MS = 60_000  # a pg_dump + pg_restore on a busy 2-core CI machine


@pytest.fixture
def schedulers():
    made: list[BackupScheduler] = []

    def make(*args, **kwargs) -> BackupScheduler:
        made.append(BackupScheduler(*args, **kwargs))
        return made[-1]

    yield make
    for scheduler in made:  # the backup worker must be gone before the test's database is
        scheduler.stop()
        scheduler.runner.shutdown(wait=True)


@pytest.fixture
def folder(tmp_path, settings) -> Path:
    settings.set("backup.dir", str(tmp_path / "backups"))
    return tmp_path / "backups"


def _page(qtbot, factory, admin, runner, settings, scheduler) -> BackupPage:
    page = BackupPage(PageContext(factory, admin, runner, settings))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.listed, timeout=WAIT_MS):
        page.attach_backup_scheduler(scheduler)
    page.resize(1100, 520)
    page.show()
    return page


def test_back_up_now_then_verify_restore_complete(qtbot, qapp, db_url, factory, admin, runner, settings,
                                                  folder, schedulers):
    assert "backups" in [w.key for w in workspaces(admin)]
    assert "backups" not in [w.key for w in workspaces(make_actor(factory, admin, Role.OPERATOR))]
    page = _page(qtbot, factory, admin, runner, settings, schedulers(factory, settings))
    assert page.table.rowCount() == 0 and not page.verify_button.isEnabled()
    assert page.due_label.text() == "Scheduled backups are off on this PC."

    with qtbot.waitSignal(page.listed, timeout=WAIT_MS) as listed:
        qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
        assert page.progress.isVisible() and not page.backup_button.isEnabled()
    assert listed.args == [1]
    made = backups.list_backups(folder)
    assert len(made) == 1 and made[0][1].stat().st_size > 0
    kind = "SQLite" if db_url.startswith("sqlite") else "PostgreSQL"
    assert [page.table.item(0, c).text() for c in (2, 3)] == [kind, "not verified"]
    assert page.table.item(0, 0).text() == made[0][0].astimezone().strftime("%Y-%m-%d %H:%M")
    assert page.result_label.text().startswith("Backed up: ") and made[0][1].name in page.result_label.text()
    assert not page.progress.isVisible() and page.verify_button.isEnabled()

    with qtbot.waitSignal(page.verified, timeout=WAIT_MS) as verified:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
        assert page.progress.isVisible() and "scratch database" in page.busy_label.text()
    assert verified.args == [True]
    result = page.result_label.text()
    assert result.startswith("Complete: all ") and "tables restored with the same rows" in result
    qtbot.waitUntil(lambda: page.table.item(0, 3).text().startswith("✔ complete"), timeout=WAIT_MS)
    assert Path(str(made[0][1]) + ".verify.json").exists()

    shots = os.environ.get("BACKUP_SCREENSHOTS")
    if shots and db_url.startswith("sqlite"):
        qapp.setStyleSheet(style_sheet(12))
        try:
            page.every.setValue(24)
            qtbot.waitUntil(lambda: "Next backup due" in page.due_label.text(), timeout=WAIT_MS)
            page.grab().save(str(Path(shots) / "backup-page.png"))
        finally:
            qapp.setStyleSheet("")


def test_schedule_backs_up_when_due_and_prunes(qtbot, factory, admin, runner, settings, folder, schedulers):
    settings.set("backup.every_hours", 6)
    settings.set("backup.keep", 1)
    settings.set("backup.max_age_days", 0)
    now = [datetime.now(UTC)]
    scheduler = schedulers(factory, settings, clock=lambda: now[0], check_ms=20)
    started: list[bool] = []
    made: list[object] = []
    scheduler.backup_started.connect(started.append)
    scheduler.backup_made.connect(made.append)

    # No backup yet: due at once — the page's first look at the schedule already starts it.
    page = _page(qtbot, factory, admin, runner, settings, scheduler)
    scheduler.start()
    qtbot.waitUntil(lambda: len(made) == 1, timeout=WAIT_MS)
    assert started == [True] and made[0].result.path.exists()
    qtbot.waitUntil(lambda: scheduler.due is not None and scheduler.due > now[0], timeout=WAIT_MS)
    assert timedelta(hours=6) <= scheduler.due - now[0] < timedelta(hours=6, seconds=30)
    qtbot.waitUntil(lambda: "Next backup due: " in page.due_label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=WAIT_MS)

    # The timer keeps checking; not due, so nothing starts.
    checks: list[object] = []
    scheduler.due_known.connect(checks.append)
    qtbot.waitUntil(lambda: len(checks) >= 5, timeout=WAIT_MS)
    assert started == [True] and len(backups.list_backups(folder)) == 1

    # The clock the scheduler reads reaches the due time: the next backup, then pruning to the newest one.
    now[0] = scheduler.due
    qtbot.waitUntil(lambda: len(made) == 2, timeout=WAIT_MS)
    assert started == [True, True] and len(made[1].pruned) == 1
    assert len(backups.list_backups(folder)) == 1
    qtbot.waitUntil(lambda: page.table.rowCount() == 1 and "pruned" in page.result_label.text(),
                    timeout=WAIT_MS)

    # Off: the schedule says so and stops backing up.
    page.every.setValue(0)
    qtbot.waitUntil(lambda: page.due_label.text() == "Scheduled backups are off on this PC.", timeout=WAIT_MS)
    assert settings.get("backup.every_hours") == 0 and scheduler.due is None


def test_a_restore_whose_audit_trail_breaks_is_said_to_be_incomplete():
    from app.ui.backup_work import verdict

    report = {"complete": False, "tables": [{"table": "items", "ok": True}], "integrity": "ok",
              "audit_chain_ok": False, "audit_chain": "entry 41 was changed after it was written"}
    assert verdict(report) == ("Incomplete: the restored audit trail does not hold: entry 41 was changed after "
                               "it was written.")
