"""The start-up sequence: open the database, upgrade its schema, build the demo plant on a first start,
then log in and show the main window. Every slow step runs in the background helper while a small
window says what is happening; every failure becomes a sentence with a way on (Retry / Quit)."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from app.config import SETTINGS, Settings
from app.services.errors import DatabaseUnavailable, SchemaTooNew
from app.ui.startup_window import StartupWindow
from app.ui.tasks import TaskCancelled, TaskRunner, describe_error

if TYPE_CHECKING:
    from app.services.permissions import Actor
    from app.ui.login_dialog import LoginDialog
    from app.ui.main_window import MainWindow
    from app.ui.setup_admin_page import FirstAdminDialog
    from app.ui.setup_wizard import SetupWizard
    from app.ui.startup_work import OpenedDatabase

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_NOT_STARTED = 1


def _open_database(settings: Settings, override: str | None) -> OpenedDatabase:
    # Imported here, on the worker: SQLAlchemy, Alembic and the models load while the window paints.
    from app.ui.startup_work import open_database

    return open_database(settings, override)


def _build_demo(factory: Any, units: int, **control: Any) -> Any:
    from app.ui.startup_work import build_demo

    return build_demo(factory, units, **control)


def _preload_workspaces() -> None:
    from app.ui.workspaces import preload_services

    preload_services()


def demo_hint(logins: dict[str, Any], password: str) -> str:
    """'Demo logins: admin / threadline', then one user of each other role with the same password."""
    if not logins:
        return ""
    first = "admin" if "admin" in logins else next(iter(logins))
    others: dict[str, str] = {}
    for username, role in logins.items():
        label = str(getattr(role, "value", role)).replace("_", " ")
        if username != first and label not in others.values():
            others[username] = label
    also = " · ".join(f"{name} ({label})" for name, label in others.items())
    return f"<b>Demo logins: {first} / {password}</b>" + (f"<br>Same password for {also}" if also else "")


class Startup(QObject):
    """Drives the sequence; owns the background helper, the database and the top-level windows.

    Signals:
        login_shown(object): the LoginDialog, each time one opens.
        main_window_shown(object): the MainWindow, each time one opens.
        message_shown(object): a QMessageBox about to wait for an answer (tests click it).
        setup_shown(object): the SetupWizard of a first start on this PC.
        first_admin_shown(object): the FirstAdminDialog of a database without users.
        finished(int): the application should exit with this code.
    """

    login_shown = Signal(object)
    main_window_shown = Signal(object)
    message_shown = Signal(object)
    setup_shown = Signal(object)
    first_admin_shown = Signal(object)
    finished = Signal(int)

    def __init__(self, settings: Settings, db_url: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.db_url_override = db_url
        self.runner = TaskRunner(self)
        self.database: OpenedDatabase | None = None
        self.demo_summary: Any = None
        self.splash: StartupWindow | None = None
        self.progress: QProgressDialog | None = None
        self.message_box: QMessageBox | None = None
        self.login: LoginDialog | None = None
        self.window: MainWindow | None = None
        self.exit_code: int | None = None
        self.setup: SetupWizard | None = None
        self.first_admin: FirstAdminDialog | None = None

    # -- 1. database -----------------------------------------------------------------------------------

    def start(self) -> None:
        if self._first_start_on_this_pc():
            self._show_setup()
            return
        if self.splash is None:
            self.splash = StartupWindow()
        self.splash.set_status("Opening the database and checking its schema …")
        self.splash.show()
        self.runner.run(_open_database, self.settings, self.db_url_override, name="open_database",
                        on_done=self._database_opened, on_failed=self._database_failed)

    def _first_start_on_this_pc(self) -> bool:
        """No settings file and no database named on the command line or in the environment: ask first."""
        return (self.setup is None and not self.settings.path.exists() and not self.db_url_override
                and not os.environ.get(SETTINGS["db.url"].env or ""))

    def _show_setup(self) -> None:
        from app.ui.setup_wizard import SetupWizard

        self.setup = SetupWizard(self.settings, self.runner)
        self.setup.accepted.connect(self.start)
        self.setup.rejected.connect(lambda: self._finish(EXIT_OK))
        self.setup.show()
        self.setup.raise_()
        self.setup.activateWindow()
        self.setup_shown.emit(self.setup)

    def _ask_first_admin(self) -> None:
        """A database nobody can log in to (a new shared server): name its first administrator, then log in."""
        from app.db import describe_url
        from app.ui.setup_admin_page import FirstAdminDialog

        assert self.database is not None
        if self.splash is not None:
            self.splash.close()
        dialog = FirstAdminDialog(self.database.factory, self.runner, database=describe_url(self.database.url))
        dialog.created.connect(lambda _username: self._first_admin_created())
        dialog.rejected.connect(lambda: self._finish(EXIT_OK))
        self.first_admin = dialog
        dialog.show()
        self.first_admin_shown.emit(dialog)

    def _first_admin_created(self) -> None:
        assert self.database is not None
        self.database.has_users = True
        if self.first_admin is not None:
            self.first_admin.deleteLater()
            self.first_admin = None
        self._show_login()

    def _database_failed(self, error: BaseException) -> None:
        url = self._url_for_people()
        if isinstance(error, SchemaTooNew):
            self._ask("Threadline is too old for this database", str(error), f"Database URL: {url}",
                      QMessageBox.StandardButton.Close, self._quit_not_started)
            return
        title = ("Cannot open the database" if isinstance(error, DatabaseUnavailable)
                 else "Threadline could not start")
        self._ask(title, describe_error(error), f"Database URL: {url}",
                  QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Close,
                  lambda button: self.start() if button == QMessageBox.StandardButton.Retry
                  else self._quit_not_started())

    def _url_for_people(self) -> str:
        try:
            return _hide_password(self.settings.db_url(self.db_url_override))
        except Exception:  # noqa: BLE001 - the URL itself may be what is broken
            return self.db_url_override or "(the configured database)"

    def _upgrade_database(self) -> None:
        """A database with data on an older schema: back it up and migrate it (a second worker step, so the
        window says so meanwhile), then carry on in `_database_opened`; a failure is a sentence with Retry."""
        from app.ui.startup_work import upgrade_database

        if self.splash is not None:
            self.splash.set_status("Backing up the database before upgrading it to this version …")
        self.runner.run(upgrade_database, self.database, self.settings, name="upgrade_database",
                        on_done=self._database_opened, on_failed=self._database_failed)

    def _announce_update(self) -> None:
        """Once per new version on this PC, or after a schema migration: what changed, where the backup is.
        Beside the log-in, not in its way; `message_shown` hands it to tests."""
        from app import __version__
        from app.services.release_notes import update_notice
        from app.ui.whats_new import WhatsNewMessage

        assert self.database is not None
        last = self.settings.get("app.last_version") or None
        notice = update_notice(last, __version__, backup=self.database.backup,
                               migrated_from=self.database.upgrade_from if self.database.upgraded else None)
        if last != __version__:
            try:
                self.settings.set("app.last_version", __version__)
            except OSError as exc:  # a read-only settings folder must not stop the log-in
                log.warning("Could not remember the version in %s: %s", self.settings.path, exc)
        if notice is None:
            return
        box = WhatsNewMessage(notice)
        box.finished.connect(box.deleteLater)
        box.show()
        self.update_message = box
        self.message_shown.emit(box)

    def _database_opened(self, database: OpenedDatabase) -> None:
        self.database = database
        if database.upgrade_from is not None and not database.upgraded:
            self._upgrade_database()
            return
        if database.backup:
            log.info("Schema upgraded; backup of the previous database at %s", database.backup)
        if database.has_users:
            self._show_login()
            self._announce_update()
        elif database.embedded:
            self._build_demo()
        else:
            self._ask_first_admin()

    # -- 2. demo plant on a first start ------------------------------------------------------------------

    def _build_demo(self) -> None:
        assert self.database is not None
        units = int(self.settings.get("demo.units_on_first_start"))
        if self.splash:
            self.splash.set_status("First start: building a demo plant to explore …")
        self.progress = QProgressDialog(f"First start on this PC: building a demo plant with {units} finished "
                                        "parts,\nso there is something real to look up.", "Cancel", 0, units)
        self.progress.setWindowTitle("Threadline — first start")
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.progress.setMinimumWidth(560)
        task = self.runner.run(_build_demo, self.database.factory, units, name="build_demo",
                               reports_progress=True, on_done=self._demo_built, on_failed=self._demo_failed,
                               on_progress=self._demo_progressed)
        self.progress.canceled.connect(task.cancel)
        self.progress.canceled.connect(lambda: self.progress and self.progress.setLabelText(
            "Stopping … nothing half-built is kept."))
        self.progress.show()

    def _demo_progressed(self, done: int, total: int) -> None:
        if self.progress is not None and not self.progress.wasCanceled():
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(min(done, total))

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _demo_built(self, summary: Any) -> None:
        self._close_progress()
        self.demo_summary = summary
        from app.services.demo import DEMO_PASSWORD

        assert self.database is not None
        self.database.demo_logins = dict(summary.logins)
        self.database.has_users = True
        self._show_login(hint=demo_hint(self.database.demo_logins, DEMO_PASSWORD))

    def _demo_failed(self, error: BaseException) -> None:
        self._close_progress()
        from app.services.demo import DemoCancelled

        if isinstance(error, (DemoCancelled, TaskCancelled)):
            reason = str(error) if isinstance(error, DemoCancelled) else "Building the demo plant was cancelled."
            self._ask("The demo plant was not built", reason,
                      "Start Threadline again to build it. To start with an empty database instead, create "
                      "the first administrator on the command line:\n\nthreadline user add --role admin "
                      "--full-name \"Your Name\" your.name",
                      QMessageBox.StandardButton.Close, lambda _button: self._finish(EXIT_OK))
            return
        self._ask("The demo plant could not be built", describe_error(error), "",
                  QMessageBox.StandardButton.Close, self._quit_not_started)

    # -- 3. log in, 4. main window -----------------------------------------------------------------------

    def _show_login(self, hint: str = "") -> None:
        from app.db import describe_url
        from app.ui.login_dialog import LoginDialog

        assert self.database is not None
        if self.splash is not None:
            self.splash.close()
        self.login = LoginDialog(self.database.factory, self.runner, database=describe_url(self.database.url),
                                 demo_hint=hint or self._remembered_hint())
        self.login.logged_in.connect(self._logged_in)
        self.login.rejected.connect(lambda: self._finish(EXIT_OK))
        self.login.show()
        self.login.raise_()
        self.login.activateWindow()
        self.login_shown.emit(self.login)
        # While the password is typed, the worker imports what the workspaces will need.
        self.runner.run(_preload_workspaces, name="preload")

    def _remembered_hint(self) -> str:
        """On a demo plant (built now, or on an earlier start) the hint names the demo logins."""
        if self.database and self.database.demo_logins:
            from app.services.demo import DEMO_PASSWORD

            return demo_hint(self.database.demo_logins, DEMO_PASSWORD)
        return ""

    def _logged_in(self, actor: Actor) -> None:
        from app.db import describe_url
        from app.ui.main_window import MainWindow
        from app.ui.workspaces import PageContext

        assert self.database is not None
        if self.login is not None:
            self.login.deleteLater()
            self.login = None
        context = PageContext(self.database.factory, actor, self.runner, self.settings)
        self.window = MainWindow(context, database=describe_url(self.database.url),
                                 station=self.settings.station_name())
        self.window.logged_out.connect(self._logged_out)
        self.window.quit_requested.connect(lambda: self._finish(EXIT_OK))
        self.window.resize(1440, 900)
        self.window.showMaximized()
        self.window.raise_()
        self.window.activateWindow()
        self.main_window_shown.emit(self.window)

    def _logged_out(self) -> None:
        if self.window is not None:
            self.window.deleteLater()
            self.window = None
        self._show_login()

    # -- ending ------------------------------------------------------------------------------------------

    def _ask(self, title: str, text: str, detail: str, buttons: QMessageBox.StandardButton, then) -> None:
        if self.splash is not None:
            self.splash.hide()
        box = QMessageBox(QMessageBox.Icon.Warning, f"Threadline — {title}", title, buttons)
        box.setInformativeText(text + (f"\n\n{detail}" if detail else ""))
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.finished.connect(lambda _result: (then(_answer(box)), box.deleteLater()))
        self.message_box = box
        box.open()
        self.message_shown.emit(box)

    def _quit_not_started(self, _button: Any = None) -> None:
        self._finish(EXIT_NOT_STARTED)

    def _finish(self, code: int) -> None:
        if self.exit_code is not None:
            return
        self.exit_code = code
        for widget in (self.splash, self.setup, self.first_admin, self.login, self.window):
            if widget is not None:
                widget.close()
        self.finished.emit(code)

    def shutdown(self) -> None:
        """After the event loop: stop the worker and let go of the database."""
        self.runner.shutdown(wait=True)
        if self.database is not None:
            self.database.engine.dispose()


def _answer(box: QMessageBox) -> QMessageBox.StandardButton:
    clicked = box.clickedButton()
    return box.standardButton(clicked) if clicked is not None else QMessageBox.StandardButton.NoButton


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - show what we were given rather than nothing
        return url
