"""Certificate status for the API and the phone page: is certificate N on record, for what, and revoked?
The QR code on a certificate leads here (read-only; issuing and verifying stay in
app/services/certificates)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Item
from app.models.certificates import CertificateItem, IssuedCertificate
from app.services.errors import NotFound


@dataclass(frozen=True)
class CertificateStatus:
    id: uuid.UUID
    number: str
    cert_type: str
    subject_kind: str
    subject_code: str
    issued_at: datetime
    signer_name: str
    signer_meaning: str
    content_sha256: str
    trial_signature: bool
    is_copy: bool
    revoked_at: datetime | None
    revoked_reason: str | None
    items: tuple[str, ...]

    @property
    def status(self) -> str:
        return "revoked" if self.revoked_at else "valid"


def certificate_status(factory: sessionmaker[Session], number_or_id: str) -> CertificateStatus:
    text = number_or_id.strip()
    with factory() as session:
        stmt = select(IssuedCertificate).where(IssuedCertificate.number == text)
        try:
            stmt = select(IssuedCertificate).where(IssuedCertificate.id == uuid.UUID(text))
        except ValueError:
            pass
        cert = session.scalar(stmt)
        if cert is None:
            raise NotFound(f"No certificate {text} was issued from this database. Check the number printed "
                           "on the certificate.")
        items = tuple(session.scalars(
            select(Item.code).join(CertificateItem, CertificateItem.item_id == Item.id)
            .where(CertificateItem.certificate_id == cert.id).order_by(Item.code)))
        return CertificateStatus(cert.id, cert.number, cert.cert_type.value, cert.subject_kind.value,
                                 cert.subject_code, cert.issued_at, cert.signer_name, cert.signer_meaning,
                                 cert.content_sha256, cert.trial_signature, cert.is_copy, cert.revoked_at,
                                 cert.revoked_reason, items)


def certificates_for_item(factory: sessionmaker[Session],
                          item_id: uuid.UUID) -> list[tuple[str, str, datetime]]:
    """(number, "valid"/"revoked", issued_at) of every certificate stating conformance for the item."""
    with factory() as session:
        rows = session.execute(
            select(IssuedCertificate.number, IssuedCertificate.revoked_at, IssuedCertificate.issued_at)
            .join(CertificateItem, CertificateItem.certificate_id == IssuedCertificate.id)
            .where(CertificateItem.item_id == item_id).order_by(IssuedCertificate.issued_at.desc())).all()
        return [(number, "revoked" if revoked else "valid", issued) for number, revoked, issued in rows]
