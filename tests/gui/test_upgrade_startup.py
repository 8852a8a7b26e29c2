"""Updating, as a person at the bench meets it: Threadline starts on a database an older version made, backs
it up, migrates it, shows the log-in and says once what changed and where the backup is; a database from a
newer Threadline is refused in words and left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import inspect, text

import app
from app.db import make_engine
from app.services import backup as backups
from app.services import schema
from app.ui.startup import EXIT_NOT_STARTED
from app.ui.startup_window import StartupWindow
from app.ui.whats_new import WhatsNewMessage
from tests.conftest import ADMIN_PASSWORD
from tests.gui.test_startup import log_in, startup_for  # noqa: F401 - startup_for is a fixture
from tests.test_upgrade import OLD, migrate_to, old_rows


@pytest.fixture
def old_database(db_url):
    """A database at OLD with its administrator, as the previous version left it; the engine is closed so
    the application is the only one holding it."""
    engine = make_engine(db_url)
    try:
        migrate_to(engine, OLD)
        old_rows(engine)
    finally:
        engine.dispose()
    return db_url


def test_an_update_migrates_after_a_backup_and_says_what_changed(qtbot, old_database, settings, tmp_path,
                                                                   startup_for):  # noqa: F811
    settings.set("app.last_version", "0.0.9")
    settings.set("backup.dir", str(tmp_path / "backups"))
    startup = startup_for(settings, old_database)
    startup.splash = StartupWindow()  # start() uses it; every status it is given is recorded
    statuses: list[str] = []
    set_status = startup.splash.set_status
    startup.splash.set_status = lambda status: (statuses.append(status), set_status(status))

    with qtbot.waitSignal(startup.message_shown, timeout=60_000) as shown:
        startup.start()

    assert statuses[-1] == "Backing up the database before upgrading it to this version …"
    box = shown.args[0]
    assert isinstance(box, WhatsNewMessage) and box.isVisible() and not box.isModal()
    assert startup.login is not None and startup.login.isVisible()  # the log-in is there, not blocked
    assert box.text() == f"Threadline was updated to version {app.__version__}"
    body = box.informativeText()
    assert "This PC ran version 0.0.9 before." in body and f"What changed in {app.__version__}" in body
    assert "work centres" in body  # a line of the shipped release notes
    assert f"upgraded from schema {OLD} to {schema.HEAD}" in body
    backup = startup.database.backup
    assert backup is not None and backup.parent == tmp_path / "backups" and str(backup) in body
    box.grab().save(str(tmp_path / "whats-new.png"))

    engine = make_engine(old_database)
    try:
        assert schema.current_revision(engine) == schema.HEAD and inspect(engine).has_table("user_work_centres")
    finally:
        engine.dispose()
    manifest = json.loads(Path(str(backup) + backups.MANIFEST_SUFFIX).read_text(encoding="utf-8"))
    assert "user_work_centres" not in manifest["tables"] and manifest["tables"]["users"]["rows"] == 1
    assert settings.get("app.last_version") == app.__version__  # said once

    with qtbot.waitSignal(box.finished):
        box.button(QMessageBox.StandardButton.Close).click()
    with qtbot.waitSignal(startup.main_window_shown, timeout=10_000) as opened:
        log_in(qtbot, startup.login, "admin", ADMIN_PASSWORD)
    assert opened.args[0].user_label.text() == "Ada Admin · Admin"


def test_the_next_start_of_the_same_version_says_nothing(qtbot, db_url, admin, settings, startup_for):  # noqa: F811
    settings.set("app.last_version", app.__version__)
    startup = startup_for(settings, db_url)
    shown: list[object] = []
    startup.message_shown.connect(shown.append)
    with qtbot.waitSignal(startup.login_shown, timeout=20_000):
        startup.start()
    assert shown == [] and startup.database.backup is None


def test_a_first_start_on_a_pc_says_nothing_but_remembers_the_version(qtbot, db_url, admin, settings,
                                                                        startup_for):  # noqa: F811
    startup = startup_for(settings, db_url)
    shown: list[object] = []
    startup.message_shown.connect(shown.append)
    with qtbot.waitSignal(startup.login_shown, timeout=20_000):
        startup.start()
    assert shown == [] and settings.get("app.last_version") == app.__version__


def test_a_database_from_a_newer_release_is_refused_and_left_alone(qtbot, old_database, settings, tmp_path,
                                                                   startup_for):  # noqa: F811
    engine = make_engine(old_database)
    try:
        with engine.begin() as conn:  # as a newer Threadline would leave it
            conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    finally:
        engine.dispose()
    settings.set("backup.dir", str(tmp_path / "backups"))
    startup = startup_for(settings, old_database)

    with qtbot.waitSignal(startup.message_shown, timeout=20_000) as shown:
        startup.start()

    box = shown.args[0]
    assert box.text() == "Threadline is too old for this database"
    assert "newer Threadline (schema 0099)" in box.informativeText()
    assert box.button(QMessageBox.StandardButton.Close) is not None
    assert box.button(QMessageBox.StandardButton.Retry) is None
    with qtbot.waitSignal(startup.finished) as finished:
        box.button(QMessageBox.StandardButton.Close).click()
    assert finished.args == [EXIT_NOT_STARTED]
    engine = make_engine(old_database)
    try:
        assert schema.current_revision(engine) == "0099" and not inspect(engine).has_table("user_work_centres")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
    finally:
        engine.dispose()
    assert not (tmp_path / "backups").exists()  # nothing to back up when nothing is migrated
