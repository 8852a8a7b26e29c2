"""`threadline backup`, `backup prune`, `restore --verify` and `db password set|clear` on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from app.cli_common import read_secret
from app.config import Settings
from app.db import describe_url
from app.services import backup as backups
from app.services import credentials
from app.services.audit_anchors import anchor_log
from app.services.errors import DomainError


def add_commands(commands: Any, db: Any) -> None:
    """Register the commands; `db` is the `threadline db …` sub-command group, which gets `password`."""
    make = commands.add_parser("backup", help="back up the database (SQLite online backup, PostgreSQL "
                               "pg_dump) with a manifest of row counts and content hashes")
    make.add_argument("-o", "--output", metavar="DIR", type=Path,
                      help="folder for the backup (default: the backup.dir setting)")
    make.add_argument("--json", action="store_true")
    sub = make.add_subparsers(dest="backup_command", metavar="prune")
    prune = sub.add_parser("prune", help="delete old backups: keeps the newest backup.keep, deletes those "
                           "older than backup.max_age_days beyond them")
    prune.add_argument("-o", "--output", metavar="DIR", type=Path,
                       help="the backup folder (default: backup.dir)")
    prune.add_argument("--keep", type=int, help="newest backups always kept (default: backup.keep)")
    prune.add_argument("--max-age-days", type=int,
                       help="default: backup.max_age_days; 0 prunes by count alone")
    prune.add_argument("--dry-run", action="store_true", help="say what would be deleted, delete nothing")

    restore = commands.add_parser("restore", help="restore a backup into a fresh scratch database and prove "
                                  "it complete (the live database is never touched)")
    restore.add_argument("--verify", required=True, metavar="BACKUP", type=Path,
                         help="the backup file to restore and compare with its manifest")
    restore.add_argument("--json", action="store_true", help="print the report as JSON")
    restore.add_argument("--report-dir", type=Path, help="where the .verify.txt/.json reports go "
                         "(default: beside the backup)")

    password = db.add_parser("password", help="the PostgreSQL password, kept in the OS keyring")
    action = password.add_subparsers(dest="password_command", required=True)
    store = action.add_parser("set", help="store the password of the --db URL's user (asked for, or one line "
                              "on stdin)")
    store.add_argument("--file", action="store_true",
                       help="on a machine without a keyring: keep it in a file only you can read (0600). "
                       "That is plain text: use it only when the keyring and THREADLINE_DB_PASSWORD "
                       "cannot serve")
    action.add_parser("clear", help="forget the stored password")
    action.add_parser("status", help="where the password would come from on this machine")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "db":
        return _password(args, out)
    url = Settings().db_url(args.db)
    if args.command == "restore":
        return _restore(args, url, out)
    if args.backup_command == "prune":
        return _prune(args, out)
    result = backups.backup(url, args.output)
    if args.json:
        json.dump({"path": str(result.path), "manifest": str(result.manifest), "backend": result.backend,
                   "tables": result.tables, "rows": result.rows, "bytes": result.bytes,
                   "seconds": round(result.seconds, 3),
                   "audit_head": result.audit_head.to_json() if result.audit_head else None,
                   "anchor_warning": result.anchor_warning or None}, out, indent=2)
        print(file=out)
    else:
        print(f"Backed up {describe_url(url)}: {result.tables} tables, {result.rows} rows, "
              f"{result.bytes / 1e6:.1f} MB in {result.seconds:.1f} s\n  {result.path}\n  {result.manifest}",
              file=out)
        if result.audit_head is not None and not result.anchor_warning:
            print(f"Audit trail head (entry {result.audit_head.last_id}) recorded in the manifest and in "
                  f"{anchor_log()}.", file=out)
    if result.anchor_warning:
        print(f"WARNING: {result.anchor_warning}", file=sys.stderr)
    return 0


def _restore(args: argparse.Namespace, url: str, out: TextIO) -> int:
    report = backups.restore_verify(args.verify, url=url, report_dir=args.report_dir)
    if args.json:
        json.dump(report.to_json(), out, indent=2)
        print(file=out)
    else:
        print(report.to_text(), file=out, end="")
        print("reports: " + ", ".join(report.report_files), file=out)
    return 0 if report.complete else 2


def _prune(args: argparse.Namespace, out: TextIO) -> int:
    result = backups.prune(args.output, keep=args.keep, max_age_days=args.max_age_days, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    for path in result.deleted:
        print(f"{verb} {path}", file=out)
    print(f"{len(result.kept)} backups kept, {len(result.deleted)} {verb}.", file=out)
    return 0


def _password(args: argparse.Namespace, out: TextIO) -> int:
    url = Settings().db_url(args.db)
    entry = credentials.account(url)
    if args.password_command == "status":
        found = credentials.get_password(url)
        print(f"login:   {entry}\nkeyring: {credentials.keyring_name()}"
              + ("" if credentials.keyring_available() else " (no keyring on this machine)")
              + f"\nsource:  {found[1].where + ' ' + found[1].detail if found else 'none stored'}", file=out)
        return 0
    if args.password_command == "clear":
        removed = credentials.delete_password(url)
        print(f"Password for {entry} removed from: {', '.join(removed)}." if removed
              else f"No stored password for {entry}.", file=out)
        return 0
    if not args.file and not credentials.keyring_available():
        raise DomainError(credentials.NO_KEYRING)  # before asking: a password typed for nothing is wasted
    password = read_secret(f"Database password for {entry}: ")
    stored = credentials.store_password(url, password, to_file=args.file)
    if stored.where == "file":
        print(f"WARNING: the password is stored in plain text in {stored.detail} (readable by your user "
              "only). Anyone who can log in as you or read the disk can read it.", file=sys.stderr)
    print(f"Password for {entry} stored in the {stored.where} ({stored.detail}).", file=out)
    return 0
