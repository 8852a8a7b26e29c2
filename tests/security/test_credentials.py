"""The PostgreSQL password: in the keyring when there is one; on a box without one a clear sentence and the
environment path; a plain-text file only on explicit request, created 0600; never in the URL or settings."""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

from app import cli
from app.config import config_dir, data_dir
from app.db import make_engine
from app.services import credentials
from tests.conftest import PG_URL

SECRET = "correct-horse-battery-staple"


class MemoryKeyring(KeyringBackend):
    """A keyring backend in the process (what Secret Service or the Windows vault are to a desktop)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@pytest.fixture
def no_keyring(monkeypatch) -> Iterator[None]:
    """This machine as a headless server: keyring's failing backend (which is what it picks here)."""
    monkeypatch.delenv(credentials.ENV_PASSWORD, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)
    credentials.password_file().unlink(missing_ok=True)


@pytest.fixture
def memory_keyring(monkeypatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv(credentials.ENV_PASSWORD, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old, sys.stdin = sys.stdin, io.StringIO(stdin)  # a script piping the password in
    try:
        code = cli.execute(cli.parse_args(argv), out, err)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def files_containing(secret: str) -> list[Path]:
    found = []
    for root in (config_dir(), data_dir()):
        for path in root.rglob("*") if root.exists() else ():
            if path.is_file() and secret.encode() in path.read_bytes():
                found.append(path)
    return found


def password_used_by(engine) -> str | None:
    with engine.connect() as conn:
        return conn.connection.dbapi_connection.info.password


def test_no_keyring_is_said_plainly_and_nothing_is_written(no_keyring, capsys):
    assert not credentials.keyring_available()
    code, out, err = run(["--db", PG_URL, "db", "password", "set"], stdin=SECRET + "\n")
    assert code == 1
    assert "There is no keyring on this machine" in err and "THREADLINE_DB_PASSWORD" in err
    assert "--file" in err
    with pytest.raises(credentials.CredentialError, match="no keyring on this machine"):
        credentials.store_password(PG_URL, SECRET)
    assert files_containing(SECRET) == []
    assert credentials.get_password(PG_URL) is None


def test_environment_password_reaches_the_connection_not_the_url(no_keyring, monkeypatch):
    monkeypatch.setenv(credentials.ENV_PASSWORD, SECRET)
    assert credentials.get_password(PG_URL) == (SECRET, credentials.Stored("environment",
                                                                          "THREADLINE_DB_PASSWORD"))
    engine = make_engine(PG_URL)
    try:
        assert password_used_by(engine) == SECRET  # libpq sent it (the local test server trusts anyway)
        assert SECRET not in engine.url.render_as_string(hide_password=False)
    finally:
        engine.dispose()
    code, out, _ = run(["--db", PG_URL, "db", "password", "status"])
    assert code == 0 and "no keyring on this machine" in out and "environment" in out


def test_keyring_stores_gets_and_clears(memory_keyring):
    code, out, _ = run(["--db", PG_URL, "db", "password", "set"], stdin=SECRET + "\n")
    assert code == 0 and "stored in the keyring" in out
    assert memory_keyring.entries == {(credentials.SERVICE, "postgres@127.0.0.1:5432"): SECRET}
    assert files_containing(SECRET) == []
    engine = make_engine(PG_URL)
    try:
        assert password_used_by(engine) == SECRET
    finally:
        engine.dispose()
    code, out, _ = run(["--db", PG_URL, "db", "password", "clear"])
    assert code == 0 and "removed from: keyring" in out
    assert memory_keyring.entries == {} and credentials.get_password(PG_URL) is None


def test_plain_text_file_only_on_request_and_private(no_keyring):
    code, out, err = run(["--db", PG_URL, "db", "password", "set", "--file"], stdin=SECRET + "\n")
    assert code == 0 and "WARNING" not in out
    path = credentials.password_file()
    assert files_containing(SECRET) == [path]
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert credentials.get_password(PG_URL)[0] == SECRET

    path.chmod(0o644)  # someone loosened it: the secret is no longer trusted, and the message says why
    if os.name == "posix":
        with pytest.raises(credentials.CredentialError, match="can be read by other users"):
            credentials.get_password(PG_URL)
    path.chmod(0o600)
    code, out, _ = run(["--db", PG_URL, "db", "password", "clear"])
    assert code == 0 and not path.exists()


def test_file_opt_in_warns_on_stderr(no_keyring, capfd):
    # cli.execute's `err` is for errors; the plain-text warning goes to the process's stderr.
    code, _, _ = run(["--db", PG_URL, "db", "password", "set", "--file"], stdin=SECRET + "\n")
    assert code == 0
    assert "plain text" in capfd.readouterr().err


def test_sqlite_has_no_password(no_keyring, tmp_path):
    code, _, err = run(["--db", f"sqlite:///{tmp_path / 'x.db'}", "db", "password", "set"], stdin="x\n")
    assert code == 1 and "SQLite database has no password" in err


def test_tls_settings_join_the_connection_unless_the_url_sets_them(no_keyring, tmp_path):
    from app.config import Settings
    from sqlalchemy.engine import make_url

    settings = Settings(tmp_path / "settings.json")
    settings.set("db.sslmode", "verify-full")
    settings.set("db.sslrootcert", "/etc/threadline/ca.pem")
    plain = credentials.connect_args(make_url("postgresql+psycopg://u@db.example/threadline"), settings)
    assert plain == {"sslmode": "verify-full", "sslrootcert": "/etc/threadline/ca.pem"}
    explicit = credentials.connect_args(make_url("postgresql+psycopg://u@db/t?sslmode=require"), settings)
    assert explicit == {"sslrootcert": "/etc/threadline/ca.pem"}
