"""Starting the correction of a signed inspection record: the reason is required, because the correction is a
new version that points to the signed one and the audit trail keeps why it was made."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

MAX_REASON = 500


class CorrectionDialog(QDialog):
    """Signals:
        reason_given(str): the reason (stripped, never empty); the dialog then closes as accepted.
    """

    reason_given = Signal(str)

    def __init__(self, record: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("correctionDialog")
        self.setWindowTitle("Threadline — Correct a signed record")
        title = QLabel("Correct a signed record", objectName="dialogTitle")
        what = QLabel(record, objectName="fieldCaption", wordWrap=True)
        how = QLabel("The signed record stays as it was signed. A new version starts with its values: re-measure "
                     "what was wrong and sign the new version. Say why, for the audit trail.",
                     objectName="mutedLabel", wordWrap=True)
        caption = QLabel("Reason for the correction", objectName="fieldCaption")
        self.reason = QPlainTextEdit(objectName="reasonField")
        self.reason.setPlaceholderText("e.g. Bore measured with the wrong air-gauge ring; re-measured with AGA-01")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 20)
        self.reason.textChanged.connect(self._update)

        self.buttons = QDialogButtonBox()
        self.start_button = QPushButton("Start correction", objectName="primaryButton")
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.start_button, self.cancel_button):
            button.setAutoDefault(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)
        for widget in (title, what, how, caption, self.reason, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(620)
        self.reason.setFocus()
        self._update()

    def _update(self) -> None:
        text = self.reason.toPlainText()
        self.start_button.setEnabled(bool(text.strip()) and len(text) <= MAX_REASON)
        self.start_button.setToolTip("" if text.strip() else "Write the reason first")

    def submit(self) -> None:
        reason = self.reason.toPlainText().strip()
        if not reason or len(reason) > MAX_REASON:
            return
        self.reason_given.emit(reason)
        self.accept()
