"""`threadline certificate issue|verify|init-key|revoke`: signed certificates of conformance and EN 10204 3.1
inspection certificates from the terminal, and the check a customer or auditor runs on one."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from app.cli_common import login, open_database, read_secret
from app.config import Settings
from app.reports.page import Company
from app.services.certificates import (
    PASSPHRASE_ENV,
    CertificateSubject,
    CertificateType,
    SigningKey,
    Subject,
    create_trial_key,
    issue_certificate,
    issue_per_serial,
    keyring_available,
    load_signing_key,
    revoke_certificate,
    signing_key_path,
    stored_passphrase,
    verify_certificate,
)
from app.services.certificates.signing import headless_hint, remember_passphrase
from app.services.errors import DomainError


def add_commands(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("certificate", help="issue and verify signed certificates (CoC, EN 10204 3.1)") \
        .add_subparsers(dest="certificate_command", required=True)
    issue = sub.add_parser("issue", help="issue a signed certificate PDF for a serial, a lot or a shipment",
                           description="Issue a certificate. Issuing again for the same subject and type makes "
                                       "a reprint, marked COPY. The signing passphrase comes from the OS keyring, "
                                       f"else {PASSPHRASE_ENV}, else it is asked for.")
    what = issue.add_mutually_exclusive_group(required=True)
    what.add_argument("--serial", metavar="S")
    what.add_argument("--lot", metavar="L")
    what.add_argument("--shipment", metavar="SH")
    issue.add_argument("--type", choices=[t.value for t in CertificateType], default=CertificateType.COC.value,
                       help="coc: certificate of conformance with traceability (default); 3.1: EN 10204 3.1")
    issue.add_argument("--per-serial", action="store_true",
                       help="one certificate per serial of the shipment or lot; -o is then a folder")
    issue.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.pdf")
    issue.add_argument("--as", dest="as_user", required=True, metavar="USER",
                       help="the supervisor or quality engineer issuing it (password asked for)")
    issue.add_argument("--validated-by", metavar="USER",
                       help="3.1 only: the authorised inspection representative (inspector or quality "
                            "engineer, not an operator of the steps); their password is asked for")
    verify = sub.add_parser("verify", help="check a certificate PDF: signature, content hash, issued record")
    verify.add_argument("file", type=Path, metavar="FILE.pdf")
    verify.add_argument("--json", action="store_true")
    init = sub.add_parser("init-key", help="create the organisation's signing certificate for trials")
    init.add_argument("--trial", action="store_true", required=True,
                      help="a self-signed certificate, marked TRIAL on every certificate it signs")
    init.add_argument("--organisation", help="name in the certificate (default: the company.name setting)")
    revoke = sub.add_parser("revoke", help="revoke an issued certificate; verify then reports it")
    revoke.add_argument("number", metavar="CERT-NUMBER")
    revoke.add_argument("--reason", required=True)
    revoke.add_argument("--as", dest="as_user", required=True, metavar="USER")


def run(args: argparse.Namespace, out: TextIO) -> int:
    command = args.certificate_command
    if command == "init-key":
        return _init_key(args, out)
    factory = open_database(args)
    if command == "verify":
        result = verify_certificate(args.file, factory)
        if args.json:
            json.dump(result.as_json(), out, indent=2, ensure_ascii=False)
            print(file=out)
        else:
            print(f"{args.file}: {'VALID' if result.ok else 'NOT VALID'}"
                  + (f" ({result.number})" if result.number else ""), file=out)
            for check in result.checks:
                print(f"  [{'ok' if check.passed else 'FAIL'}] {check.name}: {check.detail}", file=out)
            if result.ok and result.trial_signature:
                print("  note: signed with a self-signed TRIAL certificate", file=out)
        return 0 if result.ok else 1
    actor = login(factory, args.as_user)
    if command == "revoke":
        revoke_certificate(factory, actor, args.number, args.reason)
        print(f"Revoked {args.number}.", file=out)
        return 0
    validator = login(factory, args.validated_by) if args.validated_by else None
    settings = Settings()
    key = _signing_key(settings)
    company = Company.from_text(settings.get("company.name"), settings.get("company.address"),
                                settings.get("company.logo_file"))
    kind, code = next((k, v) for k, v in ((CertificateSubject.SERIAL, args.serial), (CertificateSubject.LOT, args.lot),
                                          (CertificateSubject.SHIPMENT, args.shipment)) if v)
    options = dict(signing_key=key, company=company, cert_type=CertificateType(args.type), validator=validator,
                   verify_url=settings.get("certificates.verify_url"))
    if args.per_serial:
        progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
        issued = issue_per_serial(factory, actor, Subject(kind, code), args.output, progress=progress, **options)
    else:
        issued = [issue_certificate(factory, actor, Subject(kind, code), args.output, **options)]
    for view in issued:
        copy = f" — a reprint, marked COPY of {view.reprint_of}" if view.is_copy else ""
        print(f"Issued {view.number} ({view.cert_type.label}) for {view.subject.kind.value} {view.subject.code}: "
              f"{view.path}{copy}", file=out)
    if key.trial:
        print("Note: signed with a self-signed TRIAL certificate; the documents say so. Install the organisation's "
              "certificate (setting certificates.signing_key_file) before sending certificates to customers.",
              file=out)
    return 0


def _signing_key(settings: Settings) -> SigningKey:
    path = signing_key_path(settings)
    passphrase = stored_passphrase()
    if passphrase is None:
        available, why = keyring_available()
        hint = (f"{headless_hint()} ({why})" if not available else
                f"The OS keyring ({why}) holds no passphrase for the signing certificate; `threadline certificate "
                "init-key` stores it there, or set " + PASSPHRASE_ENV + ".")
        if sys.stdin.isatty():
            print(f"threadline: {hint}", file=sys.stderr)
        try:
            passphrase = read_secret(f"Passphrase of the signing certificate {path}: ")
        except DomainError as exc:
            raise DomainError(f"{exc} {hint}") from exc
    return load_signing_key(path, passphrase)


def _init_key(args: argparse.Namespace, out: TextIO) -> int:
    settings = Settings()
    path = signing_key_path(settings)
    organisation = args.organisation or settings.get("company.name") or "Threadline"
    from_env = os.environ.get(PASSPHRASE_ENV)
    passphrase = from_env or read_secret("New passphrase for the signing certificate: ")
    if not from_env and sys.stdin.isatty() and read_secret("Repeat the passphrase: ") != passphrase:
        raise DomainError("The two passphrases differ; no certificate was made. Run the command again.")
    key = create_trial_key(path, organisation, passphrase)
    print(f"Created a self-signed TRIAL signing certificate for {organisation}: {path} "
          f"(valid until {key.not_after:%Y-%m-%d}). Certificates it signs say they are trial ones.", file=out)
    available, why = keyring_available()
    if available:
        remember_passphrase(passphrase)
        print(f"The passphrase is kept in the OS keyring ({why}).", file=out)
    elif from_env:
        print(f"The passphrase came from {PASSPHRASE_ENV}; keep it there (no OS keyring here).", file=out)
    else:
        print(f"The passphrase was NOT stored: {headless_hint()}", file=out)
    return 0


class _Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, done: int, total: int) -> None:
        print(f"\rissuing certificates: {done}/{total}", end="\n" if done >= total else "", file=self.stream,
              flush=True)
