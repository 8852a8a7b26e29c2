"""The assistant's first page: the embedded database on this PC, or a shared PostgreSQL server tested on the
spot. Next is open only once the chosen database answered and its password has a safe place to live."""

from __future__ import annotations

import os

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)
from sqlalchemy.engine import make_url

from app.config import data_dir, default_db_url
from app.db import normalise_url
from app.services.credentials import ENV_PASSWORD, keyring_available
from app.services.errors import DomainError
from app.services.station_setup import DatabaseProbe, postgres_url
from app.ui.setup_work import SetupChoices, probe
from app.ui.tasks import TaskRunner, describe_error

TLS_MODES = (("Encrypt if the server offers it (libpq default)", ""), ("Always encrypt (require)", "require"),
             ("Encrypt and check the server's certificate (verify-full)", "verify-full"))


def _muted(text: str) -> QLabel:
    label = QLabel(text, objectName="mutedLabel", wordWrap=True)
    label.setIndent(34)  # under the radio button's text, not its circle
    return label


class DatabasePage(QWizardPage):
    def __init__(self, choices: SetupChoices, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices, self.runner = choices, runner
        self._generation = 0  # a probe answer for fields changed since is dropped
        self.testing = False
        self.keyring_ok: bool | None = None  # asked on the worker: a keyring may take a moment to answer
        self.setTitle("Where does this bench keep its records?")
        self.setSubTitle("Every bench of the shop reads and writes the same records. Choose the embedded "
                         "database for a single bench or a trial, a PostgreSQL server when several share.")

        self.embedded_choice = QRadioButton("Embedded database on this PC")
        self.server_choice = QRadioButton("Shared PostgreSQL server")
        group = QButtonGroup(self)
        for button in (self.embedded_choice, self.server_choice):
            group.addButton(button)
        self.demo_box = QCheckBox("Fill the new database with a demo plant to explore (you can still log in "
                                  "and use it like a real one)")
        self.host = QLineEdit(placeholderText="server name or address")
        self.port = QLineEdit("5432", validator=QIntValidator(1, 65535))
        self.database = QLineEdit("threadline")
        self.user = QLineEdit(placeholderText="the PostgreSQL login of this bench")
        self.password = QLineEdit(placeholderText="empty: the stored password, or none")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.tls = QComboBox()
        for text, mode in TLS_MODES:
            self.tls.addItem(text, mode)
        self.password_note = QLabel(objectName="hintLabel", wordWrap=True)
        self.to_file = QCheckBox("Keep the password in a file only my login can read (plain text)")
        self.test_button = QPushButton("Test connection", objectName="primaryButton")
        self.test_button.setAutoDefault(False)
        self.status = QLabel(objectName="hintLabel", wordWrap=True)
        self.status.hide()

        self._lay_out()
        self._load(choices)
        group.buttonToggled.connect(self._choice_toggled)
        for field in (self.host, self.port, self.database, self.user):
            field.textEdited.connect(self._server_edited)
        self.password.textEdited.connect(self._password_edited)
        self.tls.currentIndexChanged.connect(self._server_edited)
        self.to_file.toggled.connect(lambda _on: self.completeChanged.emit())
        self.demo_box.toggled.connect(self._demo_toggled)
        self.test_button.clicked.connect(self.test_connection)
        self.runner.run(keyring_available, name="keyring_available", owner=self, on_done=self._keyring_known,
                        on_failed=lambda _error: self._keyring_known(False))

    def _lay_out(self) -> None:
        self.server_form = QWidget()
        form = QFormLayout(self.server_form)
        form.setContentsMargins(34, 4, 0, 4)
        port_row = QHBoxLayout()
        port_row.addWidget(self.host, 1)
        port_row.addWidget(QLabel("port"))
        port_row.addWidget(self.port)
        self.port.setMaximumWidth(110)
        form.addRow("Server", port_row)
        form.addRow("Database", self.database)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow("Encryption", self.tls)
        form.addRow("", self.password_note)
        form.addRow("", self.to_file)
        self.password_note.setMinimumHeight(self.password_note.sizeHint().height())
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.embedded_choice)
        layout.addWidget(_muted(f"One file on this PC: {self._embedded_file(self.choices)}."))
        self.demo_box.setStyleSheet("margin-left: 34px;")
        layout.addWidget(self.demo_box)
        layout.addSpacing(10)
        layout.addWidget(self.server_choice)
        layout.addWidget(_muted("Threadline creates its tables in an empty database the administrator made for "
                                "it, or joins one the other benches already use."))
        layout.addWidget(self.server_form)
        layout.addLayout(test_row)
        layout.addSpacing(6)
        layout.addWidget(self.status)
        layout.addStretch(1)

    @staticmethod
    def _embedded_file(choices: SetupChoices) -> str:
        url = choices.url if choices.embedded and choices.url else default_db_url()
        return make_url(url).database or str(data_dir())

    def _load(self, choices: SetupChoices) -> None:
        """Fill the fields from the choices (Settings: the database this bench uses now)."""
        self.demo_box.setChecked(choices.demo)
        self._embedded_url = choices.url if choices.embedded else ""
        self._server_url, self._server_fields = "", ()
        if not choices.embedded and choices.url:
            url = make_url(normalise_url(choices.url))
            self.host.setText(url.host or "")
            self.port.setText(str(url.port or 5432))
            self.database.setText(url.database or "")
            self.user.setText(url.username or "")
            self.tls.setCurrentIndex(max(self.tls.findData(choices.sslmode), 0))
            # Options the form does not show (a search_path, say) stay as long as the fields do.
            self._server_url, self._server_fields = choices.url, self._fields()
        (self.embedded_choice if choices.embedded else self.server_choice).setChecked(True)
        self._show_server_form()

    def _fields(self) -> tuple[str, ...]:
        return (self.host.text().strip(), self.port.text().strip(), self.database.text().strip(),
                self.user.text().strip())

    # -- the choices -------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        """The embedded file, or the server this bench already uses, is tested at once: no button to press."""
        if self.choices.probe is None and (self.embedded_choice.isChecked() or self._server_url):
            self.test_connection()

    def _choice_toggled(self, _button: object, checked: bool) -> None:
        if not checked:
            return
        self.choices.embedded = self.embedded_choice.isChecked()
        self._forget_probe()
        self._show_server_form()
        if self.choices.embedded:
            self.test_connection()  # a local file answers at once: no button to press
        else:
            self.host.setFocus()

    def _show_server_form(self) -> None:
        server = self.server_choice.isChecked()
        self.server_form.setEnabled(server)
        self.test_button.setVisible(server)
        self._show_password_note()

    def _server_edited(self, *_: object) -> None:
        self._forget_probe()

    def _password_edited(self, _text: str) -> None:
        self._forget_probe()
        self._show_password_note()

    def _demo_toggled(self, on: bool) -> None:
        self.choices.demo = on
        self.completeChanged.emit()

    def _forget_probe(self) -> None:
        self._generation += 1
        self.choices.probe = None
        self.testing = False
        self.test_button.setEnabled(True)
        self.status.hide()
        self.demo_box.hide()
        self.completeChanged.emit()

    def _keyring_known(self, available: bool) -> None:
        self.keyring_ok = bool(available)
        self._show_password_note()
        self.completeChanged.emit()

    def _show_password_note(self) -> None:
        """Where a typed password will live, said before Next: a bench without a keyring must choose."""
        typed = bool(self.password.text()) and self.server_choice.isChecked()
        env = bool(os.environ.get(ENV_PASSWORD))
        if env and self.server_choice.isChecked():
            text = f"The password comes from the environment variable {ENV_PASSWORD} on this PC."
        elif not typed:
            text = ""
        elif self.keyring_ok:
            text = "The password is kept in this PC's keyring, never in the settings."
        elif self.keyring_ok is None:
            text = "Looking for this PC's keyring …"
        else:
            text = (f"This PC has no keyring to keep the password safely: set {ENV_PASSWORD} for "
                    "Threadline, or tick the box below.")
        self.password_note.setText(text)
        self.password_note.setVisible(bool(text))
        self.to_file.setVisible(typed and self.keyring_ok is False and not env)

    def password_has_a_home(self) -> bool:
        if not self.server_choice.isChecked() or not self.password.text():
            return True
        if os.environ.get(ENV_PASSWORD):
            return True
        return bool(self.keyring_ok) or self.to_file.isChecked()

    # -- testing -----------------------------------------------------------------------------------------

    def test_connection(self) -> None:
        try:
            self._take_fields()
        except DomainError as exc:
            self._say(str(exc), error=True)
            return
        self._forget_probe()
        generation = self._generation
        self.testing = True
        self.test_button.setEnabled(False)
        where = "this PC's database" if self.choices.embedded else f"{self.host.text().strip()}"
        self._say(f"Connecting to {where} …")
        self.runner.run(probe, self.choices.connect_url, self.password.text(), name="probe_database",
                        owner=self, on_done=lambda found: self._probed(generation, found),
                        on_failed=lambda error: self._probe_failed(generation, error))

    def _take_fields(self) -> None:
        self.choices.embedded = self.embedded_choice.isChecked()
        if self.choices.embedded:
            self.choices.url, self.choices.sslmode, self.choices.password = self._embedded_url, "", ""
            return
        if self._server_url and self._fields() == self._server_fields:
            self.choices.url = self._server_url
        else:
            self.choices.url = postgres_url(self.host.text(), self.port.text(), self.database.text(),
                                            self.user.text())
        self.choices.sslmode = self.tls.currentData() or ""
        self.choices.password = self.password.text()

    def _probed(self, generation: int, found: DatabaseProbe) -> None:
        if generation != self._generation:
            return
        self.testing = False
        self.test_button.setEnabled(True)
        self.choices.probe = found
        self.choices.demo = self.choices.embedded and found.state == "empty" and self.demo_box.isChecked()
        self.demo_box.setVisible(self.choices.embedded and found.state == "empty")
        prefix = "" if found.state == "newer" else "✔  "
        self._say(prefix + found.summary, error=found.state == "newer")
        self.completeChanged.emit()

    def _probe_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.testing = False
        self.test_button.setEnabled(True)
        self._say(describe_error(error), error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setObjectName("errorLabel" if error else "hintLabel")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)
        self.status.show()

    def isComplete(self) -> bool:
        found = self.choices.probe
        return found is not None and found.state != "newer" and self.password_has_a_home()

    def validatePage(self) -> bool:
        self.choices.password_to_file = self.to_file.isVisible() and self.to_file.isChecked()
        return self.isComplete()
