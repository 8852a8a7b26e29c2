"""What a signature did to an inspection record, above its fields: the result, each signature (printed name,
time, meaning, the start of the content hash), the nonconformances a failure opened and the hold on the
item; and, for a correction, which signed version it corrects and why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.models import InspectionResult, ItemStatus
from app.services.inspection import NonconformanceView, RecordForm, Signature
from app.ui import formatting as fmt
from app.ui.palette import BAD, GOOD, NEUTRAL

HASH_SHOWN = 16  # hex digits of the SHA-256 on screen: enough to compare with a printout by eye


def signature_text(signature: Signature) -> str:
    return (f"{signature.meaning.value.capitalize()} by {signature.printed_name} · "
            f"{fmt.local_time(signature.signed_at)} · SHA-256 {signature.content_sha256[:HASH_SHOWN]}…")


class SignoffPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signoffPanel")
        self.result = QLabel(objectName="resultPill")
        self.result.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.headline = QLabel(objectName="signoffHeadline", wordWrap=True)
        self.signatures = QLabel(objectName="signatureLines", wordWrap=True)
        self.consequences = QLabel(objectName="consequenceLines", wordWrap=True)
        self.correction = QLabel(objectName="mutedLabel", wordWrap=True)
        for label in (self.headline, self.signatures, self.consequences, self.correction):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.setSpacing(14)
        top.addWidget(self.result, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.headline, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.signatures)
        layout.addWidget(self.consequences)
        layout.addWidget(self.correction)
        self.hide()

    def show_record(self, form: RecordForm, nonconformances: tuple[NonconformanceView, ...]) -> None:
        """Shown for a signed record and for an unsigned correction; hidden for a plain open record."""
        correcting = (f"This version corrects a signed record. Reason: {form.correction_reason}"
                      if form.corrects else "")
        if form.corrected_by:
            correcting = (correcting + " " if correcting else "") + \
                "A newer version corrects this record; scan the item to continue there."
        self.correction.setText(correcting)
        self.correction.setVisible(bool(correcting))
        if form.editable:
            self.result.hide()
            self.headline.setText("Correction in progress: re-measure what was wrong, then sign again.")
            self.signatures.hide()
            self.consequences.hide()
            self.setVisible(bool(form.corrects))
            return
        colours = {InspectionResult.PASS: GOOD, InspectionResult.FAIL: BAD}.get(form.result, NEUTRAL)
        self.result.setText(form.result.value.upper())
        self.result.setStyleSheet(f"background-color: {colours[0]}; color: {colours[1]};")
        self.result.show()
        self.headline.setText(f"Signed — this record is read-only. {form.item_code} is "
                              f"{fmt.status_label(form.item_status).lower()}.")
        self.signatures.setText("\n".join(signature_text(s) for s in form.signatures))
        self.signatures.setVisible(bool(form.signatures))
        lines = [f"{ncr.number} opened: {ncr.description}" for ncr in nonconformances]
        if form.item_status is ItemStatus.ON_HOLD and nonconformances:
            lines.append(f"{form.item_code} is on hold until a quality engineer disposes of "
                         f"{'it' if len(nonconformances) == 1 else 'them'}; it cannot be consumed or shipped.")
        self.consequences.setText("\n".join(lines))
        self.consequences.setVisible(bool(lines))
        self.show()
