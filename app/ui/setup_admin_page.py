"""The first administrator of a database nobody can log in to yet: a page of the assistant, and the same
form as a dialog when Threadline opens a shared database without users."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget, QWizardPage
from sqlalchemy.orm import Session, sessionmaker

from app.services.errors import DomainError
from app.services.station_setup import FirstAdmin, check_first_admin, create_first_admin
from app.ui.password_dialog import dialog_buttons
from app.ui.setup_work import SetupChoices
from app.ui.tasks import TaskRunner, describe_error


class AdminForm(QWidget):
    """User name, full name and the password twice; `admin()` checks them and raises a sentence."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = QLineEdit(placeholderText="e.g. jane.doe")
        self.full_name = QLineEdit(placeholderText="e.g. Jane Doe")
        self.password = QLineEdit(placeholderText="at least 8 characters")
        self.repeated = QLineEdit(placeholderText="the same password again")
        for field in (self.password, self.repeated):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("User name", self.username)
        form.addRow("Full name", self.full_name)
        form.addRow("Password", self.password)
        form.addRow("Repeat", self.repeated)
        form.addRow("", self.error)
        for field in (self.username, self.full_name, self.password, self.repeated):
            field.textEdited.connect(self._edited)

    def _edited(self, _text: str) -> None:
        self.error.hide()
        self.edited.emit()

    def filled(self) -> bool:
        return all(field.text() for field in (self.username, self.password, self.repeated))

    def admin(self) -> FirstAdmin:
        admin = FirstAdmin(self.username.text().strip().lower(), self.full_name.text().strip(),
                           self.password.text())
        check_first_admin(admin, self.repeated.text())
        return admin

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class AdminPage(QWizardPage):
    def __init__(self, choices: SetupChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices
        self.setTitle("The first administrator")
        self.setSubTitle("Nobody can log in to this database yet. The administrator you name here adds the "
                         "other users and sets up the benches; the account is created when you finish.")
        self.form = AdminForm()
        self.form.edited.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.form.username.setFocus()

    def isComplete(self) -> bool:
        return self.form.filled()

    def validatePage(self) -> bool:
        try:
            self.choices.admin = self.form.admin()
        except DomainError as exc:
            self.form.show_error(str(exc))
            return False
        return True


class FirstAdminDialog(QDialog):
    """For a database that has no users when Threadline opens it: create the administrator, then log in.

    Signals:
        created(str): the new administrator's user name; the dialog then closes as accepted.
    """

    created = Signal(str)

    def __init__(self, factory: sessionmaker[Session], runner: TaskRunner, *, database: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.factory, self.runner = factory, runner
        self.setWindowTitle("Threadline — First administrator")
        self.setMinimumWidth(620)
        title = QLabel("This database has no users yet", objectName="dialogTitle")
        where = QLabel(database, objectName="mutedLabel", wordWrap=True)
        text = QLabel("Name its first administrator. They log in next, add the other users and set up the "
                      "benches.", wordWrap=True)
        self.form = AdminForm()
        self.buttons, self.create_button, self.quit_button = dialog_buttons(self, "Create and log in", "Quit",
                                                                            self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        for widget in (title, where, text, self.form, self.buttons):
            layout.addWidget(widget)

    def submit(self) -> None:
        try:
            admin = self.form.admin()
        except DomainError as exc:
            self._show_error(str(exc))
            return
        self.create_button.setEnabled(False)
        self.runner.run(create_first_admin, self.factory, admin, name="first_admin", owner=self,
                        on_done=lambda actor: self._created(actor.username), on_failed=self._failed)

    def _created(self, username: str) -> None:
        self.created.emit(username)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        self._show_error(describe_error(error))

    def _show_error(self, text: str) -> None:
        self.form.show_error(text)
        self.adjustSize()  # room for the sentence, however long
