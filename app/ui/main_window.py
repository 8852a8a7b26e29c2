"""The main window: workspaces on the left, the current one on the right, and a status bar that always
says which database, which user and which station this is."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import app
from app.models import Role
from app.services.permissions import Action, allowed
from app.trace import Direction
from app.ui.idle_watch import IdleWatch
from app.ui.workspaces import PageContext, Workspace, workspaces

if TYPE_CHECKING:
    from app.devices.events import DeviceEvent
    from app.services.permissions import Actor
    from app.ui.device_adapter import StationDevices
    from app.ui.lock_screen import LockScreen
    from app.ui.wedge_filter import WedgeFilter


class MainWindow(QMainWindow):
    """Signals:
        logged_out(): the user chose Log out; the window closes itself afterwards.
        quit_requested(): the user chose Quit.
        user_switched(object): another user's `Actor` unlocked the locked window; the workspaces restarted
            for them.
    """

    logged_out = Signal()
    quit_requested = Signal()
    user_switched = Signal(object)

    def __init__(self, context: PageContext, *, database: str, station: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.context = context
        self.setWindowTitle(f"Threadline — {station}")
        self._leaving = False
        self.devices: StationDevices | None = None
        self.wedge: WedgeFilter | None = None

        self.navigation = QListWidget(objectName="navigation")
        self.navigation.setIconSize(QSize(24, 24))
        self.navigation.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the keyboard
        self.pages = QStackedWidget()
        self.workspaces: list[Workspace] = []
        self._built: dict[str, QWidget] = {}
        self._go_actions: list[QAction] = []
        self.navigation.currentRowChanged.connect(self._show_row)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._navigation_panel())
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar(database, station)
        # Scheduled backups (backup.every_hours) run while the app is open, whoever is logged in.
        from app.ui.backup_page import BackupScheduler

        self.backup_scheduler = BackupScheduler(context.factory, context.settings, parent=self)
        self.backup_scheduler.backup_failed.connect(self.show_scan_problem)
        self._open_workspaces()
        self.backup_scheduler.start()
        # A shared bench PC locks itself when left alone (session.idle_lock_minutes; 0 means never).
        self.lock_screen: LockScreen | None = None
        minutes = float(context.settings.get("session.idle_lock_minutes"))
        self.idle_watch = IdleWatch(round(minutes * 60_000), parent=self)
        self.idle_watch.idled.connect(self.lock)
        self.idle_watch.start()

    def _open_workspaces(self) -> None:
        """The workspaces this user may use, in the navigation and the Go menu; pages are built when first
        shown."""
        self.unlock_action.setVisible(self.context.actor.role is Role.ADMIN)
        self.setup_action.setVisible(allowed(self.context.actor, Action.SET_UP_STATIONS))
        self.workspaces = workspaces(self.context.actor)
        for workspace in self.workspaces:
            item = QListWidgetItem(workspace.title)
            item.setToolTip(workspace.tooltip)
            item.setData(Qt.ItemDataRole.UserRole, workspace.key)
            self.navigation.addItem(item)
            action = QAction(workspace.title, self)
            if workspace.shortcut:
                action.setShortcut(QKeySequence(workspace.shortcut))
            action.triggered.connect(lambda _checked=False, key=workspace.key: self.show_workspace(key))
            self.go_menu.addAction(action)
            self.addAction(action)
            self._go_actions.append(action)
        if self.workspaces:
            # Operators live at the station all shift; everyone else starts by looking things up.
            keys = [w.key for w in self.workspaces]
            first = "station" if self.context.actor.role is Role.OPERATOR and "station" in keys else keys[0]
            self.navigation.setCurrentRow(keys.index(first))

    def _navigation_panel(self) -> QWidget:
        panel = QWidget(objectName="navigationPanel")
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        icon = QLabel(objectName="brandIcon")
        icon.setPixmap(QApplication.windowIcon().pixmap(QSize(30, 30), self.devicePixelRatio()))
        brand = QHBoxLayout()
        brand.setSpacing(10)
        brand.addWidget(icon)
        brand.addWidget(QLabel("Threadline", objectName="brand"), 1)
        footer = QLabel(f"Version {app.__version__}", objectName="navigationFooter")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(brand)
        layout.addWidget(self.navigation, 1)
        layout.addWidget(footer)
        return panel

    # -- workspaces ------------------------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page of a workspace, built on first use."""
        if key not in self._built:
            workspace = next(w for w in self.workspaces if w.key == key)
            widget = workspace.build(self.context)
            self._hand_devices(widget)
            attach_scheduler = getattr(widget, "attach_backup_scheduler", None)
            if callable(attach_scheduler):  # the Backups page shows and drives the window's schedule
                attach_scheduler(self.backup_scheduler)
            trace_requested = getattr(widget, "trace_requested", None)
            if trace_requested is not None:  # e.g. a point on an SPC chart: show that part's reverse trace
                trace_requested.connect(self.open_trace)
            self._built[key] = widget
            self.pages.addWidget(widget)
        return self._built[key]

    def show_workspace(self, key: str) -> QWidget:
        row = next(n for n, w in enumerate(self.workspaces) if w.key == key)
        if row == self.navigation.currentRow():
            self._show_row(row)  # already there: still hand it the keyboard, as if freshly opened
        else:
            self.navigation.setCurrentRow(row)
        return self._built[key]

    def open_trace(self, identifier: str) -> None:
        """Switch to Trace and trace `identifier` backwards (where did this part come from?)."""
        if not any(w.key == "trace" for w in self.workspaces):
            return
        page = self.show_workspace("trace")
        page.direction.set_direction(Direction.REVERSE)
        page.scan_field.setText(identifier)
        page.trace(identifier)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        widget = self.page(self.workspaces[row].key)
        self.pages.setCurrentWidget(widget)
        activated = getattr(widget, "activated", None)
        if callable(activated):
            activated()

    # -- devices ---------------------------------------------------------------------------------------

    def attach_devices(self, devices: StationDevices, wedge: WedgeFilter | None = None) -> None:
        """The station's devices: a state label each in the status bar, their scans (and keyboard-wedge
        scans) to the current page; pages that show devices get them too."""
        from app.ui.widgets.device_status import DeviceStatusStrip

        self.devices, self.wedge = devices, wedge
        self.device_strip = DeviceStatusStrip(devices)
        bar = self.statusBar()
        bar.removeWidget(self.database_label)  # the devices go left of the database, which stays last
        bar.addPermanentWidget(self.device_strip)
        bar.addPermanentWidget(self.database_label)
        self.database_label.show()
        devices.scan_received.connect(lambda event: self.deliver_scan(event.reading.lookup_text))
        devices.tag_received.connect(lambda event: self.deliver_scan(event.reading.epc))
        devices.device_rejected.connect(self._device_rejected)
        if wedge is not None:
            self._connect_wedge(wedge)
        for widget in self._built.values():
            self._hand_devices(widget)

    def _connect_wedge(self, wedge: WedgeFilter) -> None:
        wedge.scan_received.connect(self.deliver_scan)
        wedge.scan_rejected.connect(lambda reason, text: self.show_scan_problem(
            f"Scan '{_readable(text)}' refused: {reason.rstrip('.')}."))

    def _hand_devices(self, widget: QWidget) -> None:
        attach = getattr(widget, "attach_devices", None)
        if self.devices is not None and callable(attach):
            attach(self.devices, self.wedge)

    def deliver_scan(self, text: str) -> bool:
        """A scan for the page in front, through its `accept_scan(text)`; False when nobody took it.
        While the window is locked every scan is a badge for the lock screen."""
        if self.lock_screen is not None and self.lock_screen.locked:
            self.lock_screen.accept_badge(text)
            return True
        page = self.pages.currentWidget()
        accept = getattr(page, "accept_scan", None)
        if QApplication.activeModalWidget() is not None:
            self.show_scan_problem(f"Scan '{_readable(text)}' not used: close the open dialog, then scan again.")
            return False
        if not callable(accept):
            self.show_scan_problem(f"Scan '{_readable(text)}' not used: this page takes no scans. Open Lookup "
                                   "(F2) and scan again.")
            return False
        accept(text)
        return True

    def _device_rejected(self, event: DeviceEvent) -> None:
        self.show_scan_problem(f"{event.device}: {event.reading.reason}")

    def show_scan_problem(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    # -- chrome ----------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        session = self.menuBar().addMenu("&Session")
        self.logout_action = QAction("&Log out", self, shortcut=QKeySequence("Ctrl+L"))
        self.logout_action.triggered.connect(self.log_out)
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.quit)
        # Walking away from a shared bench: lock at once instead of waiting for the idle lock.
        self.lock_action = QAction("Loc&k now", self, shortcut=QKeySequence("Ctrl+Shift+L"))
        self.lock_action.triggered.connect(self.lock)
        session.addAction(self.lock_action)
        # Credential chores without the command line; Unlock is shown to administrators only.
        self.pin_action = QAction("Set my badge &PIN…", self)
        self.pin_action.triggered.connect(self.open_pin_dialog)
        self.unlock_action = QAction("&Unlock a user…", self)
        self.unlock_action.triggered.connect(self.open_unlock_dialog)
        session.addAction(self.pin_action)
        session.addAction(self.unlock_action)
        session.addAction(self.logout_action)
        session.addSeparator()
        session.addAction(self.quit_action)

        self.go_menu = self.menuBar().addMenu("&Go")

        settings_menu = self.menuBar().addMenu("Se&ttings")
        # The first-run assistant again: database, station and work centre, devices.
        self.setup_action = QAction("&Station setup…", self)
        self.setup_action.triggered.connect(self.open_station_setup)
        settings_menu.addAction(self.setup_action)

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Threadline", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_status_bar(self, database: str, station: str) -> None:
        self.user_label = QLabel(self._user_text(), objectName="statusUser")
        self.station_label = QLabel(f"Station {station}", objectName="statusStation")
        self.database_label = QLabel(database, objectName="statusDatabase")
        self.database_label.setToolTip("The database this bench PC reads and writes")
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.addWidget(self.user_label)
        bar.addWidget(self.station_label)
        bar.addPermanentWidget(self.database_label)

    def _user_text(self) -> str:
        actor = self.context.actor
        return f"{actor.full_name or actor.username} · {actor.role.label if actor.role else 'System'}"

    # -- locking ---------------------------------------------------------------------------------------

    def lock(self) -> None:
        """Cover the window until someone badges in or logs in; the pages underneath keep their state."""
        from app.ui.lock_screen import LockScreen

        self.idle_watch.stop()
        if self.lock_screen is None:
            self.lock_screen = LockScreen(self.context.factory, self.context.runner, self)
            self.lock_screen.unlocked.connect(self._unlocked)
        self.lock_screen.lock(self.context.actor)

    def _unlocked(self, actor: Actor) -> None:
        assert self.lock_screen is not None
        same = actor.user_id == self.context.actor.user_id
        self.lock_screen.release(resume=same)
        if not same:
            self.switch_user(actor)
        self.idle_watch.start()

    def switch_user(self, actor: Actor) -> None:
        """Another user took over the bench: the workspaces restart for them. Pages are rebuilt rather than
        handed the new actor, because each page was built for its user (role, permitted actions, entries
        typed so far) and nothing half-entered may be saved under another person's name."""
        self.context = replace(self.context, actor=actor)
        self.navigation.blockSignals(True)
        self.navigation.clear()
        self.navigation.blockSignals(False)
        for widget in self._built.values():
            self.pages.removeWidget(widget)
            widget.deleteLater()
        self._built.clear()
        for action in self._go_actions:
            self.removeAction(action)
            action.deleteLater()
        self._go_actions.clear()
        self.go_menu.clear()
        if self.wedge is not None:
            # Pages may have tied lambdas to the wedge's scans; the old pages are going, so are those ties.
            self.wedge.scan_received.disconnect()
            self.wedge.scan_rejected.disconnect()
            self._connect_wedge(self.wedge)
        self.user_label.setText(self._user_text())
        self._open_workspaces()
        self.user_switched.emit(actor)

    def open_pin_dialog(self) -> QWidget:
        from app.ui.pin_dialog import PinDialog

        self.pin_dialog = PinDialog(self.context.factory, self.context.actor, self.context.runner, self)
        self.pin_dialog.open()
        return self.pin_dialog

    def open_unlock_dialog(self) -> QWidget:
        from app.ui.pin_dialog import UnlockDialog

        self.unlock_dialog = UnlockDialog(self.context.factory, self.context.actor, self.context.runner, self)
        self.unlock_dialog.open()
        return self.unlock_dialog

    def open_station_setup(self) -> QWidget:
        from app.ui.setup_wizard import SetupWizard

        bind = self.context.factory.kw.get("bind")
        self.setup_wizard = SetupWizard(self.context.settings, self.context.runner, actor=self.context.actor,
                                        current_url=bind.url.render_as_string() if bind is not None else "",
                                        parent=self)
        self.setup_wizard.applied.connect(self._station_set_up)
        if self.devices is not None:  # its live test borrows the ports from the running devices
            self.setup_wizard.devices_page.devices.attach_devices(self.devices)
        self.setup_wizard.open()
        return self.setup_wizard

    def _station_set_up(self, _summary: object) -> None:
        """The bench's new choices take effect now, except another database: that one opens at the next start."""
        from app.ui.device_settings import load_devices, resolve_devices, station_profiles

        settings = self.context.settings
        station = settings.station_name()
        self.setWindowTitle(f"Threadline — {station}")
        self.station_label.setText(f"Station {station}")
        if self.devices is not None:
            self.devices.configure(*resolve_devices(load_devices(settings), station_profiles(settings)))
            self.devices.start()
        page = self.pages.currentWidget()
        if hasattr(page, "activated"):
            page.activated()
        wizard = self.setup_wizard
        if not wizard.choices.same_database:
            self.setup_notice = QMessageBox(
                QMessageBox.Icon.Information, "Threadline — Station setup", "Saved. The other database opens at "
                "the next start of Threadline.", QMessageBox.StandardButton.Ok, self)
            self.setup_notice.setInformativeText("Quit and start Threadline again to work on it; until then this "
                                                 "window stays on the database it opened.")
            self.setup_notice.open()

    def show_about(self) -> None:
        self.about_box = QMessageBox(QMessageBox.Icon.Information, "About Threadline",
                                     f"Threadline {app.__version__}", QMessageBox.StandardButton.Ok, self)
        self.about_box.setInformativeText(
            "Quality traceability for precision-parts manufacturing: from supplier heat to customer "
            "shipment, every step, measurement and signature.")
        self.about_box.open()

    # -- leaving ---------------------------------------------------------------------------------------

    def log_out(self) -> None:
        self._leaving = True
        self.close()
        self.logged_out.emit()

    def quit(self) -> None:
        self._leaving = True
        self.close()
        self.quit_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.idle_watch.stop()
        self.backup_scheduler.stop()
        super().closeEvent(event)
        if not self._leaving:  # the window's close button means Quit
            self._leaving = True
            self.quit_requested.emit()


def _readable(scan: str) -> str:
    return scan.replace("\x1d", "␝")  # GS separates GS1 fields and is invisible
