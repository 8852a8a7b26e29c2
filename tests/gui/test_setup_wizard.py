"""The first-run assistant as an IT technician meets it on a new bench PC: the embedded database with the
demo plant, or a shared PostgreSQL server (the local one, a fresh database per test) tested on the spot,
its first administrator, the station and work centre, a simulated scanner tested live, then the log-in.
And later the same assistant from Settings ▸ Station setup…."""

from __future__ import annotations

import json
import stat
import uuid
from collections.abc import Iterator

import keyring
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.config import Settings, default_db_url
from app.services import credentials
from app.services.permissions import SYSTEM
from app.services.station_setup import register_station
from app.services.users import add_user
from app.ui import setup_database_page
from app.ui.device_settings import DeviceConfig, load_devices
from app.ui.setup_wizard import ADMIN, DEVICES, STATION
from app.ui.startup import EXIT_OK, Startup
from app.models import AuditEvent, Role
from app.db import make_engine, make_session_factory
from tests.conftest import PG_URL
from tests.gui.conftest import DEMO_UNITS
from tests.gui.test_devices_gui import WAIT_MS, add_device, column
from tests.security.test_credentials import MemoryKeyring

REAL_KEYRING, REAL_KEYRING_AVAILABLE = credentials._keyring, credentials.keyring_available
NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton
PG = make_url(PG_URL)


@pytest.fixture
def new_pc(monkeypatch, tmp_path) -> Settings:
    """A bench PC on which Threadline never ran, without a keyring (as on this headless machine)."""
    monkeypatch.setenv("THREADLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THREADLINE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("THREADLINE_DB", raising=False)
    monkeypatch.delenv(credentials.ENV_PASSWORD, raising=False)
    monkeypatch.setattr(setup_database_page, "keyring_available", lambda: False)
    monkeypatch.setattr(credentials, "_keyring", lambda: None)
    settings = Settings()
    assert not settings.path.exists()
    return settings


@pytest.fixture
def server_database() -> Iterator[str]:
    """A fresh, empty database on the local PostgreSQL server, as IT would create one for Threadline."""
    name = f"w_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def starting(qtbot) -> Iterator[list[Startup]]:
    made: list[Startup] = []
    yield made
    for startup in made:
        startup._finish(EXIT_OK)
        startup.shutdown()


def station_audit(factory) -> list[tuple[str, str, str]]:
    """Who registered which station at which work centre, from the audit trail."""
    with factory() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.table_name == "stations",
                                                          AuditEvent.action == "create").order_by(AuditEvent.id))
        return [(e.username, e.new_values["name"], e.new_values["work_center"]) for e in events]


def first_start(qtbot, settings: Settings, made: list[Startup]):
    startup = Startup(settings)
    made.append(startup)
    with qtbot.waitSignal(startup.setup_shown, timeout=WAIT_MS) as shown:
        startup.start()
    wizard = shown.args[0]
    qtbot.waitExposed(wizard)
    return startup, wizard


