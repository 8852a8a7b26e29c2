"""The start-up sequence as a person meets it: a first start builds the demo and reaches the log-in;
a database that cannot be opened is a sentence with Retry / Close, never a traceback."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.config import Settings, default_db_url
from app.ui.startup import EXIT_NOT_STARTED, EXIT_OK, Startup
from tests.conftest import ADMIN_PASSWORD
from tests.gui.conftest import DEMO_UNITS

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


@pytest.fixture
def embedded(monkeypatch, tmp_path) -> Settings:
    """A PC on which Threadline never ran: empty data and config directories."""
    monkeypatch.setenv("THREADLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THREADLINE_CONFIG_DIR", str(tmp_path / "config"))
    settings = Settings()
    settings.set("demo.units_on_first_start", DEMO_UNITS)
    return settings


@pytest.fixture
def startup_for(qtbot):
    made: list[Startup] = []

    def make(settings: Settings, db_url: str | None = None) -> Startup:
        startup = Startup(settings, db_url)
        made.append(startup)
        return startup

    yield make
    for startup in made:
        startup._finish(EXIT_OK)
        startup.shutdown()


def log_in(qtbot, dialog, username: str, password: str) -> None:
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_first_start_builds_the_demo_and_reaches_the_login(qtbot, embedded, startup_for):
    from app.services.demo import DEMO_PASSWORD

    startup = startup_for(embedded)
    with qtbot.waitSignal(startup.login_shown, timeout=180_000) as shown:
        startup.start()
        qtbot.waitUntil(lambda: startup.progress is not None or startup.login is not None, timeout=30_000)
    dialog = shown.args[0]
    assert startup.database.url == default_db_url() and startup.database.embedded
    assert startup.demo_summary is not None
    assert f"admin / {DEMO_PASSWORD}" in dialog.hint.text() and dialog.hint.isVisible()
    with qtbot.waitSignal(startup.main_window_shown, timeout=10_000) as opened:
        log_in(qtbot, dialog, "admin", DEMO_PASSWORD)
    window = opened.args[0]
    page = window.pages.currentWidget()
    qtbot.waitUntil(page.scan_field.hasFocus)
    # Log out comes back to the log-in, still with the demo hint; Quit ends with 0.
    with qtbot.waitSignal(startup.login_shown) as again:
        window.logout_action.trigger()
    assert "admin /" in again.args[0].hint.text()
    with qtbot.waitSignal(startup.finished) as finished:
        again.args[0].quit_button.click()
    assert finished.args == [EXIT_OK]


def test_cancelling_the_demo_quits_politely(qtbot, embedded, startup_for):
    embedded.set("demo.units_on_first_start", 2000)
    startup = startup_for(embedded)
    startup.start()
    qtbot.waitUntil(lambda: startup.progress is not None, timeout=30_000)
    cancel = startup.progress.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    with qtbot.waitSignal(startup.message_shown, timeout=60_000) as shown:
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    box = shown.args[0]
    assert box.text() == "The demo plant was not built"
    assert "nothing was saved" in box.informativeText()
    assert "threadline user add --role admin" in box.informativeText()
    with qtbot.waitSignal(startup.finished) as finished:
        box.button(QMessageBox.StandardButton.Close).click()
    assert finished.args == [EXIT_OK]


def test_an_unreachable_database_is_a_sentence_with_retry(qtbot, settings, startup_for):
    startup = startup_for(settings, UNREACHABLE)
    with qtbot.waitSignal(startup.message_shown, timeout=20_000) as shown:
        startup.start()
    box = shown.args[0]
    assert box.text() == "Cannot open the database"
    assert "Cannot open the database PostgreSQL 127.0.0.1:1/none" in box.informativeText()
    assert "Check that the server is running" in box.informativeText()
    assert "Traceback" not in box.informativeText()
    with qtbot.waitSignal(startup.message_shown, timeout=20_000) as again:
        box.button(QMessageBox.StandardButton.Retry).click()
    with qtbot.waitSignal(startup.finished) as finished:
        again.args[0].button(QMessageBox.StandardButton.Close).click()
    assert finished.args == [EXIT_NOT_STARTED]


def test_no_users_on_a_shared_database_asks_for_the_first_administrator(qtbot, db_url, settings, startup_for):
    startup = startup_for(settings, db_url)
    with qtbot.waitSignal(startup.first_admin_shown, timeout=20_000) as shown:
        startup.start()
    dialog = shown.args[0]
    assert dialog.isVisible() and startup.demo_summary is None
    form = dialog.form
    for field, value in ((form.username, "ops.lead"), (form.full_name, "Olga Lead"), (form.password, "short"),
                         (form.repeated, "short")):
        qtbot.keyClicks(field, value)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "too short" in form.error.text() and dialog.isVisible()
    for field in (form.password, form.repeated):
        field.clear()
        qtbot.keyClicks(field, "ops-lead-pw-1")
    with qtbot.waitSignal(startup.login_shown, timeout=20_000) as login:
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(startup.main_window_shown, timeout=10_000) as opened:
        log_in(qtbot, login.args[0], "ops.lead", "ops-lead-pw-1")
    assert opened.args[0].user_label.text() == "Olga Lead · Admin"


def test_quitting_instead_of_naming_the_first_administrator(qtbot, db_url, settings, startup_for):
    startup = startup_for(settings, db_url)
    with qtbot.waitSignal(startup.first_admin_shown, timeout=20_000) as shown:
        startup.start()
    with qtbot.waitSignal(startup.finished) as finished:
        shown.args[0].quit_button.click()
    assert finished.args == [EXIT_OK]


def test_an_existing_database_goes_straight_to_the_login(qtbot, db_url, admin, settings, startup_for):
    startup = startup_for(settings, db_url)
    with qtbot.waitSignal(startup.login_shown, timeout=20_000) as shown:
        startup.start()
    dialog = shown.args[0]
    assert not dialog.hint.isVisible()
    with qtbot.waitSignal(startup.main_window_shown, timeout=10_000) as opened:
        log_in(qtbot, dialog, "admin", ADMIN_PASSWORD)
    assert opened.args[0].user_label.text() == "Ada Admin · Admin"
