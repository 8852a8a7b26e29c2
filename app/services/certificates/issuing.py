"""Issuing certificates: resolve the subject, gather the facts, apply the issue rules, render, sign, write the
file and the record in one transaction. Issuing again for the same subject and type makes a reprint: a record of
its own, marked COPY on every page and pointing at the original. Revoking keeps the row and says why."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Item, ItemIdentifier, Shipment, ShipmentLine
from app.models.base import utcnow, uuid7
from app.models.certificates import CertificateItem, CertificateSubject, CertificateType, IssuedCertificate
from app.reports.certificate import render_certificate
from app.reports.page import Company
from app.services.certificates.facts import CertificateFacts, IssueHeader, content_sha256
from app.services.certificates.gather import gather_facts
from app.services.certificates.rules import check_issuable, check_validator
from app.services.certificates.signing import SigningKey, sign_pdf
from app.services.errors import NotFound, ValidationError
from app.services.permissions import Action, Actor
from app.services.unit_of_work import unit_of_work

COC_MEANING = "Issued and released: I confirm the goods stated conform to the order and specifications"
VALIDATION_MEANING = ("Validated as authorised inspection representative (EN 10204 3.1), independent of "
                      "manufacturing")


@dataclass(frozen=True)
class Subject:
    kind: CertificateSubject
    code: str


@dataclass(frozen=True)
class IssuedView:
    id: uuid.UUID
    number: str
    cert_type: CertificateType
    subject: Subject
    path: Path
    content_sha256: str
    issued_at: datetime
    is_copy: bool
    reprint_of: str | None
    trial_signature: bool
    items: int
    rows: int  # rows in the document's tables, a measure of its length


def issue_certificate(factory: sessionmaker[Session], actor: Actor, subject: Subject, output: Path, *,
                      signing_key: SigningKey, company: Company, cert_type: CertificateType = CertificateType.COC,
                      validator: Actor | None = None, verify_url: str = "") -> IssuedView:
    """Issue one certificate for a serial, a lot or a whole shipment, written (signed) to `output`."""
    issued: IssuedView | None = None
    try:
        with unit_of_work(factory, actor, Action.ISSUE_CERTIFICATE,
                          reason=f"{cert_type.label} for {subject.kind.value} {subject.code}") as session:
            item_ids, shipment_id, code = _resolve(session, subject)
            issued = _issue(session, actor, Subject(subject.kind, code), item_ids, shipment_id, output,
                            signing_key=signing_key, company=company, cert_type=cert_type, validator=validator,
                            verify_url=verify_url)
    except BaseException:
        if issued is not None:  # written, but the commit failed: no file without its record
            issued.path.unlink(missing_ok=True)
        raise
    return issued


def issue_per_serial(factory: sessionmaker[Session], actor: Actor, subject: Subject, folder: Path, *,
                     signing_key: SigningKey, company: Company, cert_type: CertificateType = CertificateType.COC,
                     validator: Actor | None = None, verify_url: str = "",
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> list[IssuedView]:
    """One certificate per serial of a shipment or lot; each is its own transaction, so a refused serial names
    itself and the ones before it stay issued. `cancelled` is asked between certificates: when it says yes, the
    ones issued so far are returned (fewer than the serials) and no further one is started."""
    with factory() as session:
        item_ids, _shipment, _code = _resolve(session, subject)
        serials = [code for code, in session.execute(
            select(Item.code).where(Item.id.in_(item_ids), Item.is_serial.is_(True)).order_by(Item.code))]
    if not serials:
        raise ValidationError(f"{subject.kind.value.capitalize()} {subject.code} has no serialized items; issue "
                              "one certificate for it instead of one per serial.")
    folder.mkdir(parents=True, exist_ok=True)
    issued = []
    for i, serial in enumerate(serials, 1):
        if cancelled is not None and cancelled():
            break
        issued.append(issue_certificate(factory, actor, Subject(CertificateSubject.SERIAL, serial),
                                        folder / f"{_safe(serial)}-{cert_type.value}.pdf", signing_key=signing_key,
                                        company=company, cert_type=cert_type, validator=validator,
                                        verify_url=verify_url))
        if progress is not None:
            progress(i, len(serials))
    return issued


def revoke_certificate(factory: sessionmaker[Session], actor: Actor, number: str, reason: str) -> None:
    if not reason.strip():
        raise ValidationError("Say why the certificate is revoked; the reason is kept with the record.")
    with unit_of_work(factory, actor, Action.ISSUE_CERTIFICATE, reason=reason) as session:
        record = session.scalar(select(IssuedCertificate).where(IssuedCertificate.number == number.strip()))
        if record is None:
            raise NotFound(f"There is no certificate {number}.")
        if record.revoked_at is None:
            record.revoked_at = utcnow()
            record.revoked_reason = reason.strip()


def _resolve(session: Session, subject: Subject) -> tuple[list[uuid.UUID], uuid.UUID | None, str]:
    code = subject.code.strip()
    if subject.kind is CertificateSubject.SHIPMENT:
        shipment = session.scalar(select(Shipment).where(func.upper(Shipment.number) == code.upper()))
        if shipment is None:
            raise NotFound(f"There is no shipment {code}. Check the shipment number on the delivery note.")
        ids = list(session.scalars(select(ShipmentLine.item_id).where(ShipmentLine.shipment_id == shipment.id)
                                   .distinct()))
        if not ids:
            raise ValidationError(f"Shipment {shipment.number} has no items on it yet.")
        return ids, shipment.id, shipment.number
    serial = subject.kind is CertificateSubject.SERIAL
    found = list(session.execute(select(Item.id, Item.code).where(Item.code == code, Item.is_serial.is_(serial))))
    if not found:  # a scanned barcode or tag names the item too
        found = list(session.execute(select(Item.id, Item.code).join(ItemIdentifier)
                                     .where(ItemIdentifier.value == code, Item.is_serial.is_(serial))))
    if not found:
        raise NotFound(f"There is no {subject.kind.value} {code}. Check the label, or look it up with "
                       f"`threadline item show {code}`.")
    if len(found) > 1:
        raise ValidationError(f"{len(found)} {subject.kind.value}s are called {code} (of different parts); scan "
                              "the item's own barcode instead.")
    return [found[0][0]], None, found[0][1]


def _issue(session: Session, actor: Actor, subject: Subject, item_ids: list[uuid.UUID],
           shipment_id: uuid.UUID | None, output: Path, *, signing_key: SigningKey, company: Company,
           cert_type: CertificateType, validator: Actor | None, verify_url: str) -> IssuedView:
    facts, statuses = gather_facts(session, item_ids, cert_type=cert_type, subject_kind=subject.kind,
                                   subject_code=subject.code, shipment_id=shipment_id)
    check_issuable(facts, statuses)
    check_validator(facts, validator)
    original = session.scalar(
        select(IssuedCertificate).where(IssuedCertificate.subject_kind == subject.kind,
                                        IssuedCertificate.subject_code == subject.code,
                                        IssuedCertificate.cert_type == cert_type,
                                        IssuedCertificate.is_copy.is_(False),
                                        IssuedCertificate.revoked_at.is_(None))
        .order_by(IssuedCertificate.issued_at.desc()).limit(1))
    issued_at = utcnow().replace(microsecond=0)
    number = _copy_number(session, original) if original else _next_number(session, issued_at.year)
    issuer = actor.full_name or actor.username
    is_31 = cert_type is CertificateType.EN10204_31
    signer = (validator.full_name or validator.username) if is_31 and validator else issuer
    header = IssueHeader(certificate_id=uuid7(), number=number, issued_at=issued_at, issued_by=issuer,
                         signer_name=signer, signer_meaning=VALIDATION_MEANING if is_31 else COC_MEANING,
                         validated_by=signer if is_31 else None, is_copy=original is not None,
                         reprint_of=original.number if original else None)
    digest = content_sha256(facts, header)
    pdf = render_certificate(facts, header, company=company, content_sha256=digest,
                             qr_payload=qr_payload(header, digest, verify_url), key_subject=signing_key.subject,
                             trial=signing_key.trial)
    signed = sign_pdf(pdf, signing_key, reason=f"{cert_type.label} {number}: {header.signer_meaning}",
                      signer_name=signer, location=company.name)
    session.add(IssuedCertificate(
        id=header.certificate_id, number=number, cert_type=cert_type, subject_kind=subject.kind,
        subject_code=subject.code, shipment_id=shipment_id, issued_by_id=actor.user_id, issued_at=issued_at,
        signer_name=signer, signer_meaning=header.signer_meaning,
        validated_by_id=validator.user_id if is_31 and validator else None, content_sha256=digest,
        signing_cert_sha256=signing_key.cert_sha256, trial_signature=signing_key.trial,
        is_copy=original is not None, reprint_of_id=original.id if original else None, file_name=output.name))
    session.flush()  # the record first, so the CertificateItem rows find it whatever order the flush picks
    session.add_all(CertificateItem(certificate_id=header.certificate_id, item_id=item.id) for item in facts.items)
    session.flush()  # a clash of numbers with another bench shows here, before the file exists
    _write_atomically(output, signed)
    return IssuedView(id=header.certificate_id, number=number, cert_type=cert_type, subject=subject, path=output,
                      content_sha256=digest, issued_at=issued_at, is_copy=original is not None,
                      reprint_of=header.reprint_of, trial_signature=signing_key.trial, items=len(facts.items),
                      rows=_rows(facts))


def qr_payload(header: IssueHeader, digest: str, verify_url: str) -> str:
    if verify_url:
        joiner = "&" if "?" in verify_url else "?"
        return f"{verify_url}{joiner}id={header.certificate_id}&sha256={digest}"
    # Upper case keeps the whole text in the QR alphanumeric set: a smaller code that scans from further away.
    return f"THREADLINE-CERT:{header.number}:{header.certificate_id}:{digest}".upper()


def _next_number(session: Session, year: int) -> str:
    prefix = f"CERT-{year}-"
    latest = session.scalar(select(func.max(IssuedCertificate.number))
                            .where(IssuedCertificate.number.like(f"{prefix}%"), IssuedCertificate.is_copy.is_(False)))
    sequence = int(latest[len(prefix):len(prefix) + 6]) + 1 if latest else 1
    return f"{prefix}{sequence:06d}"


def _copy_number(session: Session, original: IssuedCertificate) -> str:
    copies = session.scalar(select(func.count()).select_from(IssuedCertificate)
                            .where(IssuedCertificate.reprint_of_id == original.id)) or 0
    return f"{original.number}-C{copies + 1}"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a crash never leaves half a certificate under its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def _rows(facts: CertificateFacts) -> int:
    return len(facts.items) + len(facts.materials) + len(facts.steps) + len(facts.parameters) + len(facts.results)
