"""The signing key: a trial certificate says it is one, the passphrase comes from the keyring or the environment,
and a headless box without a keyring is told plainly what to do instead."""

from __future__ import annotations

import stat

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from app.services.certificates import (
    PASSPHRASE_ENV,
    KeyringUnavailable,
    SigningKeyMissing,
    create_trial_key,
    keyring_available,
    load_signing_key,
    stored_passphrase,
)
from app.services.certificates.signing import remember_passphrase
from app.services.errors import ValidationError


class MemoryKeyring(KeyringBackend):
    """A real keyring backend kept in memory, standing in for the desktop's Secret Service or Credential Locker."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture
def backend(monkeypatch):
    previous = keyring.get_keyring()
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def test_a_trial_key_is_marked_and_private(tmp_path):
    path = tmp_path / "signing" / "organisation.p12"
    key = create_trial_key(path, "Acme Valves GmbH", "trial-passphrase-1")
    assert key.trial and "Acme Valves GmbH" in key.subject and len(key.cert_sha256) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_signing_key(path, "trial-passphrase-1")
    assert again.trial and again.cert_sha256 == key.cert_sha256
    with pytest.raises(ValidationError, match="already exists"):
        create_trial_key(path, "Acme Valves GmbH", "trial-passphrase-1")
    with pytest.raises(ValidationError, match="passphrase is wrong"):
        load_signing_key(path, "not-the-passphrase")
    with pytest.raises(SigningKeyMissing, match="init-key --trial"):
        load_signing_key(tmp_path / "none.p12", "x")


def test_headless_without_keyring_says_what_to_do(backend, monkeypatch):
    backend(fail.Keyring())
    available, why = keyring_available()
    assert not available and "no OS keyring" in why
    assert stored_passphrase() is None
    with pytest.raises(KeyringUnavailable, match=PASSPHRASE_ENV):
        remember_passphrase("never-stored-in-a-file")
    monkeypatch.setenv(PASSPHRASE_ENV, "from-the-environment")
    assert stored_passphrase() == "from-the-environment"


def test_the_passphrase_lives_in_the_keyring_when_there_is_one(backend):
    memory = MemoryKeyring()
    backend(memory)
    assert keyring_available() == (True, "MemoryKeyring")
    remember_passphrase("kept-by-the-os")
    assert stored_passphrase() == "kept-by-the-os" and list(memory.secrets.values()) == ["kept-by-the-os"]