def next_page(qtbot, wizard, expected: int) -> None:
    qtbot.waitUntil(wizard.button(NEXT).isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == expected


def click_choice(qtbot, button) -> None:
    """On the radio button's circle: a click in the empty width beside its text is not a click on it."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    assert button.isChecked()


def type_server(qtbot, page, database: str, password: str = "") -> None:
    click_choice(qtbot, page.server_choice)
    qtbot.keyClicks(page.host, PG.host)
    page.database.clear()
    qtbot.keyClicks(page.database, database)
    qtbot.keyClicks(page.user, PG.username)
    if password:
        qtbot.keyClicks(page.password, password)


def test_shared_server_new_database_admin_station_and_a_scanner(qtbot, new_pc, server_database, starting,
                                                                simulator, tmp_path):
    startup, wizard = first_start(qtbot, new_pc, starting)
    page = wizard.database_page
    assert page.embedded_choice.isChecked()  # the default: one bench, nothing to configure
    type_server(qtbot, page, server_database, password="bench-secret")
    assert not page.status.isVisible(), page.status.text()
    qtbot.waitUntil(lambda: "no keyring" in page.password_note.text(), timeout=WAIT_MS)  # asked off the GUI thread
    assert page.to_file.isVisible() and not page.to_file.isChecked()
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.choices.probe is not None, timeout=WAIT_MS)
    assert "an empty database" in page.status.text() and server_database in page.status.text()
    # Tested, but the password has nowhere safe to go yet: Next waits for an explicit choice.
    assert not wizard.button(NEXT).isEnabled()
    page.to_file.setChecked(True)
    wizard.grab().save(str(tmp_path / "setup-database.png"))
    next_page(qtbot, wizard, ADMIN)

    form = wizard.admin_page.form
    for field, value in ((form.username, "Jane.Doe"), (form.full_name, "Jane Doe"),
                         (form.password, "first-admin-1"), (form.repeated, "first-admin-2")):
        qtbot.keyClicks(field, value)
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == ADMIN and "differ" in form.error.text()
    form.repeated.clear()
    qtbot.keyClicks(form.repeated, "first-admin-1")
    next_page(qtbot, wizard, STATION)

    station = wizard.station_page
    station.name.setEditText("")
    qtbot.keyClicks(station.name.lineEdit(), "BENCH-7")
    assert not wizard.button(NEXT).isEnabled()  # a new station needs its work centre
    qtbot.keyClicks(station.work_centre.lineEdit(), "Final assembly")
    assert "BENCH-7 is new" in station.explain.text() and not station.login_form.isVisible()
    next_page(qtbot, wizard, DEVICES)

    devices = wizard.devices_page.devices
    sim = simulator()
    add_device(qtbot, devices, "bench scanner", sim.path, "scanner-cr")
    qtbot.mouseClick(devices.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: column(devices.devices, "State") == ["connected"], timeout=WAIT_MS)
    sim.send("]C0WO-10233")
    qtbot.waitUntil(lambda: column(devices.events, "Decoded")[:1] == ["]C0  WO-10233"], timeout=WAIT_MS)
    wizard.grab().save(str(tmp_path / "setup-devices.png"))
    assert not new_pc.path.exists()  # nothing is written before Finish

    with qtbot.waitSignal(startup.login_shown, timeout=60_000) as login:
        qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    saved = json.loads(new_pc.path.read_text())
    assert saved["db.url"] == f"postgresql+psycopg://{PG.username}@{PG.host}:{PG.port or 5432}/{server_database}"
    assert saved["station.name"] == "BENCH-7"
    assert load_devices(new_pc) == [DeviceConfig("bench scanner", "scanner-cr", sim.path)]
    # The password: in the file the technician opted into, readable by this login only, never in settings.
    secrets = credentials.password_file()
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert json.loads(secrets.read_text()) == {f"{PG.username}@{PG.host}:{PG.port or 5432}": "bench-secret"}
    assert "bench-secret" not in new_pc.path.read_text()

    engine = make_engine(saved["db.url"])
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT username, role FROM users")).all() == [("jane.doe", "admin")]
            assert conn.execute(text("SELECT name, work_center FROM stations")).all() == [
                ("BENCH-7", "Final assembly")]
        assert station_audit(make_session_factory(engine)) == [("jane.doe", "BENCH-7", "Final assembly")]
    finally:
        engine.dispose()

    dialog = login.args[0]
    qtbot.keyClicks(dialog.username, "jane.doe")
    qtbot.keyClicks(dialog.password, "first-admin-1")
    with qtbot.waitSignal(startup.main_window_shown, timeout=WAIT_MS) as opened:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert opened.args[0].windowTitle() == "Threadline — BENCH-7"


def test_embedded_database_with_the_demo_plant(qtbot, new_pc, starting):
    startup, wizard = first_start(qtbot, new_pc, starting)
    page = wizard.database_page
    qtbot.waitUntil(lambda: wizard.choices.probe is not None, timeout=WAIT_MS)  # a local file: no button
    assert "an empty database" in page.status.text() and page.demo_box.isChecked()
    next_page(qtbot, wizard, STATION)  # the demo plant brings its users: no administrator page
    station = wizard.station_page
    assert not station.name.isEditable() and station.name.count() == 14  # one of the demo plant's benches
    station.name.setCurrentText("TRN-PC1")
    assert station.work_centre.currentText() == "Turning" and not station.work_centre.isEnabled()
    next_page(qtbot, wizard, DEVICES)
    # The demo's size is a setting: set it small once the assistant wrote the settings file.
    wizard.applied.connect(lambda _summary: new_pc.set("demo.units_on_first_start", DEMO_UNITS))
    with qtbot.waitSignal(startup.login_shown, timeout=180_000) as login:
        qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    assert startup.database.url == default_db_url() and startup.demo_summary is not None
    assert "admin /" in login.args[0].hint.text()
    assert Settings().get("station.name") == "TRN-PC1" and Settings().get("db.url") == ""


def test_cancel_on_a_first_start_quits_and_writes_nothing(qtbot, new_pc, starting):
    startup, wizard = first_start(qtbot, new_pc, starting)
    with qtbot.waitSignal(startup.finished) as finished:
        wizard.button(QWizard.WizardButton.CancelButton).click()
    assert finished.args == [EXIT_OK] and not new_pc.path.exists()


@pytest.fixture
def server_with_users(server_database) -> str:
    url = f"postgresql+psycopg://{PG.username}@{PG.host}:{PG.port or 5432}/{server_database}"
    engine = make_engine(url)
    from app.services import schema

    schema.upgrade(engine, backup=False)
    factory = make_session_factory(engine)
    admin = add_user(factory, SYSTEM, username="ada", full_name="Ada Admin", role=Role.ADMIN,
                     password="admin-secret-1")
    add_user(factory, SYSTEM.__class__("ada", Role.ADMIN, admin.id), username="otto", full_name="Otto Operator",
             role=Role.OPERATOR, password="operator-pw-1")
    register_station(factory, SYSTEM, "TRN-PC1", "Turning")
    engine.dispose()
    return server_database


def test_a_new_bench_on_a_shared_database_is_registered_by_a_supervisor_or_admin(qtbot, new_pc, starting,
                                                                                  server_with_users):
    startup, wizard = first_start(qtbot, new_pc, starting)
    type_server(qtbot, wizard.database_page, server_with_users)
    qtbot.mouseClick(wizard.database_page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.choices.probe is not None, timeout=WAIT_MS)
    assert "1 station; it has users" in wizard.database_page.status.text()
    next_page(qtbot, wizard, STATION)  # users exist: no first administrator
    station = wizard.station_page
    assert [station.name.itemText(i) for i in range(station.name.count())] == ["TRN-PC1"]
    station.name.setEditText("")
    qtbot.keyClicks(station.name.lineEdit(), "TRN-PC2")
    qtbot.keyClicks(station.work_centre.lineEdit(), "turning")
    assert station.login_form.isVisible() and not wizard.button(NEXT).isEnabled()
    qtbot.keyClicks(station.username, "otto")  # an operator may not set benches up
    qtbot.keyClicks(station.password, "operator-pw-1")
    next_page(qtbot, wizard, DEVICES)
    qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    error = wizard.devices_page.error
    qtbot.waitUntil(error.isVisible, timeout=WAIT_MS)
    assert "may not set up stations" in error.text() and "were not changed" in error.text()
    assert wizard.isVisible() and not new_pc.path.exists()

    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    station.username.clear()
    station.password.clear()
    qtbot.keyClicks(station.username, "ada")
    qtbot.keyClicks(station.password, "admin-secret-1")
    next_page(qtbot, wizard, DEVICES)
    with qtbot.waitSignal(startup.login_shown, timeout=60_000):
        qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    engine = make_engine(Settings().db_url())
    try:
        with engine.connect() as conn:
            # The work centre as the database spells it, not as typed.
            assert conn.execute(text("SELECT name, work_center FROM stations ORDER BY name")).all() == [
                ("TRN-PC1", "Turning"), ("TRN-PC2", "Turning")]
    finally:
        engine.dispose()


def test_a_database_from_a_newer_threadline_cannot_be_chosen(qtbot, new_pc, starting, server_with_users):
    url = f"postgresql+psycopg://{PG.username}@{PG.host}:{PG.port or 5432}/{server_with_users}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    _startup, wizard = first_start(qtbot, new_pc, starting)
    type_server(qtbot, wizard.database_page, server_with_users)
    qtbot.mouseClick(wizard.database_page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.choices.probe is not None, timeout=WAIT_MS)
    status = wizard.database_page.status
    assert "newer Threadline (schema 9999)" in status.text() and status.objectName() == "errorLabel"
    assert not wizard.button(NEXT).isEnabled()


def test_a_wrong_server_is_a_sentence_and_next_stays_closed(qtbot, new_pc, starting):
    _startup, wizard = first_start(qtbot, new_pc, starting)
    page = wizard.database_page
    click_choice(qtbot, page.server_choice)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert "Fill in the server" in page.status.text()
    qtbot.keyClicks(page.host, "127.0.0.1")
    page.port.clear()
    qtbot.keyClicks(page.port, "1")
    qtbot.keyClicks(page.user, "nobody")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cannot open the database" in page.status.text(), timeout=20_000)
    assert not wizard.button(NEXT).isEnabled() and page.test_button.isEnabled()


def test_station_setup_from_the_settings_menu(qtbot, db_url, factory, admin, runner, settings):
    """Later, an administrator logged in on this bench: the same pages, filled with what the bench uses now;
    a new station is registered in their name, and the window follows at once."""
    from tests.gui.test_main_window import make_window

    register_station(factory, admin, "TRN-PC1", "Turning")
    settings.set("db.url", db_url)
    settings.set("station.name", "TRN-PC1")
    window = make_window(qtbot, db_url, factory, admin, runner, settings)
    assert window.setup_action.isVisible()
    wizard = window.open_station_setup()
    page = wizard.database_page
    assert page.embedded_choice.isChecked() == db_url.startswith("sqlite")
    qtbot.waitUntil(lambda: wizard.choices.probe is not None, timeout=WAIT_MS)  # what it uses now: tested
    assert "1 station; it has users" in page.status.text()
    next_page(qtbot, wizard, STATION)
    station = wizard.station_page
    assert station.name.currentText() == "TRN-PC1" and not station.work_centre.isEnabled()
    station.name.setEditText("")
    qtbot.keyClicks(station.name.lineEdit(), "TRN-PC9")
    qtbot.keyClicks(station.work_centre.lineEdit(), "Turning")
    assert not station.login_form.isVisible()  # the administrator at the keyboard registers it
    next_page(qtbot, wizard, DEVICES)
    with qtbot.waitSignal(wizard.applied, timeout=WAIT_MS):
        qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    assert settings.get("station.name") == "TRN-PC9" and settings.get("db.url") == db_url
    assert window.windowTitle() == "Threadline — TRN-PC9" and window.station_label.text() == "Station TRN-PC9"
    assert not hasattr(window, "setup_notice")  # the same database: nothing waits for a restart
    assert station_audit(factory) == [("admin", "TRN-PC1", "Turning"), ("admin", "TRN-PC9", "Turning")]


def test_the_settings_menu_is_for_administrators_and_supervisors(qtbot, db_url, factory, admin, runner,
                                                                 settings):
    from tests.conftest import make_actor
    from tests.gui.test_main_window import make_window

    operator = make_actor(factory, admin, Role.OPERATOR)
    window = make_window(qtbot, db_url, factory, operator, runner, settings)
    assert not window.setup_action.isVisible()


@pytest.fixture
def bench_keyring(new_pc, monkeypatch) -> Iterator[MemoryKeyring]:
    """`new_pc` with a working keyring, found by Threadline's own detection."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.setattr(credentials, "_keyring", REAL_KEYRING)
    monkeypatch.setattr(setup_database_page, "keyring_available", REAL_KEYRING_AVAILABLE)
    yield ring
    keyring.set_keyring(previous)


def test_with_a_keyring_the_password_goes_there_and_nowhere_else(qtbot, bench_keyring, new_pc, server_database,
                                                                 starting):
    startup, wizard = first_start(qtbot, new_pc, starting)
    page = wizard.database_page
    type_server(qtbot, page, server_database, password="bench-secret")
    qtbot.waitUntil(lambda: "kept in this PC's keyring" in page.password_note.text(), timeout=WAIT_MS)
    assert not page.to_file.isVisible()
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    next_page(qtbot, wizard, ADMIN)  # no extra choice to make: the keyring is there
    form = wizard.admin_page.form
    for field, value in ((form.username, "ada"), (form.password, "first-admin-1"), (form.repeated, "first-admin-1")):
        qtbot.keyClicks(field, value)
    next_page(qtbot, wizard, STATION)
    qtbot.keyClicks(wizard.station_page.work_centre.lineEdit(), "Turning")
    next_page(qtbot, wizard, DEVICES)
    with qtbot.waitSignal(startup.login_shown, timeout=60_000):
        qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    account = f"{PG.username}@{PG.host}:{PG.port or 5432}"
    assert bench_keyring.entries == {(credentials.SERVICE, account): "bench-secret"}
    assert not credentials.password_file().exists() and "bench-secret" not in new_pc.path.read_text()
    assert credentials.get_password(Settings().db_url()) == ("bench-secret", credentials.Stored(
        "keyring", credentials.keyring_name()))
