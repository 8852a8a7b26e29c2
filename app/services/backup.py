"""Backups an administrator can trust: make one, restore it into a fresh database, prove it is complete.

A backup is a file (SQLite: an online-backup copy; PostgreSQL: a `pg_dump` custom-format archive) plus a
manifest of every table's row count and content hash, taken from the *same snapshot* the backup copies —
so `restore_verify` compares the restored database with the source as it was at that moment, not with a
live database that has moved on since. The manifest also holds the audit trail's head from that snapshot:
the restore check proves the restored chain intact up to exactly that entry, and the head is appended to
the anchor log outside the database (`audit_anchors`), so cutting the trail's end off later is detected.
Pruning keeps the newest backups and refuses to leave none.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from app.db import describe_url, make_engine, make_session_factory, normalise_url
from app.services.audit_anchors import AuditHead, check_against_head, read_head, record_anchor
from app.services.errors import DomainError

MANIFEST_SUFFIX = ".manifest.json"
BATCH = 5000  # rows per fetch while hashing: memory stays flat on a multi-gigabyte table
_NAME = re.compile(r"^threadline-(sqlite|postgresql)-(\d{8}T\d{6}Z)(?:-(\d+))?\.(db|dump)$")


class BackupError(DomainError):
    pass


@dataclass(frozen=True)
class TableDigest:
    rows: int
    sha256: str
    columns: list[str]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Path
    backend: str
    tables: int
    rows: int
    bytes: int
    seconds: float
    audit_head: AuditHead | None = None  # the audit trail's last entry in the backup (None: empty trail)
    anchor_warning: str = ""  # the backup is good, but its head could not be added to the anchor log


@dataclass
class TableCheck:
    table: str
    expected_rows: int | None
    restored_rows: int | None
    ok: bool
    problem: str = ""


@dataclass
class VerifyReport:
    backup: str
    backend: str
    source: str
    backup_taken_at: str
    verified_at: str
    complete: bool
    tables: list[TableCheck] = field(default_factory=list)
    integrity: str = "not checked"
    audit_chain: str = "not checked"
    audit_chain_ok: bool = False
    seconds: float = 0.0
    report_files: list[str] = field(default_factory=list)

    @property
    def differing(self) -> list[str]:
        return [check.table for check in self.tables if not check.ok]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["differing_tables"] = self.differing
        return data

    def to_text(self) -> str:
        if self.complete:
            verdict = "COMPLETE: every table restored with the same rows and content."
        elif self.differing or self.audit_chain_ok:
            verdict = "INCOMPLETE: these tables differ from the source: " + ", ".join(self.differing)
        else:
            verdict = "INCOMPLETE: the restored audit trail does not match the backup's manifest."
        lines = [f"Restore verification of {self.backup}",
                 f"source:        {self.source} (backup taken {self.backup_taken_at})",
                 f"verified at:   {self.verified_at} in {self.seconds:.1f} s",
                 f"integrity:     {self.integrity}", f"audit trail:   {self.audit_chain}", verdict, ""]
        lines.append(f"{'table':<32} {'expected':>10} {'restored':>10}  result")
        for check in self.tables:
            lines.append(f"{check.table:<32} {_n(check.expected_rows):>10} {_n(check.restored_rows):>10}  "
                         + ("ok" if check.ok else f"DIFFERS: {check.problem}"))
        return "\n".join(lines) + "\n"


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


# --- content digests ------------------------------------------------------------------------------------

def _layout(engine_or_conn: Any) -> dict[str, tuple[list[str], list[str]]]:
    """Each table of the current schema: its columns (sorted) and the key to order rows by."""
    insp = inspect(engine_or_conn)
    layout = {}
    for table in sorted(insp.get_table_names()):
        columns = sorted(col["name"] for col in insp.get_columns(table))
        key = insp.get_pk_constraint(table).get("constrained_columns") or columns
        layout[table] = (columns, key)
    return layout


def _canonical(value: Any) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "b:" + bytes(value).hex()
    if isinstance(value, (dict, list)):
        return "j:" + json.dumps(value, sort_keys=True, default=str)
    return f"{type(value).__name__}:{value!r}"


def _digest(cursor: Any, table: str, columns: list[str], key: list[str]) -> TableDigest:
    """Rows ordered by primary key, hashed batch by batch: a set-based fingerprint of the table."""
    cols = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(f'SELECT {cols} FROM "{table}" ORDER BY ' + ", ".join(f'"{c}"' for c in key))
    sha, rows = hashlib.sha256(), 0
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            sha.update("\x1f".join(_canonical(v) for v in row).encode("utf-8", "surrogatepass") + b"\x1e")
        rows += len(batch)
    return TableDigest(rows, sha.hexdigest(), columns)


def _sqlite_digests(conn: sqlite3.Connection, path: str) -> dict[str, TableDigest]:
    layout_engine = make_engine(f"sqlite:///{path}", check=False)
    try:
        layout = _layout(layout_engine)
    finally:
        layout_engine.dispose()
    cursor = conn.cursor()
    return {table: _digest(cursor, table, cols, key) for table, (cols, key) in layout.items()}


def _pg_digests(sa_conn: Any) -> dict[str, TableDigest]:
    layout = _layout(sa_conn)
    raw = sa_conn.connection.dbapi_connection
    digests = {}
    for index, (table, (cols, key)) in enumerate(layout.items()):
        # A named (server-side) cursor streams: the client never holds a whole table.
        with raw.cursor(name=f"threadline_digest_{index}") as cursor:
            digests[table] = _digest(cursor, table, cols, key)
    return digests


# --- making backups ---------------------------------------------------------------------------------------

def default_dir() -> Path:
    from app.config import Settings, data_dir

    configured = Settings().get("backup.dir")
    return Path(configured) if configured else data_dir() / "backups"


def _target(out_dir: Path, backend: str, suffix: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = out_dir / f"threadline-{backend}-{stamp}.{suffix}", 1
    while path.exists() or Path(str(path) + ".partial").exists():
        n += 1
        path = out_dir / f"threadline-{backend}-{stamp}-{n}.{suffix}"
    return path


def backup(url: str, out_dir: Path | None = None) -> BackupResult:
    """Back up the database at `url` into `out_dir` (default: the `backup.dir` setting)."""
    url = normalise_url(url)
    parsed = make_url(url)
    out_dir = out_dir or default_dir()
    start = time.perf_counter()
    if parsed.get_backend_name() == "sqlite":
        path, digests, head = _backup_sqlite(parsed, out_dir)
        backend = "sqlite"
    else:
        path, digests, head = _backup_postgresql(url, parsed, out_dir)
        backend = "postgresql"
    manifest = Path(str(path) + MANIFEST_SUFFIX)
    taken_at = datetime.now(UTC)
    _write_json(manifest, {
        "format": 1, "backend": backend, "source": describe_url(url),
        "schema": _search_path(parsed), "taken_at": taken_at.isoformat(timespec="seconds"),
        "tables": {name: asdict(d) for name, d in digests.items()},
        "audit_head": head.to_json() if head else None,
    })
    warning = ""
    if head is not None:
        try:
            record_anchor(url, head, source=f"backup {path.name}", taken_at=taken_at)
        except OSError as exc:  # the backup itself is whole: say so, do not fail it
            warning = (f"The backup is complete, but the audit trail's head could not be added to the anchor "
                       f"log ({exc.strerror or exc}); the manifest holds it (entry {head.last_id}).")
    return BackupResult(path, manifest, backend, len(digests), sum(d.rows for d in digests.values()),
                        path.stat().st_size, time.perf_counter() - start, head, warning)


def _chained(digests: dict[str, TableDigest]) -> bool:
    """Whether the audit trail is hash-chained: a database from before schema 0005 (backed up right before
    its upgrade, say) has no chain to anchor or check."""
    return "audit_events" in digests and "entry_hash" in digests["audit_events"].columns


def _snapshot_head(cursor: Any, digests: dict[str, TableDigest]) -> AuditHead | None:
    return read_head(cursor) if _chained(digests) else None


def _backup_sqlite(parsed: URL, out_dir: Path) -> tuple[Path, dict[str, TableDigest], AuditHead | None]:
    source_path = parsed.database
    if not source_path or not Path(source_path).exists():
        raise BackupError(f"There is no SQLite database at {source_path or '(memory)'} to back up.")
    target = _target(out_dir, "sqlite", "db")
    partial = Path(str(target) + ".partial")
    source = sqlite3.connect(source_path, isolation_level=None)
    try:
        source.execute("PRAGMA busy_timeout=10000")
        # One read transaction for the digests and the copy: both see the same snapshot (WAL keeps
        # writers from disturbing it), so the manifest describes exactly what the file holds.
        source.execute("BEGIN")
        digests = _sqlite_digests(source, source_path)
        head = _snapshot_head(source.cursor(), digests)
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
        finally:
            dest.close()
        source.execute("COMMIT")
    finally:
        source.close()
    _fsync(partial)
    os.replace(partial, target)  # a file named like a backup is always a whole one
    return target, digests, head


def find_pg_tool(name: str) -> str:
    """The path of pg_dump / pg_restore: on PATH, or in the usual install folders of each platform."""
    found = shutil.which(name)
    if found:
        return found
    patterns = ["/usr/lib/postgresql/*/bin/", "/usr/pgsql-*/bin/", "/opt/homebrew/opt/postgresql*/bin/",
                "/Applications/Postgres.app/Contents/Versions/*/bin/", r"C:\Program Files\PostgreSQL\*\bin\\"]
    for pattern in patterns:
        candidates = sorted(glob.glob(pattern + name) + glob.glob(pattern + name + ".exe"), reverse=True)
        if candidates:
            return candidates[0]
    raise BackupError(f"{name} was not found on this PC. Install the PostgreSQL client tools (the same major "
                      f"version as the server or newer) and put their bin folder on PATH, then try again.")


def _pg_env(parsed: URL) -> dict[str, str]:
    """libpq settings for the client tools. The password goes in the environment of the child only —
    never on its command line, where any user could read it in the process list."""
    from app.services.credentials import connect_args

    env = dict(os.environ)
    extra = connect_args(parsed)
    password = parsed.password or extra.get("password")
    if password:
        env["PGPASSWORD"] = str(password)
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        value = parsed.query.get(key) or extra.get(key)
        if value:
            env[var] = str(value)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def _pg_args(parsed: URL, database: str | None = None) -> list[str]:
    return ["--no-password", "--host", parsed.host or "localhost", "--port", str(parsed.port or 5432),
            "--username", parsed.username or "postgres",
            "--dbname", database or parsed.database or "postgres"]


def _search_path(parsed: URL) -> str | None:
    options = parsed.query.get("options")
    options = options[0] if isinstance(options, tuple) else options
    found = re.search(r"-csearch_path=([A-Za-z0-9_]+)", options or "")
    return found.group(1) if found else None


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else f'exit code {done.returncode}'}")


def _backup_postgresql(url: str, parsed: URL, out_dir: Path
                       ) -> tuple[Path, dict[str, TableDigest], AuditHead | None]:
    pg_dump = find_pg_tool("pg_dump")
    target = _target(out_dir, "postgresql", "dump")
    partial = Path(str(target) + ".partial")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # pg_dump joins this transaction's snapshot: the manifest and the archive agree exactly.
                snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
                digests = _pg_digests(conn)
                with conn.connection.dbapi_connection.cursor() as cursor:
                    head = _snapshot_head(cursor, digests)
                command = [pg_dump, "--format=custom", "--file", str(partial), f"--snapshot={snapshot}",
                           *_pg_args(parsed)]
                schema = _search_path(parsed)
                if schema:
                    command += ["--schema", schema]
                _run(command, _pg_env(parsed), "pg_dump")
    finally:
        engine.dispose()
    _fsync(partial)
    os.replace(partial, target)
    return target, digests, head


# --- restore and verify -----------------------------------------------------------------------------------

def read_manifest(backup_path: Path) -> dict[str, Any]:
    manifest = Path(str(backup_path) + MANIFEST_SUFFIX)
    if not backup_path.exists():
        raise BackupError(f"The backup {backup_path} does not exist.")
    if not manifest.exists():
        raise BackupError(f"The backup {backup_path} has no manifest ({manifest.name}) to verify against; it "
                          "was not made by `threadline backup`.")
    return json.loads(manifest.read_text(encoding="utf-8"))


def restore_verify(backup_path: Path, *, url: str | None = None, report_dir: Path | None = None
                   ) -> VerifyReport:
    """Restore `backup_path` into a fresh database (SQLite: a temporary file; PostgreSQL: a scratch database
    on the server of `url`, dropped afterwards) and compare every table with the manifest taken from the
    source. Writes `<backup>.verify.txt` and `.verify.json` (or into `report_dir`)."""
    backup_path = Path(backup_path)
    manifest = read_manifest(backup_path)
    start = time.perf_counter()
    if manifest["backend"] == "postgresql" and (
            not url or make_url(normalise_url(url)).get_backend_name() == "sqlite"):
        raise BackupError("A PostgreSQL backup is restored on a PostgreSQL server: give its URL with --db.")
    head = AuditHead.from_json(manifest.get("audit_head"))
    try:
        if manifest["backend"] == "sqlite":
            restored, integrity, chain = _restore_sqlite(backup_path, head)
        else:
            restored, integrity, chain = _restore_postgresql(backup_path, url or "", manifest.get("schema"),
                                                             head)
    except BackupError as exc:  # a damaged backup is a finding for the report, not a crash
        restored, integrity, chain = {}, f"restore failed: {exc}", (False, "not checked (restore failed)")
    report = VerifyReport(backup=str(backup_path), backend=manifest["backend"], source=manifest["source"],
                          backup_taken_at=manifest["taken_at"],
                          verified_at=datetime.now(UTC).isoformat(timespec="seconds"), complete=False,
                          integrity=integrity, audit_chain_ok=chain[0], audit_chain=chain[1])
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(restored)):
        want, got = expected.get(table), restored.get(table)
        check = TableCheck(table, want["rows"] if want else None, got.rows if got else None, ok=False)
        if want is None:
            check.problem = "table not in the source"
        elif got is None:
            check.problem = "table missing from the restored database"
        elif want["columns"] != got.columns:
            check.problem = "columns differ"
        elif want["rows"] != got.rows:
            check.problem = f"{got.rows - want['rows']:+d} rows"
        elif want["sha256"] != got.sha256:
            check.problem = "same number of rows, different content"
        else:
            check.ok = True
        report.tables.append(check)
    report.complete = (bool(report.tables) and not report.differing and report.audit_chain_ok
                       and integrity in ("ok", "not applicable"))
    report.seconds = time.perf_counter() - start
    folder = report_dir or backup_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    text_file = folder / f"{backup_path.name}.verify.txt"
    json_file = folder / f"{backup_path.name}.verify.json"
    report.report_files = [str(text_file), str(json_file)]
    text_file.write_text(report.to_text(), encoding="utf-8")
    _write_json(json_file, report.to_json())
    return report


def _restore_sqlite(backup_path: Path, head: AuditHead | None
                    ) -> tuple[dict[str, TableDigest], str, tuple[bool, str]]:
    with tempfile.TemporaryDirectory(prefix="threadline-restore-") as folder:
        restored = os.path.join(folder, "restored.db")
        source, dest = sqlite3.connect(backup_path), sqlite3.connect(restored)
        try:
            source.backup(dest)
            integrity = "; ".join(row[0] for row in dest.execute("PRAGMA integrity_check"))
            digests = _sqlite_digests(dest, restored)
            return digests, integrity, _restored_chain(f"sqlite:///{restored}", None, head, digests)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup_path.name} cannot be read as a SQLite database ({exc})") from exc
        finally:
            source.close()
            dest.close()


@contextmanager
def scratch_database(url: str) -> Iterator[URL]:
    """A new, empty database on the server of `url` (the URL to it), dropped when done."""
    parsed = make_url(normalise_url(url))
    name = f"threadline_verify_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    try:
        with admin.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield parsed.set(database=name)
        finally:
            with admin.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def _restore_postgresql(backup_path: Path, url: str, schema: str | None, head: AuditHead | None
                        ) -> tuple[dict[str, TableDigest], str, tuple[bool, str]]:
    pg_restore = find_pg_tool("pg_restore")
    with scratch_database(url) as target:
        _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
              *_pg_args(target, target.database), str(backup_path)], _pg_env(target), "pg_restore")
        target_url = target.render_as_string(hide_password=False)
        engine = make_engine(target_url)
        try:
            with engine.connect() as conn, conn.begin():
                if schema:
                    conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
                digests = _pg_digests(conn)
        finally:
            engine.dispose()
        return digests, "not applicable", _restored_chain(target_url, schema, head, digests)


def _restored_chain(url: str, schema: str | None, head: AuditHead | None,
                    digests: dict[str, TableDigest]) -> tuple[bool, str]:
    """The restored audit trail's chain, verified entry by entry and ending at the manifest's head."""
    if not _chained(digests):
        return head is None, "not checked (the restored database has no hash-chained audit trail)"
    engine = make_engine(url, schema=schema, check=False)
    try:
        return check_against_head(make_session_factory(engine), head)
    finally:
        engine.dispose()


# --- retention -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PruneResult:
    kept: list[Path]
    deleted: list[Path]


def list_backups(folder: Path) -> list[tuple[datetime, Path]]:
    """Threadline's backups in `folder`, newest first (by the time in their name, not the file's mtime)."""
    found = []
    for path in folder.glob("threadline-*"):
        match = _NAME.match(path.name)
        if match:
            taken = datetime.strptime(match.group(2), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            found.append((taken, int(match.group(3) or 1), path))
    # Two backups within one second are named …Z and …Z-2: the counter, not the name, says which is newer.
    return [(taken, path) for taken, _n, path in sorted(found, key=lambda t: (t[0], t[1]), reverse=True)]


def prune(folder: Path | None = None, *, keep: int | None = None, max_age_days: int | None = None,
          now: datetime | None = None, dry_run: bool = False) -> PruneResult:
    """Delete backups beyond the newest `keep` that are older than `max_age_days` (0: beyond `keep`, any
    age), with their manifests and reports. The newest `keep` (at least one) are never touched."""
    from app.config import Settings

    settings = Settings()
    folder = folder or default_dir()
    keep = settings.get("backup.keep") if keep is None else keep
    max_age_days = settings.get("backup.max_age_days") if max_age_days is None else max_age_days
    if keep < 1:
        raise BackupError("Pruning must keep at least the newest backup; set backup.keep to 1 or more.")
    if max_age_days < 0:
        raise BackupError("backup.max_age_days cannot be negative; use 0 to prune by count alone.")
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=max_age_days)
    backups = list_backups(folder) if folder.exists() else []
    kept, deleted = [], []
    for index, (taken, path) in enumerate(backups):
        if index < keep or (max_age_days and taken >= cutoff):
            kept.append(path)
            continue
        deleted.append(path)
        if not dry_run:
            for companion in (path, *path.parent.glob(glob.escape(path.name) + ".*")):
                companion.unlink(missing_ok=True)
    return PruneResult(kept, deleted)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
