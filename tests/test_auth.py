"""Logging in: badge PINs, lockout after repeated failures (audited even though the log-in fails), unlocking,
and hashes that follow the current argon2 parameters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from app.models import AuditEvent, Role, User
from app.services.auth import (
    BADGE_FAILURE, PASSWORD_FAILURE, AccountLocked, LockoutPolicy, authenticate, authenticate_badge, set_pin,
    unlock_user, validate_pin,
)
from app.services.errors import AuthenticationFailed, NotFound, PermissionDenied, ValidationError
from app.services.users import add_user
from tests.conftest import ADMIN_PASSWORD

POLICY = LockoutPolicy(max_failures=3, lockout_minutes=15)
BADGE = "04A1B2C3D4"
PASSWORD = "olga-password-1"


@pytest.fixture
def olga(factory, admin):
    return add_user(factory, admin, username="olga", full_name="Olga Operator", role=Role.OPERATOR,
                    password=PASSWORD, badge_uid=BADGE)


def user_row(factory, username: str = "olga") -> User:
    with factory() as session:
        return session.scalars(select(User).where(User.username == username)).one()


def events(factory, action: str) -> list[AuditEvent]:
    with factory() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                    .order_by(AuditEvent.id)))


def test_admin_sets_a_pin_and_the_badge_logs_in(factory, admin, olga):
    set_pin(factory, admin, "olga", "4711")
    actor = authenticate_badge(factory, BADGE.lower(), "4711", policy=POLICY)  # readers differ in case
    assert (actor.username, actor.role, actor.user_id) == ("olga", Role.OPERATOR, olga.id)
    change = [e for e in events(factory, "update") if e.table_name == "users" and "pin_hash" in e.new_values]
    assert change[-1].new_values["pin_hash"] == "***" and change[-1].username == "admin"
    assert change[-1].reason == "PIN set by Ada Admin"
    assert user_row(factory).pin_hash.startswith("$argon2id$")
    logins = events(factory, "login")
    assert logins[-1].username == "olga" and logins[-1].reason == "badge"


def test_every_badge_failure_reads_the_same(factory, admin, olga):
    add_user(factory, admin, username="nopin", full_name="No Pin", role=Role.OPERATOR,
             password="password-123", badge_uid="FFEE0001")
    set_pin(factory, admin, "olga", "4711")
    sentences = set()
    for badge, pin in ((BADGE, "9999"), ("DEADBEEF00", "4711"), ("FFEE0001", "4711")):
        with pytest.raises(AuthenticationFailed) as err:
            authenticate_badge(factory, badge, pin, policy=POLICY)
        sentences.add(str(err.value))
    assert sentences == {BADGE_FAILURE}
    unknown = [e for e in events(factory, "login_failed") if e.user_id is None]
    assert unknown and unknown[-1].username == "badge EF00"  # only the end of an unknown badge is kept


def test_a_user_sets_their_own_pin_with_their_password(factory, admin, olga):
    olga_actor = authenticate(factory, "olga", PASSWORD, policy=POLICY)
    with pytest.raises(AuthenticationFailed, match="do not match"):
        set_pin(factory, olga_actor, "olga", "2580", password="wrong-password", policy=POLICY)
    assert user_row(factory).pin_hash is None and user_row(factory).failed_logins == 1
    with pytest.raises(ValidationError, match="type your password"):
        set_pin(factory, olga_actor, "olga", "2580")
    set_pin(factory, olga_actor, "olga", "2580", password=PASSWORD, policy=POLICY)
    assert authenticate_badge(factory, BADGE, "2580", policy=POLICY).username == "olga"
    assert user_row(factory).failed_logins == 0
    add_user(factory, admin, username="ivan", full_name="Ivan", role=Role.INSPECTOR, password="password-123")
    with pytest.raises(PermissionDenied, match="may not manage users"):
        set_pin(factory, olga_actor, "ivan", "2580", password=PASSWORD, policy=POLICY)
    with pytest.raises(NotFound, match="no user called ghost"):
        set_pin(factory, admin, "ghost", "2580")


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "١٢٣٤", "0000", "1234", "8765", ""])
def test_unusable_pins_are_refused(pin):
    with pytest.raises(ValidationError):
        validate_pin(pin)


def test_lockout_after_failures_is_audited_and_lifted_by_an_admin(factory, admin, olga):
    set_pin(factory, admin, "olga", "4711")
    for _ in range(2):
        with pytest.raises(AuthenticationFailed) as err:
            authenticate(factory, "OLGA", "guess", policy=POLICY)
        assert str(err.value) == PASSWORD_FAILURE
    # The third failure comes through the badge: one count for both ways in.
    with pytest.raises(AccountLocked) as locked:
        authenticate_badge(factory, BADGE, "1111", policy=POLICY)
    message = str(locked.value)
    assert "Olga Operator is locked until" in message and "Ada Admin" in message
    assert "threadline user unlock olga" in message
    until = locked.value.until
    assert timedelta(minutes=14) < until - datetime.now(timezone.utc) <= timedelta(minutes=15, seconds=5)

    failed = [e for e in events(factory, "login_failed") if e.user_id == olga.id]
    assert [e.new_values for e in failed] == [{"failed_logins": n} for n in (1, 2, 3)]
    assert [e.reason for e in failed] == ["password: wrong secret"] * 2 + ["badge: wrong secret"]
    (lock_event,) = events(factory, "locked_out")
    assert lock_event.user_id == olga.id and lock_event.new_values["failed_logins"] == 3
    assert datetime.fromisoformat(lock_event.new_values["locked_until"]) == until
    assert user_row(factory).locked_until == until

    # While locked even the right password and PIN are refused, and the refusal is recorded too.
    for attempt in (lambda: authenticate(factory, "olga", PASSWORD, policy=POLICY),
                    lambda: authenticate_badge(factory, BADGE, "4711", policy=POLICY)):
        with pytest.raises(AccountLocked, match="locked until"):
            attempt()
    assert events(factory, "login_failed")[-1].reason.startswith("badge: refused, locked until")

    operator = authenticate(factory, "admin", ADMIN_PASSWORD, policy=POLICY)
    assert unlock_user(factory, operator, "olga") is True
    assert unlock_user(factory, operator, "olga") is False  # nothing left to unlock
    unlocked = [e for e in events(factory, "update")
                if e.table_name == "users" and "locked_until" in e.new_values]
    assert unlocked[-1].new_values["locked_until"] is None and unlocked[-1].reason == "unlocked by Ada Admin"
    assert authenticate_badge(factory, BADGE, "4711", policy=POLICY).username == "olga"


def test_only_admins_unlock(factory, admin, olga):
    olga_actor = authenticate(factory, "olga", PASSWORD, policy=POLICY)
    with pytest.raises(PermissionDenied):
        unlock_user(factory, olga_actor, "olga")


def test_a_success_starts_the_count_again_and_a_lock_ends_by_itself(factory, admin, olga, engine):
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            authenticate(factory, "olga", "guess", policy=POLICY)
    assert user_row(factory).failed_logins == 2
    authenticate(factory, "olga", PASSWORD, policy=POLICY)
    assert user_row(factory).failed_logins == 0
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            authenticate(factory, "olga", "guess", policy=POLICY)
    assert user_row(factory).locked_until is None  # 2 + 2 failures, but never 3 in a row

    # A lock whose time is over no longer refuses (set in the past directly, as if 15 minutes had gone by).
    with engine.begin() as conn:
        conn.execute(update(User).where(User.username == "olga").values(
            locked_until=datetime.now(timezone.utc) - timedelta(minutes=1)))
    assert authenticate(factory, "olga", PASSWORD, policy=POLICY).username == "olga"
    assert user_row(factory).locked_until is None


def test_unknown_user_names_fail_like_wrong_passwords_and_are_recorded(factory, admin):
    with pytest.raises(AuthenticationFailed) as err:
        authenticate(factory, "Nobody", "whatever", policy=POLICY)
    assert str(err.value) == PASSWORD_FAILURE
    last = events(factory, "login_failed")[-1]
    assert (last.username, last.user_id, last.reason) == ("nobody", None, "password: no such active user")


def test_old_password_and_pin_hashes_are_rehashed_on_login(factory, admin, olga, engine):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.username == "olga").values(
            password_hash=weak.hash(PASSWORD), pin_hash=weak.hash("4711")))
    authenticate(factory, "olga", PASSWORD, policy=POLICY)
    authenticate_badge(factory, BADGE, "4711", policy=POLICY)
    row = user_row(factory)
    current = PasswordHasher()
    for stored, secret in ((row.password_hash, PASSWORD), (row.pin_hash, "4711")):
        assert "m=8192" not in stored and not current.check_needs_rehash(stored)
        assert current.verify(stored, secret)


def test_signing_passes_the_lockout_sentence_on(factory, admin, olga):
    from app.services.inspection.signature import _reauthenticate

    olga_actor = authenticate(factory, "olga", PASSWORD, policy=POLICY)
    with pytest.raises(AuthenticationFailed, match="not the password of Olga Operator"):
        _reauthenticate(factory, olga_actor, "guess")
    with factory.begin() as session:  # the configured limit (5) is what signing uses: lock her directly
        session.execute(update(User).where(User.id == olga.id).values(
            locked_until=datetime.now(timezone.utc) + timedelta(minutes=5)))
    with pytest.raises(AccountLocked, match="is locked until"):
        _reauthenticate(factory, olga_actor, PASSWORD)
