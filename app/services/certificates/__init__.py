"""Certificates of conformance and EN 10204 3.1 inspection certificates: gathered, issued under rules, signed
(PAdES) and verified."""

from app.models.certificates import CertificateSubject, CertificateType
from app.services.certificates.facts import CertificateFacts, IssueHeader
from app.services.certificates.gather import gather_facts
from app.services.certificates.issuing import (
    IssuedView,
    Subject,
    issue_certificate,
    issue_per_serial,
    qr_payload,
    revoke_certificate,
)
from app.services.certificates.rules import INSPECTION_REPRESENTATIVES, CertificateRefused
from app.services.certificates.signing import (
    PASSPHRASE_ENV,
    KeyringUnavailable,
    SigningKey,
    SigningKeyMissing,
    create_trial_key,
    keyring_available,
    load_signing_key,
    signing_key_path,
    stored_passphrase,
)
from app.services.certificates.verify import CONTENT, RECORD, SIGNATURE, Check, Verification, verify_certificate

__all__ = [
    "CONTENT", "INSPECTION_REPRESENTATIVES", "PASSPHRASE_ENV", "RECORD", "SIGNATURE", "CertificateFacts",
    "CertificateRefused", "CertificateSubject", "CertificateType", "Check", "IssueHeader", "IssuedView",
    "KeyringUnavailable", "SigningKey", "SigningKeyMissing", "Subject", "Verification", "create_trial_key",
    "gather_facts", "issue_certificate", "issue_per_serial", "keyring_available", "load_signing_key",
    "qr_payload", "revoke_certificate", "signing_key_path", "stored_passphrase", "verify_certificate",
]
