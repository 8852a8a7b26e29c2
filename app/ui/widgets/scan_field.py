"""The scan field: a large line edit that a barcode scanner (a fast keyboard ending with Enter) can
fill at any moment; after each submit its text stays selected so the next scan replaces it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class ScanField(QLineEdit):
    """Signals:
        scan_submitted(str): Enter pressed on non-empty text (stripped).
    """

    scan_submitted = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanField")
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMaxLength(256)
        self.setAccessibleName("Scan field")
        self.returnPressed.connect(self.submit)

    def submit(self) -> None:
        text = self.text().strip()
        if text:
            self.scan_submitted.emit(text)
        self.ready_for_next_scan()

    def ready_for_next_scan(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.selectAll()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # A click or tab into the field means "new scan": the old text must not be appended to.
        if event.reason() in (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason,
                              Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.ShortcutFocusReason):
            self.selectAll()

    def take_typed_text(self, text: str) -> None:
        """Keys typed while another widget had focus (a scanner does not aim): start a new scan here."""
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.setText(text)
