"""Issued certificates: who issued which document for which items, when, with which content hash, and the
items each one covers (so a serial's certificates can be found, and a reprint points at its original)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, str_enum, uuid_pk


class CertificateType(str, enum.Enum):
    COC = "coc"  # certificate of conformance with traceability
    EN10204_31 = "3.1"  # EN 10204 type 3.1 inspection certificate

    @property
    def label(self) -> str:
        return "Certificate of Conformance" if self is CertificateType.COC else "Inspection Certificate 3.1"


class CertificateSubject(str, enum.Enum):
    SERIAL = "serial"
    LOT = "lot"
    SHIPMENT = "shipment"


class IssuedCertificate(Base):
    """One issued PDF. A reprint is a row of its own (`is_copy`, `reprint_of_id`), so every copy handed out
    is on record; `content_sha256` is the hash of the facts the document states, also carried in its QR."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_subject", "subject_kind", "subject_code"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(String(40), unique=True)
    cert_type: Mapped[CertificateType] = mapped_column(str_enum(CertificateType, "certificate_type"))
    subject_kind: Mapped[CertificateSubject] = mapped_column(str_enum(CertificateSubject, "certificate_subject"))
    subject_code: Mapped[str] = mapped_column(String(64))  # the serial, lot or shipment number as printed
    shipment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("shipments.id"))
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime]
    signer_name: Mapped[str] = mapped_column(String(128))
    signer_meaning: Mapped[str] = mapped_column(String(200))
    validated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # 3.1 only
    content_sha256: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the DER signing certificate: verification checks the PDF was signed with the key on record.
    signing_cert_sha256: Mapped[str | None] = mapped_column(String(64))
    trial_signature: Mapped[bool] = mapped_column(default=False)
    is_copy: Mapped[bool] = mapped_column(default=False)
    reprint_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("certificates.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))


class CertificateItem(Base):
    """An item a certificate states conformance for (the serial, the lot, or each line of a shipment)."""

    __tablename__ = "certificate_items"
    __table_args__ = (UniqueConstraint("certificate_id", "item_id"), Index("ix_certificate_items_item_id", "item_id"))

    # A key of its own (not the pair): the audit trail names a row by one id that fits its row_id column.
    id: Mapped[uuid.UUID] = uuid_pk()
    certificate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("certificates.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
