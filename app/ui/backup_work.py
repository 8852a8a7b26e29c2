"""The Qt-free side of Admin › Backups: what is in the backup folder (with each backup's restore-verification
verdict, read from the reports `restore_verify` writes beside it), the scheduled backup with its pruning,
and when the next one is due. Run on worker threads; no widget is touched here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings, data_dir
from app.services import backup as backups

KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class BackupEntry:
    path: Path
    taken_at: datetime  # UTC, from the file name (the moment of the snapshot, not the file's mtime)
    bytes: int
    backend: str
    complete: bool | None  # None: never verified
    verified_at: datetime | None = None
    verdict: str = ""  # the verify report's sentence

    @property
    def kind(self) -> str:
        return KINDS.get(self.backend, self.backend)


@dataclass(frozen=True)
class BackupRun:
    """A backup just made (by hand or by the schedule) and what the retention rules pruned after it."""

    result: backups.BackupResult
    pruned: list[Path]


def backup_folder(settings: Settings) -> Path:
    """The station's `backup.dir`, as `backup.default_dir()` reads it — but from the settings object the
    window was opened with, not a fresh read of the default file."""
    configured = settings.get("backup.dir")
    return Path(configured) if configured else data_dir() / "backups"


def database_url(factory: sessionmaker[Session]) -> str:
    # The URL the window's engine was made from; the password (if any) comes from the keyring, not from here.
    return factory.kw["bind"].url.render_as_string(hide_password=False)


def verdict(report: dict) -> str:
    """One sentence from a verify report (`VerifyReport.to_json()`): complete, or which tables differ."""
    if report.get("complete"):
        tables = len(report.get("tables", []))
        return (f"Complete: all {tables} tables restored with the same rows and content "
                f"(integrity {report.get('integrity', 'not checked')}).")
    problems = [f"{t['table']} ({t['problem']})" for t in report.get("tables", []) if not t.get("ok")]
    if problems:
        return "Incomplete: these tables differ from the source: " + "; ".join(problems) + "."
    if report.get("tables") and not report.get("audit_chain_ok", True):
        return f"Incomplete: the restored audit trail does not hold: {report.get('audit_chain', 'not checked')}."
    return f"Incomplete: the backup could not be restored ({report.get('integrity', 'no tables restored')})."


def list_entries(folder: Path) -> list[BackupEntry]:
    """The backups in `folder`, newest first, each with its last verification (if any)."""
    if not folder.exists():
        return []
    entries = []
    for taken, path in backups.list_backups(folder):
        try:
            size = path.stat().st_size
        except OSError:
            continue  # pruned by another station between the listing and now
        backend = "sqlite" if path.suffix == ".db" else "postgresql"
        report_file = path.parent / f"{path.name}.verify.json"
        complete, verified_at, sentence = None, None, ""
        if report_file.exists():
            try:
                report = json.loads(report_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                sentence = f"The verify report {report_file.name} cannot be read; verify again."
            else:
                complete, sentence = bool(report.get("complete")), verdict(report)
                try:
                    verified_at = datetime.fromisoformat(report.get("verified_at", ""))
                except ValueError:
                    verified_at = None
        entries.append(BackupEntry(path, taken, size, backend, complete, verified_at, sentence))
    return entries


def back_up_and_prune(url: str, folder: Path, keep: int, max_age_days: int) -> BackupRun:
    """One backup, then the retention rules: what `threadline backup` followed by `backup prune` does."""
    result = backups.backup(url, folder)
    pruned = backups.prune(folder, keep=keep, max_age_days=max_age_days).deleted
    return BackupRun(result, pruned)


def verify(path: Path, url: str) -> dict:
    """Restore `path` into a scratch database and compare; the report as JSON (it is also written beside the
    backup, where `list_entries` finds it)."""
    return backups.restore_verify(path, url=url).to_json()


def newest_backup(folder: Path) -> datetime | None:
    found = backups.list_backups(folder) if folder.exists() else []
    return found[0][0] if found else None


def next_due(newest: datetime | None, every_hours: float, now: datetime) -> datetime | None:
    """When the next scheduled backup is due: None when the schedule is off, `now` when none exists yet."""
    if every_hours <= 0:
        return None
    return now if newest is None else newest + timedelta(hours=every_hours)
