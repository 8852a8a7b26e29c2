"""The desktop application: one QApplication with Threadline's font and style, then the start-up
sequence (`app.ui.startup`) and the event loop."""

from __future__ import annotations

import logging
import sys
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

import app
from app.config import SETTINGS, Settings, SettingsError

if TYPE_CHECKING:
    from app.devices.reader import Backoff
    from app.ui.main_window import MainWindow
    from app.ui.startup import Startup

log = logging.getLogger(__name__)


def style_sheet(base_pt: int) -> str:
    """The application style sheet with its sizes scaled from the base font size."""
    text = (resources.files("app") / "resources" / "threadline.qss").read_text(encoding="utf-8")
    sizes = {"base": base_pt, "small": base_pt * 0.85, "medium": base_pt * 1.2, "large": base_pt * 1.4,
             "huge": base_pt * 1.75}
    return Template(text).substitute({name: f"{value:.1f}pt" for name, value in sizes.items()})


def app_icon() -> QIcon:
    return QIcon(str(resources.files("app") / "resources" / "threadline.svg"))


def configure(application: QApplication, settings: Settings | None) -> None:
    """Name, font and style: what makes every window readable at arm's length."""
    application.setApplicationName("Threadline")
    application.setApplicationDisplayName("Threadline")
    application.setOrganizationName("Threadline")
    application.setApplicationVersion(app.__version__)
    application.setWindowIcon(app_icon())
    base = settings.get("ui.font_point_size") if settings else SETTINGS["ui.font_point_size"].default
    base = min(max(int(base), 8), 32)
    font = QFont(application.font())
    font.setPointSizeF(base)
    application.setFont(font)
    application.setStyle("Fusion")  # the same look on every bench PC, whatever its desktop theme
    application.setStyleSheet(style_sheet(base))
    # The start-up sequence and the main window decide when to quit, not the last closed window.
    application.setQuitOnLastWindowClosed(False)


def start_station_devices(application: QApplication, settings: Settings, window: MainWindow, *,
                          backoff: Backoff | None = None) -> None:
    """After log-in: the station's configured devices start and the keyboard-wedge filter goes in, both
    for this window; when it logs out or quits, the readers are stopped and the filter taken out."""
    from app.ui.device_adapter import StationDevices
    from app.ui.device_settings import load_devices, resolve_devices, station_profiles, wedge_settings
    from app.ui.wedge_filter import WedgeFilter

    devices = StationDevices(parent=window) if backoff is None else StationDevices(backoff=backoff,
                                                                                   parent=window)
    devices.configure(*resolve_devices(load_devices(settings), station_profiles(settings)))
    wedge_config = wedge_settings(settings)
    wedge = None
    if wedge_config.enabled:
        wedge = WedgeFilter(wedge_config.timing, gs_substitute=wedge_config.gs_substitute, parent=window)
        application.installEventFilter(wedge)
    window.attach_devices(devices, wedge)

    def stop() -> None:
        if wedge is not None:
            application.removeEventFilter(wedge)
        devices.close()

    window.logged_out.connect(stop)
    window.quit_requested.connect(stop)
    devices.start()


def walk_setup_with_defaults(wizard: Any) -> None:
    """`--smoke-test` on a first start: Next through the set-up assistant as it comes (the embedded database
    with its demo plant), the way a newcomer presses Next, Next, Finish; each page's background check first."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWizard

    def step() -> None:
        if not wizard.isVisible():
            return
        page = wizard.currentPage()
        if wizard.applying or page is None or not page.isComplete():
            QTimer.singleShot(50, step)
            return
        if wizard.nextId() == -1:
            print("smoke test: set-up assistant finished with its defaults", flush=True)
            wizard.button(QWizard.WizardButton.FinishButton).click()
            return
        wizard.next()
        QTimer.singleShot(50, step)

    QTimer.singleShot(0, step)


def drive_smoke_test(startup: Startup) -> None:
    """`--smoke-test`: log in as the demo admin, print and exit 0 once the main window is shown; any message
    box (a failure) prints and exits 1. Only the demo plant's known login is used, never a real one."""
    from app.services.demo import DEMO_PASSWORD

    def login(dialog: Any) -> None:
        if not (startup.database and startup.database.demo_logins):
            print("smoke test: not a demo database, nobody to log in as", file=sys.stderr)
            startup._finish(2)
            return
        dialog.username.setText("admin")
        dialog.password.setText(DEMO_PASSWORD)
        dialog.submit()

    def shown(window: Any) -> None:
        print(f"smoke test: main window shown: {window.windowTitle()}", flush=True)
        startup._finish(0)

    def failed(*exc_info: Any) -> None:  # an exception in a slot would otherwise leave the test hanging
        sys.__excepthook__(*exc_info)
        startup._finish(1)

    sys.excepthook = failed
    startup.setup_shown.connect(walk_setup_with_defaults)
    startup.login_shown.connect(login)
    startup.main_window_shown.connect(shown)
    startup.message_shown.connect(lambda box: (print(f"smoke test: {box.text()}: {box.informativeText()}",
                                                     file=sys.stderr), startup._finish(1)))


def run(db_url: str | None = None, *, smoke_test: bool = False) -> int:
    """Start the GUI; `db_url` is the `--db` value from the command line, if any."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if QApplication.instance() is None:
        # 125 % and 150 % Windows scaling stay sharp instead of rounding to 100 % or 200 %.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    application = QApplication.instance() or QApplication(sys.argv)
    try:
        settings: Settings | None = Settings()
    except SettingsError as exc:
        settings = None
        configure(application, None)
        QMessageBox.critical(None, "Threadline — settings", str(exc))
        return 1
    configure(application, settings)

    from app.ui.gc_timer import GuiThreadCollector
    from app.ui.startup import Startup  # after the style: the first window appears styled

    collector = GuiThreadCollector(parent=application)
    collector.start()
    startup = Startup(settings, db_url)
    if smoke_test:
        drive_smoke_test(startup)
    startup.main_window_shown.connect(lambda window: start_station_devices(application, settings, window))
    startup.finished.connect(application.exit)
    startup.start()
    try:
        code = application.exec()
    finally:
        startup.shutdown()
        collector.stop()
    return code if startup.exit_code is None else startup.exit_code
