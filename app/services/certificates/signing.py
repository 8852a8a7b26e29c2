"""The organisation's signing key: a PKCS#12 file whose passphrase lives in the OS keyring (or, on a headless
box with no keyring, in THREADLINE_SIGNING_PASSPHRASE), a self-signed trial key on request, and PAdES signing
with pyHanko. The passphrase is never written anywhere in plain text by Threadline."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.config import Settings, data_dir
from app.services.errors import DomainError, NotFound, ValidationError

PASSPHRASE_ENV = "THREADLINE_SIGNING_PASSPHRASE"
KEYRING_SERVICE, KEYRING_USER = "threadline", "certificate-signing-key"
TRIAL_MARK = "Threadline TRIAL (self-signed)"  # organisational unit of a trial certificate


class KeyringUnavailable(DomainError):
    """No OS keyring here (a headless server, a container): the passphrase must come another way."""


class SigningKeyMissing(NotFound):
    pass


def signing_key_path(settings: Settings | None = None) -> Path:
    configured = (settings or Settings()).get("certificates.signing_key_file")
    return Path(configured) if configured else data_dir() / "signing" / "organisation.p12"


def keyring_available() -> tuple[bool, str]:
    """Whether a real OS keyring backend is there, and its name (or why not), without touching secrets."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - keyring is a dependency
        return False, "the keyring package is not installed"
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return False, f"no OS keyring backend is available ({type(backend).__module__})"
    return True, type(backend).__name__


def headless_hint() -> str:
    return (f"There is no OS keyring on this computer (a headless box or a container), so the signing "
            f"passphrase cannot be kept there. Set {PASSPHRASE_ENV} in the environment of the process that "
            "issues certificates (from a secrets manager, not a file in the repository), or issue from a "
            "terminal, where the passphrase is asked for.")


def stored_passphrase() -> str | None:
    """The passphrase from the environment, else from the OS keyring; None if neither has it."""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    available, _ = keyring_available()
    if not available:
        return None
    import keyring
    return keyring.get_password(KEYRING_SERVICE, KEYRING_USER)


def remember_passphrase(passphrase: str) -> None:
    available, why = keyring_available()
    if not available:
        raise KeyringUnavailable(headless_hint() + f" ({why})")
    import keyring
    keyring.set_password(KEYRING_SERVICE, KEYRING_USER, passphrase)


@dataclass(frozen=True)
class SigningKey:
    signer: object  # pyhanko SimpleSigner
    cert_der: bytes
    subject: str
    trial: bool
    not_after: datetime

    @property
    def cert_sha256(self) -> str:
        return hashlib.sha256(self.cert_der).hexdigest()


def load_signing_key(path: Path, passphrase: str) -> SigningKey:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
    from pyhanko.sign import signers

    if not path.exists():
        raise SigningKeyMissing(
            f"There is no signing certificate at {path}. Put the organisation's PKCS#12 file there (or point "
            "the setting certificates.signing_key_file at it), or create a self-signed trial one with "
            "`threadline certificate init-key --trial`.")
    data = path.read_bytes()
    try:
        _key, cert, _extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError as exc:
        raise ValidationError(f"The signing certificate {path} could not be opened: the passphrase is wrong or "
                              "the file is not a PKCS#12 file.") from exc
    if cert is None:
        raise ValidationError(f"The PKCS#12 file {path} holds no certificate; export it again with the "
                              "certificate included.")
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=passphrase.encode("utf-8"))
    units = [a.value for a in cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)]
    trial = TRIAL_MARK in units or cert.subject == cert.issuer
    names = [a.value for oid in (x509.NameOID.COMMON_NAME, x509.NameOID.ORGANIZATION_NAME)
             for a in cert.subject.get_attributes_for_oid(oid)]
    subject = ", ".join(str(n) for n in dict.fromkeys(names)) or cert.subject.rfc4514_string()
    return SigningKey(signer=signer, cert_der=cert.public_bytes(Encoding.DER), subject=subject,
                      trial=trial, not_after=cert.not_valid_after_utc)


def create_trial_key(path: Path, organisation: str, passphrase: str, *, years: int = 2) -> SigningKey:
    """A self-signed certificate for trials, clearly marked as one in its subject; refuses to overwrite."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    if path.exists():
        raise ValidationError(f"A signing certificate already exists at {path}; it was kept. Delete it first if "
                              "a new trial certificate is really wanted (certificates it signed stay verifiable "
                              "only with their record).")
    if len(passphrase) < 8:
        raise ValidationError("The signing passphrase needs at least 8 characters.")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(x509.NameOID.COMMON_NAME, f"{organisation or 'Threadline'} certificate signing"),
        x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, organisation or "Threadline"),
        x509.NameAttribute(x509.NameOID.ORGANIZATIONAL_UNIT_NAME, TRIAL_MARK),
    ])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    blob = pkcs12.serialize_key_and_certificates(b"threadline-signing", key, cert, None,
                                                 BestAvailableEncryption(passphrase.encode("utf-8")))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Only the owner may read the key file; the passphrase protects it, the permissions keep it from casual copies.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(blob)
    return load_signing_key(path, passphrase)


def sign_pdf(pdf: bytes, key: SigningKey, *, reason: str, signer_name: str, location: str = "") -> bytes:
    """PAdES baseline signature over the whole document, in one incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="ThreadlineSignature", md_algorithm="sha256",
                                        subfilter=SigSeedSubFilter.PADES, reason=reason, name=signer_name,
                                        location=location or None)
    out = signers.sign_pdf(writer, meta, signer=key.signer)
    return out.getvalue()
