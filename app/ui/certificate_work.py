"""What the certificate dialog asks the worker thread to do: find the people who may validate a 3.1 certificate,
open the signing key (passphrase from the environment or the OS keyring, else the one typed into the dialog),
check the validator's password, and issue — one document, or one per serial with progress and a stop between
certificates. Plain functions, no Qt; the dialog only shows what they return or raise."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, data_dir
from app.reports.page import Company
from app.services.certificates import (
    INSPECTION_REPRESENTATIVES,
    PASSPHRASE_ENV,
    CertificateSubject,
    CertificateType,
    IssuedView,
    SigningKey,
    Subject,
    issue_certificate,
    issue_per_serial,
    keyring_available,
    load_signing_key,
    signing_key_path,
    stored_passphrase,
)
from app.services.certificates.signing import remember_passphrase
from app.services.errors import DomainError
from app.services.permissions import Actor
from app.services.users import authenticate, list_users


class PassphraseNeeded(DomainError):
    """Neither the environment nor the OS keyring gives the signing passphrase: the dialog must ask for it.
    `keyring` says whether this computer has a keyring at all (the sentence differs)."""

    def __init__(self, message: str, *, keyring: bool) -> None:
        super().__init__(message)
        self.keyring = keyring


@dataclass(frozen=True)
class Validator:
    username: str
    name: str
    role: str


@dataclass(frozen=True)
class IssueRequest:
    subject: Subject
    cert_type: CertificateType
    per_serial: bool
    folder: Path  # where the issued PDFs are kept; "Save as" copies from here
    validator: str | None = None  # username, for a 3.1 certificate
    validator_password: str = ""
    passphrase: str | None = None  # typed into the dialog; None: from the environment or the keyring
    remember: bool = False  # keep the typed passphrase in the OS keyring (never in a file)


@dataclass(frozen=True)
class IssueOutcome:
    issued: tuple[IssuedView, ...]
    total: int  # certificates asked for (serials of a batch; 1 otherwise)
    cancelled: bool
    trial: bool

    @property
    def summary(self) -> str:
        numbers = ", ".join(v.number for v in self.issued[:3]) + (" …" if len(self.issued) > 3 else "")
        if self.cancelled:
            return (f"Stopped: {len(self.issued)} of {self.total} certificates were issued ({numbers or 'none'}); "
                    "the others were not started.")
        if len(self.issued) == 1:
            view = self.issued[0]
            copy = f", a reprint marked COPY of {view.reprint_of}" if view.is_copy else ""
            return f"Issued {view.number} ({view.cert_type.label}) for {view.subject.kind.value} " \
                   f"{view.subject.code}{copy}."
        return f"Issued {len(self.issued)} certificates ({numbers})."


def validators(factory: sessionmaker[Session]) -> list[Validator]:
    """Active inspectors and quality engineers: who may validate an EN 10204 3.1 certificate."""
    return [Validator(u.username, u.full_name or u.username, u.role.label) for u in list_users(factory)
            if u.active and u.role in INSPECTION_REPRESENTATIVES]


def open_signing_key(settings: Settings, typed: str | None) -> SigningKey:
    passphrase = typed or stored_passphrase()
    if passphrase is None:
        available, why = keyring_available()
        if available:
            text = (f"The OS keyring ({why}) holds no passphrase for the signing certificate. Type it below; tick "
                    "“Remember” to keep it in the keyring.")
        else:
            text = (f"This computer has no OS keyring ({why}), and {PASSPHRASE_ENV} is not set. Type the "
                    "passphrase of the signing certificate below; it is used for this certificate only and not "
                    "stored.")
        raise PassphraseNeeded(text, keyring=available)
    return load_signing_key(signing_key_path(settings), passphrase)


def company_of(settings: Settings) -> Company:
    return Company.from_text(settings.get("company.name"), settings.get("company.address"),
                             settings.get("company.logo_file"))


def default_folder() -> Path:
    return data_dir() / "certificates"


def issue(factory: sessionmaker[Session], actor: Actor, settings: Settings, request: IssueRequest, *,
          progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> IssueOutcome:
    key = open_signing_key(settings, request.passphrase)
    if request.passphrase and request.remember:
        remember_passphrase(request.passphrase)  # only after it opened the key: a typo is not kept
    validator = None
    if request.cert_type is CertificateType.EN10204_31 and request.validator:
        validator = authenticate(factory, request.validator, request.validator_password)
    options = dict(signing_key=key, company=company_of(settings), cert_type=request.cert_type, validator=validator,
                   verify_url=settings.get("certificates.verify_url"))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder = request.folder / f"{_safe(request.subject.code)}-{stamp}"
    if request.per_serial:
        total = [0]

        def counted(done: int, of: int) -> None:
            total[0] = of
            progress(done, of)

        issued = issue_per_serial(factory, actor, request.subject, folder, progress=counted, cancelled=cancelled,
                                  **options)
        of = total[0] or len(issued)
        stopped = len(issued) < of or (not issued and cancelled())
        return IssueOutcome(tuple(issued), of, stopped, key.trial)
    progress(0, 1)
    output = folder / f"{_safe(request.subject.code)}-{request.cert_type.value}.pdf"
    view = issue_certificate(factory, actor, request.subject, output, **options)
    progress(1, 1)
    return IssueOutcome((view,), 1, False, key.trial)


def save_copies(views: tuple[IssuedView, ...], target: Path) -> list[Path]:
    """One certificate to the file `target`, or several into the folder `target`, byte for byte (the signature
    covers every byte: a re-rendered copy would not verify)."""
    if len(views) == 1 and target.suffix.lower() == ".pdf":
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(views[0].path, target)
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for view in views:
        destination = target / f"{view.number}.pdf"
        shutil.copyfile(view.path, destination)
        out.append(destination)
    return out


def subject_for(kind: CertificateSubject, code: str) -> Subject:
    return Subject(kind, code)


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)
