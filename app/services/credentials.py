"""The PostgreSQL password: kept in the operating system's keyring, never in the settings or the URL.

Where a machine has no keyring (a headless Linux box: keyring falls back to its failing backend), the
password comes from the environment (THREADLINE_DB_PASSWORD) or a prompt, or — only when the
administrator asks for it explicitly — from a file readable by this user alone (0600). Nothing here ever
writes a password in plain text without that explicit opt-in.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from app.config import Settings, config_dir
from app.services.errors import DomainError

log = logging.getLogger(__name__)

SERVICE = "threadline-db"
ENV_PASSWORD = "THREADLINE_DB_PASSWORD"
FILE_NAME = "db-passwords.json"
NO_KEYRING = (
    "There is no keyring on this machine (no Secret Service, KWallet, macOS Keychain or Windows Credential "
    "Manager is reachable), so the password cannot be stored safely here. Either set the environment "
    f"variable {ENV_PASSWORD} for the Threadline process (a service unit's Environment=, or the shell), "
    "or run `threadline db password set --file` to keep it in a file only you can read (plain text: "
    "anyone with your login or the disk can read it)."
)


class CredentialError(DomainError):
    """The password cannot be stored or read where asked; the message says what to do instead."""


@dataclass(frozen=True)
class Stored:
    where: str  # "keyring", "file", "environment"
    detail: str  # which keyring backend, or the file's path


def account(url: str | URL) -> str:
    """The keyring entry a URL's password lives under: user@host:port (one password per server login)."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        raise CredentialError("A SQLite database has no password; only a PostgreSQL server needs one.")
    if not parsed.username:
        raise CredentialError("The database URL names no user (postgresql://USER@host/db); name one first.")
    return f"{parsed.username}@{parsed.host or 'localhost'}:{parsed.port or 5432}"


def _keyring() -> Any | None:
    """The usable keyring backend, or None on a machine without one."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError:  # an installation without the optional package behaves like a headless box
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def keyring_available() -> bool:
    return _keyring() is not None


def keyring_name() -> str:
    backend = _keyring()
    return "none" if backend is None else f"{type(backend).__module__}.{type(backend).__name__}"


def password_file() -> Path:
    return config_dir() / FILE_NAME


def store_password(url: str, password: str, *, to_file: bool = False) -> Stored:
    """Keep `password` for the URL's user and server: in the keyring, or (opt-in) in the 0600 file."""
    if not password:
        raise CredentialError("The password is empty; nothing was stored.")
    entry = account(url)
    if to_file:
        path = password_file()
        entries = _read_file(path) if path.exists() else {}
        entries[entry] = password
        _write_private(path, entries)
        log.warning("The database password for %s is now stored in plain text in %s (explicit opt-in).",
                    entry, path)
        return Stored("file", str(path))
    backend = _keyring()
    if backend is None:
        raise CredentialError(NO_KEYRING)
    backend.set_password(SERVICE, entry, password)
    return Stored("keyring", keyring_name())


def get_password(url: str | URL) -> tuple[str, Stored] | None:
    """The password for the URL's login and where it came from: environment, keyring, then the opt-in
    file; None when none of them has one (libpq may still find ~/.pgpass, or the server may trust us)."""
    env = os.environ.get(ENV_PASSWORD)
    if env:
        return env, Stored("environment", ENV_PASSWORD)
    entry = account(url)
    backend = _keyring()
    if backend is not None:
        try:
            found = backend.get_password(SERVICE, entry)
        except Exception as exc:  # a locked or broken keyring must not stop a connection that needs none
            log.warning("The keyring could not be read (%s); trying the other sources.", exc)
            found = None
        if found:
            return found, Stored("keyring", keyring_name())
    path = password_file()
    if path.exists():
        found = _read_file(path).get(entry)
        if found:
            return found, Stored("file", str(path))
    return None


def delete_password(url: str) -> list[str]:
    """Forget the password wherever Threadline stored it; returns where it was removed from."""
    entry = account(url)
    removed = []
    backend = _keyring()
    if backend is not None:
        try:
            backend.delete_password(SERVICE, entry)
            removed.append("keyring")
        except Exception:  # keyring.errors.PasswordDeleteError: there was none
            pass
    path = password_file()
    if path.exists():
        entries = _read_file(path)
        if entries.pop(entry, None) is not None:
            removed.append(str(path))
            if entries:
                _write_private(path, entries)
            else:
                path.unlink()
    return removed


def connect_args(url: URL, settings: Settings | None = None) -> dict[str, Any]:
    """What a PostgreSQL connection needs beside its URL: the stored password (never put into the URL, so
    it shows up in no log or error message) and the TLS settings when the URL does not set them."""
    args: dict[str, Any] = {}
    if url.password is None and url.username:
        found = get_password(url)
        if found is not None:
            args["password"] = found[0]
    settings = settings or Settings()
    for key in ("sslmode", "sslrootcert"):
        value = settings.get(f"db.{key}")
        if value and key not in url.query:
            args[key] = value
    return args


def _read_file(path: Path) -> dict[str, str]:
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        # The same rule as ssh and libpq's .pgpass: a secret others can read is not used.
        raise CredentialError(f"The password file {path} can be read by other users; Threadline does not "
                              f"use it. Run `chmod 600 {path}` or delete it and store the password again.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CredentialError(f"The password file {path} cannot be read ({exc}). Delete it and run "
                              "`threadline db password set --file` again.") from exc
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_private(path: Path, entries: dict[str, str]) -> None:
    """Write the file created 0600 from the start (not chmod afterwards: no moment where others can read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.unlink(missing_ok=True)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(entries, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
