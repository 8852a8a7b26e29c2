"""Verifying an issued certificate PDF: (a) its digital signature is valid and covers the whole file, made with
the signing key on record; (b) the content hash it carries matches the issued record; (c) that record exists
and is not revoked. Each check says in plain words whether it passed and, if not, why."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models.certificates import IssuedCertificate

SIGNATURE, CONTENT, RECORD = "signature", "content hash", "record"
_KEYWORDS = re.compile(r"threadline-certificate number=(?P<number>\S+) id=(?P<id>[0-9a-f-]{36}) "
                       r"sha256=(?P<sha>[0-9a-f]{64})")


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Verification:
    path: Path
    number: str | None = None
    certificate_id: uuid.UUID | None = None
    content_sha256: str | None = None
    signer: str | None = None
    trial_signature: bool = False
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "valid": self.ok, "number": self.number,
                "certificate_id": str(self.certificate_id) if self.certificate_id else None,
                "content_sha256": self.content_sha256, "signer": self.signer,
                "trial_signature": self.trial_signature,
                "checks": [{"check": c.name, "passed": c.passed, "detail": c.detail} for c in self.checks]}


def verify_certificate(path: Path, factory: sessionmaker[Session]) -> Verification:
    result = Verification(path=Path(path))
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        result.checks.append(Check(SIGNATURE, False, f"The file cannot be read: {exc.strerror or exc}."))
        return result
    signer_fingerprint = _check_signature(data, result)
    record = _check_record(factory, result)
    _check_content(result, record)
    if record is not None and signer_fingerprint is not None and record.signing_cert_sha256 \
            and record.signing_cert_sha256 != signer_fingerprint:
        result.checks[0] = Check(SIGNATURE, False, "The signature is intact but was made with a different key than "
                                 "the one this certificate was issued with: it is not the issued document.")
    return result


def _check_signature(data: bytes, result: Verification) -> str | None:
    """Fills in the signature check and the identity the document carries; returns the signer's fingerprint."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        _read_identity(reader, result)
        signatures = reader.embedded_signatures
    except Exception as exc:  # pyhanko raises many kinds for a damaged file; all mean "not a readable signed PDF"
        result.checks.append(Check(SIGNATURE, False, f"The file is not a readable signed PDF ({_short(exc)}): it "
                                   "was damaged or altered."))
        return None
    if len(signatures) != 1:
        result.checks.append(Check(SIGNATURE, False, f"The document carries {len(signatures)} digital signatures; "
                                   "an issued certificate carries exactly one."))
        return None
    embedded = signatures[0]
    try:
        cert = embedded.signer_cert
        # Trust is anchored in the database record (the key fingerprint), not in a public CA: the signer's own
        # certificate is the root here, and the record check below confirms it is the organisation's key.
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[cert], allow_fetching=False))
    except Exception as exc:
        result.checks.append(Check(SIGNATURE, False, f"The signature cannot be checked ({_short(exc)}): the "
                                   "document was altered after signing."))
        return None
    names = cert.subject.native
    result.signer = ", ".join(dict.fromkeys(n for n in (names.get("common_name"), names.get("organization_name"))
                                            if n)) or cert.subject.human_friendly
    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    if not status.intact:
        result.checks.append(Check(SIGNATURE, False, "The document was altered after it was signed: its bytes no "
                                   "longer match the signature."))
    elif not status.valid:
        result.checks.append(Check(SIGNATURE, False, "The signature value does not match the signer's key."))
    elif status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        result.checks.append(Check(SIGNATURE, False, "The signature does not cover the whole file: something was "
                                   "added after signing."))
    else:
        result.checks.append(Check(SIGNATURE, True, f"Valid PAdES signature over the whole document by "
                                   f"{result.signer}."))
    return fingerprint


def _read_identity(reader: Any, result: Verification) -> None:
    trailer = reader.trailer_view
    info = trailer["/Info"] if "/Info" in trailer else None  # indexing resolves the indirect reference
    keywords = str(info["/Keywords"]) if info is not None and "/Keywords" in info else ""
    found = _KEYWORDS.search(keywords)
    if found:
        result.number = found["number"]
        result.certificate_id = uuid.UUID(found["id"])
        result.content_sha256 = found["sha"]


def _check_record(factory: sessionmaker[Session], result: Verification) -> IssuedCertificate | None:
    if result.certificate_id is None:
        result.checks.append(Check(RECORD, False, "The document carries no Threadline certificate id, so it matches "
                                   "no issued record."))
        return None
    with factory() as session:
        record = session.scalar(select(IssuedCertificate).where(IssuedCertificate.id == result.certificate_id))
        if record is not None:
            session.expunge(record)
    if record is None:
        result.checks.append(Check(RECORD, False, f"No certificate {result.number} ({result.certificate_id}) was "
                                   "ever issued from this database."))
        return None
    result.trial_signature = record.trial_signature
    if record.number != result.number:
        result.checks.append(Check(RECORD, False, f"The document calls itself {result.number}, but the record "
                                   f"with its id is {record.number}."))
    elif record.revoked_at is not None:
        result.checks.append(Check(RECORD, False, f"Certificate {record.number} was revoked on "
                                   f"{record.revoked_at:%Y-%m-%d %H:%M} UTC: {record.revoked_reason}"))
    else:
        copy = " (a reprint, marked COPY)" if record.is_copy else ""
        issued = record.issued_at.strftime("%Y-%m-%d %H:%M")
        result.checks.append(Check(RECORD, True, f"Issued record {record.number}{copy}, {issued} UTC, signed by "
                                   f"{record.signer_name}; not revoked."))
    return record


def _check_content(result: Verification, record: IssuedCertificate | None) -> None:
    if result.content_sha256 is None:
        result.checks.append(Check(CONTENT, False, "The document carries no content hash."))
    elif record is None:
        result.checks.append(Check(CONTENT, False, "There is no record to compare the content hash with."))
    elif record.content_sha256 != result.content_sha256:
        result.checks.append(Check(CONTENT, False, "The content hash in the document differs from the issued "
                                   "record: the document states something other than what was issued."))
    else:
        result.checks.append(Check(CONTENT, True, f"Content SHA-256 {result.content_sha256[:16]}… matches the "
                                   "issued record."))


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
