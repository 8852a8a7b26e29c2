"""Admin › API tokens: the integrations' credentials (name, scopes, who made them, last use), a new token
whose secret is shown once, and revocation after a confirmation. The same service as `threadline token`;
every call runs on the database worker."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from app.models import Role
from app.services.api_tokens import (
    SCOPES,
    CreatedToken,
    TokenView,
    create_token,
    list_tokens,
    revoke_token,
    token_creators,
)
from app.ui.formatting import local_time
from app.ui.palette import BAD, GOOD, TEXT_MUTED, badge_style
from app.ui.tasks import describe_error
from app.ui.workspaces import PageContext, Workspace, register

COLUMNS = ("Name", "Scopes", "Created by", "Created", "Last used", "State")



@dataclass(frozen=True)
class TokenRow:
    token: TokenView
    created_by: str


def load_rows(factory: sessionmaker[Session]) -> list[TokenRow]:
    """On the worker: the tokens and who created each (a user since removed shows as '—')."""
    creators = token_creators(factory)
    return [TokenRow(t, creators.get(t.id, "—")) for t in list_tokens(factory)]


class NewTokenDialog(QDialog):
    """Name and scopes, then — once the page reports the token made — its secret, shown this one time.

    Signals:
        create_requested(str, list): the name and the chosen scopes; the page runs the service.
    """

    create_requested = Signal(str, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Threadline — New API token")
        self.setObjectName("newTokenDialog")
        self.ask_page, self.secret_page = self._ask_page(), self._secret_page()
        self.secret_page.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.ask_page)
        layout.addWidget(self.secret_page)
        self.resize(560, 0)

    def _ask_page(self) -> QWidget:
        page = QWidget()
        self.name_edit = QLineEdit(placeholderText="e.g. erp-main")
        self.name_edit.setObjectName("tokenName")
        self.scope_boxes: dict[str, QCheckBox] = {}
        scopes = QVBoxLayout()
        for scope, what in SCOPES.items():
            box = QCheckBox(f"{scope} — {what}")
            box.setObjectName(f"scope:{scope}")
            self.scope_boxes[scope] = box
            scopes.addWidget(box)
        self.error_label = QLabel(wordWrap=True)
        self.error_label.setStyleSheet(badge_style(BAD))
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("Create token", QDialogButtonBox.ButtonRole.AcceptRole)
        # The dialog stays open on Create: it closes only after the secret has been shown.
        self.create_button.clicked.disconnect()
        self.create_button.clicked.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(page)
        form.addRow("Integration name:", self.name_edit)
        form.addRow("May:", scopes)
        form.addRow(self.error_label)
        form.addRow(self.buttons)
        return page

    def _secret_page(self) -> QWidget:
        page = QWidget()
        self.warning_label = QLabel(wordWrap=True)
        self.warning_label.setStyleSheet(badge_style(BAD))
        self.secret_edit = QLineEdit(readOnly=True)
        self.secret_edit.setObjectName("tokenSecret")
        self.secret_edit.setMinimumWidth(480)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self._copy)
        self.copied_label = QLabel("")
        self.copied_label.setStyleSheet(f"color: {TEXT_MUTED.name()};")
        self.done_button = QPushButton("I have stored the secret — close")
        self.done_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.secret_edit, 1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.warning_label)
        layout.addLayout(row)
        layout.addWidget(self.copied_label)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def chosen_scopes(self) -> list[str]:
        return [scope for scope, box in self.scope_boxes.items() if box.isChecked()]

    def _create(self) -> None:
        self.error_label.hide()
        self.create_button.setEnabled(False)
        self.create_requested.emit(self.name_edit.text(), self.chosen_scopes())

    def show_error(self, text: str) -> None:
        self.create_button.setEnabled(True)
        self.error_label.setText(text)
        self.error_label.show()

    def show_secret(self, made: CreatedToken) -> None:
        self.warning_label.setText(
            f"Token {made.token.name} created. Copy its secret now and store it in the integration's "
            "configuration: this is the only time it is shown. Threadline keeps only a hash of it; a lost "
            "secret cannot be shown again — revoke the token and create a new one.")
        self.secret_edit.setText(made.secret)
        self.secret_edit.selectAll()
        self.ask_page.hide()
        self.secret_page.show()
        self.adjustSize()  # to the secret's page: the form's height would leave a gap
        self.secret_edit.setFocus()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.secret_edit.text())
        self.copied_label.setText("Copied to the clipboard.")


class TokensPage(QWidget):
    """Signals:
        listed(): the table shows the database's tokens.
        created(object): a token was made (the CreatedToken).
        revoked(object): a token was revoked (its TokenView).
    """

    listed = Signal()
    created = Signal(object)
    revoked = Signal(object)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tokensPage")
        self.context = context
        self.rows: list[TokenRow] = []
        self.dialog: NewTokenDialog | None = None
        self.confirm: QMessageBox | None = None
        note = QLabel("API tokens let the ERP, MES and WMS — and phones reading the trace page — call "
                      "Threadline over HTTP. Each token may do only what its scopes allow, and everything it "
                      "writes is audited under its name. Revoking takes effect on the next request.")
        note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.new_button = QPushButton("New token…")
        self.new_button.clicked.connect(self.new_token)
        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.setEnabled(False)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.result_label = QLabel(wordWrap=True)
        self.result_label.hide()
        buttons = QHBoxLayout()
        for button in (self.new_button, self.revoke_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        layout.addWidget(self.table, 1)
        self.refresh()

    # -- the list ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.context.runner.run(load_rows, self.context.factory, name="list API tokens", owner=self,
                                on_done=self._show_rows, on_failed=self._failed)

    def _show_rows(self, rows: list[TokenRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            t = row.token
            state = f"Revoked {local_time(t.revoked_at)}" if t.revoked_at else "Active"
            cells = (t.name, " ".join(t.scopes), row.created_by, local_time(t.created_at),
                     local_time(t.last_used_at) if t.last_used_at else "never", state)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if t.revoked_at:
                    item.setForeground(TEXT_MUTED)
                self.table.setItem(r, c, item)
        self._selection_changed()
        self.listed.emit()

    def selected(self) -> TokenRow | None:
        picked = self.table.selectionModel().selectedRows()
        return self.rows[picked[0].row()] if picked else None

    def _selection_changed(self) -> None:
        row = self.selected()
        self.revoke_button.setEnabled(row is not None and row.token.revoked_at is None)

    # -- new token ------------------------------------------------------------------------------------

    def new_token(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()  # the last one's secret must not linger in memory longer than needed
        self.dialog = NewTokenDialog(self)
        self.dialog.create_requested.connect(self._create)
        self.dialog.open()

    def _create(self, name: str, scopes: list[str]) -> None:
        dialog = self.dialog
        assert dialog is not None
        self.context.runner.run(create_token, self.context.factory, self.context.actor, name, scopes,
                                name="create API token", owner=self, on_done=self._made,
                                on_failed=lambda error: dialog.show_error(describe_error(error)))

    def _made(self, made: CreatedToken) -> None:
        # Shown even if the dialog was cancelled meanwhile: the token exists, and this is its only chance.
        if self.dialog is not None:
            self.dialog.show_secret(made)
            self.dialog.open()
        self._show_result(f"Created API token {made.token.name} ({' '.join(made.token.scopes)}).", GOOD)
        self.created.emit(made)
        self.refresh()

    # -- revoke ---------------------------------------------------------------------------------------

    def revoke_selected(self) -> None:
        row = self.selected()
        if row is None or row.token.revoked_at is not None:
            return
        name = row.token.name
        self.confirm = QMessageBox(
            QMessageBox.Icon.Warning, "Threadline — Revoke API token",
            f"Revoke the API token {name}? Every request with it is refused from then on, and it cannot be "
            "made valid again: the integration needs a new token.",
            QMessageBox.StandardButton.Cancel, self)
        revoke = self.confirm.addButton("Revoke", QMessageBox.ButtonRole.DestructiveRole)
        self.confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter must not revoke by accident
        self.confirm.buttonClicked.connect(lambda button: self._revoke(name) if button is revoke else None)
        self.confirm.open()

    def _revoke(self, name: str) -> None:
        self.context.runner.run(revoke_token, self.context.factory, self.context.actor, name,
                                name="revoke API token", owner=self, on_done=self._revoked,
                                on_failed=self._failed)

    def _revoked(self, token: TokenView) -> None:
        self._show_result(f"Revoked API token {token.name}: requests with it are refused from now on.", GOOD)
        self.revoked.emit(token)
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._show_result(describe_error(error), BAD)

    def _show_result(self, text: str, colours: tuple[str, str]) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(badge_style(colours))
        self.result_label.show()


WORKSPACE = register(Workspace(key="api-tokens", title="API tokens", build=TokensPage, order=98,
                               tooltip="Tokens for the ERP, MES, WMS and the phone trace page",
                               allowed=lambda actor: actor.role is Role.ADMIN))
