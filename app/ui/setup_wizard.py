"""The station-setup assistant: on the first start of a bench PC, and later from Settings ▸ Station setup….
Database (tested on the spot) → first administrator (only a database without users) → station and work
centre → devices (ports, profiles, live test). Finish applies everything on the worker and writes the
settings only once that succeeded, so a failure or Cancel leaves the PC as it was."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from app.config import Settings
from app.services.permissions import SYSTEM, Actor
from app.services.station_setup import StationChoice
from app.ui.device_settings import save_devices
from app.ui.devices_page import DevicesPage
from app.ui.setup_admin_page import AdminPage
from app.ui.setup_database_page import DatabasePage
from app.ui.setup_station_page import StationPage
from app.ui.setup_work import Applied, SetupChoices, apply_choices, save_choices
from app.ui.tasks import TaskRunner, describe_error
from app.ui.workspaces import PageContext

DATABASE, ADMIN, STATION, DEVICES = range(4)
# Drop-downs as tall as the fields beside them (the application style sheet sizes line edits only).
WIZARD_STYLE = "#setupWizard QComboBox { min-height: 34px; padding: 4px 10px; }"


class DevicesSetupPage(QWizardPage):
    """The Devices page itself (ports, profile per device, live test), saved when the assistant finishes."""

    def __init__(self, settings: Settings, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Which devices are connected to this bench?")
        self.setSubTitle("Add each serial scanner, RFID reader or gauge, then Test devices and scan: what "
                         "arrives shows decoded. Keyboard-wedge scanners need nothing here; you may skip this.")
        # No database on this page: the Devices page reads and writes this PC's settings only.
        self.devices = DevicesPage(PageContext(None, SYSTEM, runner, settings))  # type: ignore[arg-type]
        self.devices.save_button.hide()  # Finish saves
        for widget in self.devices.heading:
            widget.hide()
        self.devices.layout().setContentsMargins(0, 0, 0, 0)
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.devices, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:
        self.devices.activated()

    def cleanupPage(self) -> None:
        self.devices.close_test()


class SetupWizard(QWizard):
    """Signals:
        applied(object): Finish succeeded; the `Applied` summary (the settings are written).
    """

    applied = Signal(object)

    def __init__(self, settings: Settings, runner: TaskRunner, *, actor: Actor | None = None,
                 current_url: str = "", parent: QWidget | None = None) -> None:
        """`actor` and `current_url`: Settings ▸ Station setup, by whom and on which open database."""
        super().__init__(parent)
        self.settings, self.runner = settings, runner
        self.choices = self._initial_choices(settings, actor)
        self.choices.current_url = current_url
        self.result_summary: Applied | None = None
        self.applying = False
        self.setObjectName("setupWizard")
        self.setStyleSheet(WIZARD_STYLE)
        self.setWindowTitle("Threadline — Set up this bench" if actor is None else "Threadline — Station setup")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setMinimumSize(1000, 760)
        self.resize(1200, 860)
        self.database_page = DatabasePage(self.choices, runner)
        self.admin_page = AdminPage(self.choices)
        self.station_page = StationPage(self.choices)
        self.devices_page = DevicesSetupPage(settings, runner)
        for page_id, page in ((DATABASE, self.database_page), (ADMIN, self.admin_page),
                              (STATION, self.station_page), (DEVICES, self.devices_page)):
            self.setPage(page_id, page)
        self.setStartId(DATABASE)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Finish" if actor else "Finish and start")

    @staticmethod
    def _initial_choices(settings: Settings, actor: Actor | None) -> SetupChoices:
        url = settings.get("db.url")
        choices = SetupChoices(embedded=not url or url.startswith("sqlite"), url=url,
                               sslmode=settings.get("db.sslmode"),
                               demo=actor is None, actor=actor)
        choices.station = StationChoice(settings.get("station.name"))
        return choices

    def nextId(self) -> int:
        current = self.currentId()
        if current == DATABASE:
            return ADMIN if self.choices.needs_admin else STATION
        if current == ADMIN:
            return STATION
        if current == STATION:
            return DEVICES
        return -1

    # -- Finish ------------------------------------------------------------------------------------------

    def accept(self) -> None:
        """Apply on the worker; the assistant stays open (and says why) until that succeeded."""
        if self.applying:
            return
        self.applying = True
        self._set_busy(True)
        self.devices_page.devices.close_test()
        self.runner.run(apply_choices, self.choices, name="apply_setup", owner=self, on_done=self._applied,
                        on_failed=self._apply_failed)

    def _applied(self, summary: Applied) -> None:
        self.applying = False
        self._set_busy(False)
        try:
            save_choices(self.settings, self.choices)
            save_devices(self.settings, self.devices_page.devices.devices.configs())
        except Exception as exc:  # noqa: BLE001 - a full disk or a read-only folder: say it, keep the page
            self._show_error(f"The settings could not be written: {describe_error(exc)}")
            return
        self.result_summary = summary
        self.applied.emit(summary)
        super().accept()

    def _apply_failed(self, error: BaseException) -> None:
        self.applying = False
        self._set_busy(False)
        self._show_error(describe_error(error))

    def _show_error(self, text: str) -> None:
        error = self.devices_page.error
        error.setText(f"{text}\n\nThe settings of this PC were not changed.")
        error.show()

    def _set_busy(self, busy: bool) -> None:
        for which in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
                      QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)
        self.devices_page.error.hide()
        self.setButtonText(QWizard.WizardButton.FinishButton, "Setting up …" if busy else
                           ("Finish" if self.choices.actor else "Finish and start"))
