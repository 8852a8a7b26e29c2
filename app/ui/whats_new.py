"""The "Threadline was updated" message, shown once on a bench PC after an update: the version it runs now,
what changed since the one it ran before, and — when the database was migrated — where its backup is.
It does not wait for an answer: the log-in behind it can be used at once."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.release_notes import UpdateNotice
from app.services.schema import HEAD, UPGRADE_WITHOUT_BACKUP_ENV

_CODE = re.compile(r"`([^`]+)`")


def notice_html(notice: UpdateNotice) -> str:
    """The message body: release notes newest first, then the schema upgrade and its backup."""
    parts = []
    if notice.previous_version:
        parts.append(f"<p>This PC ran version {html.escape(notice.previous_version)} before.</p>")
    for note in notice.notes:
        items = "".join(f"<li>{_inline(line)}</li>" for line in note.lines)
        parts.append(f"<p><b>What changed in {html.escape(note.version)}</b></p><ul>{items}</ul>")
    if notice.migrated_from:
        parts.append(f"<p>The database was upgraded from schema {html.escape(notice.migrated_from)} to {HEAD}.")
        if notice.backup:
            parts.append(f" A backup of it from before the upgrade is at:<br><code>{html.escape(str(notice.backup))}"
                         "</code></p>")
        else:
            parts.append(f" No backup was made before the upgrade ({UPGRADE_WITHOUT_BACKUP_ENV} was set).</p>")
    return "".join(parts)


def _inline(line: str) -> str:
    return _CODE.sub(r"<code>\1</code>", html.escape(line))


class WhatsNewMessage(QMessageBox):
    """A non-modal information message with Close; the text can be selected (to copy the backup path)."""

    def __init__(self, notice: UpdateNotice, parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Information, "Threadline — updated",
                         f"Threadline was updated to version {notice.version}", QMessageBox.StandardButton.Close,
                         parent)
        self.setObjectName("whatsNewMessage")
        self.notice = notice
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setInformativeText(notice_html(notice))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setDefaultButton(QMessageBox.StandardButton.Close)
        self.setEscapeButton(QMessageBox.StandardButton.Close)
