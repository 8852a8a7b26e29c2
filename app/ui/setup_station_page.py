"""Which station this bench is: one the database knows (its work centre comes with it), or a new one at a
work centre, registered when the assistant finishes by whoever may set benches up."""

from __future__ import annotations

import socket

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget, QWizardPage

from app.services.station_setup import StationChoice
from app.ui.setup_work import SetupChoices


def _demo_stations() -> dict[str, str]:
    from app.services.demo.catalogue import STATIONS

    return dict(STATIONS)


class StationPage(QWizardPage):
    def __init__(self, choices: SetupChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices
        self.stations: dict[str, str] = {}
        self._shown_known = False  # the work centre shown is a known station's
        self.setTitle("Which station is this bench?")
        self.setSubTitle("Steps recorded here are logged at this station; its work centre decides which "
                         "operations it may record and who may work here.")
        self.name = QComboBox(editable=True)
        self.name.lineEdit().setPlaceholderText("e.g. TRN-PC3")
        self.work_centre = QComboBox(editable=True)
        self.work_centre.lineEdit().setPlaceholderText("e.g. Turning")
        self.explain = QLabel(objectName="hintLabel", wordWrap=True)
        self.login_caption = QLabel("A new station is registered by an administrator or a supervisor of this "
                                    "database: type your user name and password.", wordWrap=True)
        self.username = QLineEdit(placeholderText="user name")
        self.password = QLineEdit(placeholderText="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)

        form = QFormLayout()
        form.addRow("Station", self.name)
        form.addRow("Work centre", self.work_centre)
        self.login_form = QWidget()
        login = QFormLayout(self.login_form)
        login.setContentsMargins(0, 8, 0, 0)
        login.addRow(self.login_caption)
        login.addRow("User name", self.username)
        login.addRow("Password", self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.explain)
        layout.addWidget(self.login_form)
        layout.addStretch(1)

        self.name.currentTextChanged.connect(self._name_changed)
        self.work_centre.currentTextChanged.connect(lambda _text: self.completeChanged.emit())
        for field in (self.username, self.password):
            field.textEdited.connect(lambda _text: self.completeChanged.emit())

    def initializePage(self) -> None:
        """The database may have changed on the first page: its stations, or the demo plant's."""
        probe = self.choices.probe
        self.stations = _demo_stations() if self.choices.demo else dict(probe.stations if probe else {})
        centres = sorted(set(self.stations.values()) | set(probe.work_centres if probe else ()), key=str.casefold)
        wanted = self.choices.station.name or self.name.currentText() or socket.gethostname().upper()
        self.name.blockSignals(True)
        self.name.clear()
        self.name.addItems(list(self.stations))
        self.name.setEditable(not self.choices.demo)  # the demo plant has its benches: pick one of them
        self.name.blockSignals(False)
        self.work_centre.clear()
        self.work_centre.addItems(centres)
        self.work_centre.setCurrentIndex(-1)  # a new station's work centre is chosen, never assumed
        self._shown_known = False
        if wanted in self.stations or not self.choices.demo:
            self.name.setCurrentText(wanted)
        self._name_changed(self.name.currentText())

    def _name_changed(self, text: str) -> None:
        name = " ".join(text.split())
        known = self.stations.get(name)
        probe = self.choices.probe
        self.work_centre.setEnabled(known is None)
        self.login_form.setVisible(self._needs_login(name))
        if known is None and self._shown_known:
            self.work_centre.setCurrentIndex(-1)  # that station's work centre is not the new one's
        self._shown_known = known is not None
        if known is not None:
            self.work_centre.setCurrentText(known)
            self.explain.setText(f"{name} is a station of this database, at work centre {known}.")
        elif not name:
            self.explain.setText("Type this bench's station name, or pick one the database has.")
        elif probe is not None and probe.state == "older":
            self.explain.setText(f"{name} is new to this database. It is registered after the database is "
                                 "upgraded: open Settings ▸ Station setup… once Threadline has started.")
        elif self.choices.needs_admin:
            self.explain.setText(f"{name} is new: it is added at this work centre, by the administrator you "
                                 "named, when you finish.")
        else:
            self.explain.setText(f"{name} is new to this database: it is added at this work centre when you "
                                 "finish.")
        self.completeChanged.emit()

    def _needs_login(self, name: str) -> bool:
        probe = self.choices.probe
        return (bool(name) and name not in self.stations and probe is not None and probe.state == "current"
                and probe.has_users and not self.choices.same_database)

    def _choice(self) -> StationChoice:
        name = " ".join(self.name.currentText().split())
        new = name not in self.stations
        return StationChoice(name, " ".join(self.work_centre.currentText().split()) if new else "",
                             self.username.text().strip() if self._needs_login(name) else "",
                             self.password.text() if self._needs_login(name) else "")

    def isComplete(self) -> bool:
        choice = self._choice()
        if not choice.name:
            return False
        if choice.name in self.stations:
            return True
        if self.choices.probe is not None and self.choices.probe.state == "older":
            return True  # kept in the settings; registered after the upgrade
        if not choice.work_centre:
            return False
        return not self._needs_login(choice.name) or bool(choice.username and choice.password)

    def validatePage(self) -> bool:
        self.choices.station = self._choice()
        return self.isComplete()
