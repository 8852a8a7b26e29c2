"""Admin › API tokens, as an administrator uses it: make a token (its secret shown once, and valid), then
revoke it after confirming — checked in the database, and through the API's own token check."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.models import Role
from app.services.api_tokens import authenticate, list_tokens
from app.services.errors import AuthenticationFailed
from app.ui.tokens_page import NewTokenDialog, TokensPage
from app.ui.workspaces import PageContext, workspaces
from tests.conftest import make_actor

WAIT_MS = 20_000
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_create_and_revoke_a_token_through_the_page(qtbot, factory, admin, runner, settings, tmp_path):
    assert "api-tokens" in [w.key for w in workspaces(admin)]
    assert "api-tokens" not in [w.key for w in workspaces(make_actor(factory, admin, Role.SUPERVISOR))]
    page = TokensPage(PageContext(factory, admin, runner, settings))
    qtbot.addWidget(page)
    page.resize(1000, 420)
    page.show()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)
    assert page.table.rowCount() == 0 and not page.revoke_button.isEnabled()

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, NewTokenDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.name_edit, "erp-main")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)  # no scope ticked yet: refused
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=WAIT_MS)
    dialog.grab().save(str(tmp_path / "tokens-ask.png"))
    assert "at least one scope" in dialog.error_label.text() and list_tokens(factory) == []
    for scope in ("read:trace", "write:receipts"):
        dialog.scope_boxes[scope].click()
    with qtbot.waitSignal(page.created, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    secret = dialog.secret_edit.text()
    assert secret.startswith("tl_") and dialog.secret_edit.isReadOnly()
    assert "only time it is shown" in dialog.warning_label.text()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == secret
    assert authenticate(factory, secret).scopes == {"read:trace", "write:receipts"}  # the secret works
    dialog.grab().save(str(tmp_path / "tokens-secret.png"))
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    # The secret was used once above: after a refresh, the list says when.
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1 and page.table.item(0, 4).text() != "never"
                    and not runner.busy, timeout=WAIT_MS)
    row = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert row[:3] == ["erp-main", "read:trace write:receipts", "admin"] and row[5] == "Active"
    assert row[4][:4].isdigit() and row[3][:4].isdigit()  # local "YYYY-MM-DD HH:MM" times

    rect = page.table.visualItemRect(page.table.item(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.revoke_button.isEnabled()
    qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    box = page.confirm
    assert isinstance(box, QMessageBox) and box.isVisible() and "erp-main" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()  # changed their mind: nothing happens
    assert list_tokens(factory)[0].revoked_at is None
    qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    revoke = next(b for b in page.confirm.buttons() if b.text() == "Revoke")
    with qtbot.waitSignal(page.revoked, timeout=WAIT_MS):
        qtbot.mouseClick(revoke, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.item(0, 5).text().startswith("Revoked") and not runner.busy,
                    timeout=WAIT_MS)
    assert list_tokens(factory)[0].revoked_at is not None
    with pytest.raises(AuthenticationFailed):
        authenticate(factory, secret)
    assert not page.revoke_button.isEnabled() and "Revoked API token erp-main" in page.result_label.text()
    DOCS.mkdir(exist_ok=True)
    page.grab().save(str(DOCS / "tokens-page.png"))
