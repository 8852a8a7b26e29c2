"""Issue a certificate from the trace page or for a shipment: choose the type (CoC, or EN 10204 3.1 with its
validator, who re-enters their password), one document or one per serial for a shipment, and issue on the
worker thread with a progress bar and Cancel for a batch. A refusal is shown as the service's sentence; an
issued certificate opens in a print preview, prints, and saves as the signed original."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.certificates import CertificateSubject, CertificateType, Subject
from app.ui import certificate_preview, certificate_work
from app.ui.certificate_work import IssueOutcome, IssueRequest, PassphraseNeeded, Validator
from app.ui.password_dialog import PasswordCheckDialog
from app.ui.tasks import Task, describe_error
from app.ui.workspaces import PageContext


class PassphraseDialog(PasswordCheckDialog):
    """The signing certificate's passphrase, checked by opening the key on the worker before it is used.

    Signals:
        passphrase_given(str): the passphrase opened the key; the dialog then closes as accepted.
    """

    passphrase_given = Signal(str)
    passphrase_refused = Signal(str)

    def __init__(self, context: PageContext, why: str, *, keyring: bool, parent: QWidget | None = None) -> None:
        super().__init__(context.runner, accept="Use passphrase", reject="Cancel",
                         placeholder="passphrase of the signing certificate", parent=parent)
        self.setWindowTitle("Threadline — Signing passphrase")
        self.context = context
        self.remember = QCheckBox("Remember it in this computer's keyring")
        self.remember.setVisible(keyring)  # without a keyring there is nowhere safe to keep it
        self.why = QLabel(why, objectName="mutedLabel", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Passphrase of the signing certificate", objectName="dialogTitle"))
        layout.addWidget(self.why)
        layout.addWidget(self.password)
        layout.addWidget(self.remember)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def submit(self) -> None:
        if self.busy:
            return
        typed = self.password.text()
        if not typed:
            self._show_error("Type the passphrase of the signing certificate.")
            return
        self._typed = typed
        self._check(certificate_work.open_signing_key, self.context.settings, typed, name="open_key")

    def _passed(self, _key: object) -> None:
        self.passphrase_given.emit(self._typed)

    def _refused(self, text: str) -> None:
        self.passphrase_refused.emit(text)


class CertificateDialog(QDialog):
    """Signals:
        issued(object): an IssueOutcome, after each issue run (also a cancelled batch).
        refused(str): the service's sentence when nothing was issued.
    """

    issued = Signal(object)
    refused = Signal(str)

    def __init__(self, context: PageContext, subject: Subject, *, folder: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("certificateDialog")
        self.setWindowTitle(f"Threadline — Certificate for {subject.kind.value} {subject.code}")
        self.context, self.subject = context, subject
        self.folder = folder or certificate_work.default_folder()
        self.outcome: IssueOutcome | None = None
        self.task: Task | None = None
        self._passphrase: str | None = None
        self._remember = False
        self.preview: QDialog | None = None

        title = QLabel(f"Certificate for {subject.kind.value} {subject.code}", objectName="dialogTitle")
        self.coc = QRadioButton("Certificate of conformance with traceability")
        self.en31 = QRadioButton("EN 10204 type 3.1 inspection certificate")
        self.coc.setChecked(True)
        types = QButtonGroup(self)
        for button in (self.coc, self.en31):
            types.addButton(button)
        self.en31.toggled.connect(self._type_changed)

        self.validator_box = QComboBox()
        self.validator_box.setPlaceholderText("Loading inspectors …")
        self.validator_password = QLineEdit()
        self.validator_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.validator_password.setPlaceholderText("the validator's password")
        self.validator_password.setAccessibleName("Validator password")
        self.validator_note = QLabel("Validated by an authorised inspection representative (inspector or quality "
                                     "engineer) who did none of the manufacturing steps.", objectName="mutedLabel",
                                     wordWrap=True)
        self.validator_row = QWidget()
        grid = QGridLayout()
        grid.addWidget(QLabel("Validated by", objectName="fieldCaption"), 0, 0)
        grid.addWidget(self.validator_box, 0, 1)
        grid.addWidget(QLabel("Password", objectName="fieldCaption"), 1, 0)
        grid.addWidget(self.validator_password, 1, 1)
        row = QVBoxLayout(self.validator_row)  # the note below the grid: a wrapped label in a grid cell clips
        row.setContentsMargins(24, 0, 0, 0)
        row.addLayout(grid)
        row.addWidget(self.validator_note)
        self.validator_row.hide()

        self.one_document = QRadioButton(f"One document for the whole {subject.kind.value}")
        self.per_serial = QRadioButton("One certificate per serial")
        self.one_document.setChecked(True)
        scope = QButtonGroup(self)
        for button in (self.one_document, self.per_serial):
            scope.addButton(button)
        batchable = subject.kind is not CertificateSubject.SERIAL
        self.one_document.setVisible(batchable)
        self.per_serial.setVisible(batchable)

        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.hide()
        self.status = QLabel(objectName="mutedLabel", wordWrap=True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.issue_button = QPushButton("Issue and sign", objectName="primaryButton")
        self.cancel_button = QPushButton("Cancel", objectName="secondaryButton")
        self.preview_button = QPushButton("Print preview …", objectName="secondaryButton")
        self.print_button = QPushButton("Print …", objectName="secondaryButton")
        self.save_button = QPushButton("Save as …", objectName="secondaryButton")
        self.close_button = QPushButton("Close", objectName="secondaryButton")
        for button in (self.issue_button, self.cancel_button, self.preview_button, self.print_button,
                       self.save_button, self.close_button):
            button.setAutoDefault(False)
        self.issue_button.clicked.connect(self.start_issue)
        self.cancel_button.clicked.connect(self.cancel)
        self.preview_button.clicked.connect(self.show_preview)
        self.print_button.clicked.connect(self.print_certificates)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.hide()

        buttons = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.cancel_button, self.issue_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(QLabel("Type", objectName="fieldCaption"))
        layout.addWidget(self.coc)
        layout.addWidget(self.en31)
        layout.addWidget(self.validator_row)
        if batchable:
            layout.addWidget(QLabel("Documents", objectName="fieldCaption"))
            layout.addWidget(self.one_document)
            layout.addWidget(self.per_serial)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(buttons)
        # The dialog grows with what appears in it (validator, error, the issued numbers), never clipping them.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self._set_results(False)
        self.resize(640, self.sizeHint().height())
        self.context.runner.run(certificate_work.validators, context.factory, name="validators", owner=self,
                                on_done=self._show_validators, on_failed=lambda e: self._show_error(describe_error(e)))

    # -- choices ---------------------------------------------------------------------------------------

    @property
    def cert_type(self) -> CertificateType:
        return CertificateType.EN10204_31 if self.en31.isChecked() else CertificateType.COC

    def _type_changed(self) -> None:
        self.validator_row.setVisible(self.en31.isChecked())

    def _show_validators(self, people: list[Validator]) -> None:
        self.validator_box.clear()
        self.validator_box.setPlaceholderText("Choose the inspection representative" if people else
                                              "No inspector or quality engineer is set up")
        for person in people:
            self.validator_box.addItem(f"{person.name} ({person.role})", person.username)
        self.validator_box.setCurrentIndex(-1)

    # -- issuing ---------------------------------------------------------------------------------------

    def start_issue(self) -> None:
        if self.task is not None:
            return
        validator = self.validator_box.currentData() if self.en31.isChecked() else None
        if self.en31.isChecked() and not validator:
            self._show_error("Choose who validates the 3.1 certificate, and have them type their password.")
            return
        request = IssueRequest(self.subject, self.cert_type, self.per_serial.isChecked(), self.folder,
                               validator=validator, validator_password=self.validator_password.text(),
                               passphrase=self._passphrase, remember=self._remember)
        self.error.hide()
        self._set_results(False)
        self.progress.setRange(0, 0)  # until the first certificate says how many there are
        self.progress.show()
        self.status.setText("Issuing and signing …")
        self.issue_button.setEnabled(False)
        self.cancel_button.setVisible(request.per_serial)
        self.cancel_button.setEnabled(True)
        self.task = self.context.runner.run(
            certificate_work.issue, self.context.factory, self.context.actor, self.context.settings, request,
            reports_progress=True, name="issue_certificate", owner=self, on_done=self._issued,
            on_failed=self._failed, on_progress=self._progressed)

    def cancel(self) -> None:
        """Stop a batch between certificates: the one being signed finishes, no further one starts."""
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping after the certificate being signed …")

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        if total > 1:
            self.status.setText(f"Issued {done} of {total} certificates …")

    def _issued(self, outcome: IssueOutcome) -> None:
        self._finished()
        self.outcome = outcome
        self.validator_password.clear()
        trial = ("  Signed with a self-signed TRIAL certificate: not for customers." if outcome.trial else "")
        self.status.setText(outcome.summary + trial)
        self._set_results(bool(outcome.issued))
        self.issued.emit(outcome)

    def _failed(self, error: BaseException) -> None:
        self._finished()
        self.status.clear()
        if isinstance(error, PassphraseNeeded):
            self._ask_passphrase(error)
            return
        self.validator_password.clear()
        text = describe_error(error)
        self._show_error(text)
        self.refused.emit(text)

    def _finished(self) -> None:
        self.task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.issue_button.setEnabled(True)

    def _ask_passphrase(self, error: PassphraseNeeded) -> None:
        dialog = PassphraseDialog(self.context, str(error), keyring=error.keyring, parent=self)
        self.passphrase_dialog = dialog

        def given(passphrase: str) -> None:
            self._passphrase, self._remember = passphrase, dialog.remember.isChecked()
            self.start_issue()

        dialog.passphrase_given.connect(given)
        dialog.open()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # -- the issued files ------------------------------------------------------------------------------

    def _set_results(self, available: bool) -> None:
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(available)

    @property
    def paths(self) -> list[Path]:
        return [view.path for view in self.outcome.issued] if self.outcome else []

    def show_preview(self) -> None:
        if not self.paths:
            return
        self.preview = certificate_preview.preview_dialog(self.paths, self)
        self.preview.open()

    def print_certificates(self) -> None:
        if self.paths:
            pages = certificate_preview.print_with_dialog(self.paths, self)
            if pages:
                self.status.setText(f"Sent {pages} page(s) to the printer.")

    def save_as(self) -> None:
        if self.outcome is None or not self.outcome.issued:
            return
        views = self.outcome.issued
        if len(views) == 1:
            target, _ = QFileDialog.getSaveFileName(self, "Save certificate", f"{views[0].number}.pdf",
                                                    "PDF documents (*.pdf)")
        else:
            target = QFileDialog.getExistingDirectory(self, "Save the certificates into a folder")
        if target:
            saved = certificate_work.save_copies(views, Path(target))
            self.status.setText(f"Saved {len(saved)} signed file(s) to {Path(target)}.")

    def reject(self) -> None:
        if self.task is not None:
            self.cancel()  # a batch stops between certificates; closing never cuts one in half
        super().reject()


def open_certificate_dialog(context: PageContext, kind: CertificateSubject, code: str,
                            parent: QWidget | None = None) -> CertificateDialog:
    dialog = CertificateDialog(context, Subject(kind, code), parent=parent)
    dialog.open()
    return dialog

