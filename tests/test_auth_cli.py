"""`threadline user set-pin|unlock|set-role|deactivate|reset-password|set-badge` as a person or a script runs
them, and migration 0004 both ways."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, select

from app.db import make_engine, make_session_factory
from app.models import Role, User
from app.services import schema
from app.services.auth import AccountLocked, LockoutPolicy, authenticate, authenticate_badge
from app.services.errors import AuthenticationFailed
from tests.conftest import ADMIN_PASSWORD, make_actor
from tests.test_cli import threadline


def test_set_pin_and_unlock_from_the_terminal(db_url):
    assert threadline("user", "add", "root", "--role", "admin", "--full-name", "Rita Root", db=db_url,
                      stdin="root-password-1\n").returncode == 0
    added = threadline("user", "add", "olga", "--role", "operator", "--badge", "04A1B2C3D4", "--as", "root",
                       db=db_url, stdin="root-password-1\nolga-password-1\n")
    assert added.returncode == 0, added.stderr

    by_admin = threadline("user", "set-pin", "olga", "--as", "root", db=db_url,
                          stdin="root-password-1\n4711\n")
    assert by_admin.returncode == 0, by_admin.stderr
    assert by_admin.stdout.strip() == "PIN set for olga: badge + PIN now logs them in."
    own = threadline("user", "set-pin", "olga", db=db_url, stdin="olga-password-1\n2580\n")
    assert own.returncode == 0, own.stderr

    engine = make_engine(db_url)
    try:
        factory = make_session_factory(engine)
        assert authenticate_badge(factory, "04A1B2C3D4", "2580").username == "olga"
        policy = LockoutPolicy(max_failures=2, lockout_minutes=30)
        with pytest.raises(AuthenticationFailed):
            authenticate(factory, "olga", "guess", policy=policy)
        with pytest.raises(AccountLocked):
            authenticate(factory, "olga", "guess", policy=policy)

        refused = threadline("user", "set-pin", "olga", db=db_url, stdin="olga-password-1\n3690\n")
        assert refused.returncode == 1 and "is locked until" in refused.stderr
        unlocked = threadline("user", "unlock", "olga", "--as", "root", db=db_url, stdin="root-password-1\n")
        assert unlocked.returncode == 0
        assert unlocked.stdout.strip() == "Unlocked olga: they can log in again now."
        assert authenticate(factory, "olga", "olga-password-1").username == "olga"
        # Each CLI run costs a process start; the refusals of a weak PIN or a non-admin are service tests.
    finally:
        engine.dispose()



def test_administer_a_user_from_the_terminal(db_url, factory, admin):
    # The users come from the services (each CLI run costs a process start); the commands do the rest.
    make_actor(factory, admin, Role.OPERATOR, "olga")
    as_admin = ("--as", "admin")
    password = ADMIN_PASSWORD + "\n"

    role = threadline("user", "set-role", "olga", "supervisor", *as_admin, db=db_url, stdin=password)
    assert role.returncode == 0, role.stderr
    assert role.stdout.strip() == "olga is now supervisor (from their next log-in)."
    own = threadline("user", "set-role", "admin", "operator", *as_admin, db=db_url, stdin=password)
    assert own.returncode == 1 and "it is your own account" in own.stderr and "Traceback" not in own.stderr
    reset = threadline("user", "reset-password", "olga", *as_admin, db=db_url,
                       stdin=password + "olga-new-password\n")
    assert reset.returncode == 0, reset.stderr
    assert authenticate(factory, "olga", "olga-new-password").role is Role.SUPERVISOR
    badge = threadline("user", "set-badge", "olga", "04a1b2c3d4", *as_admin, db=db_url, stdin=password)
    assert badge.returncode == 0 and badge.stdout.strip() == "Badge …C3D4 set for olga."
    gone = threadline("user", "deactivate", "olga", *as_admin, db=db_url, stdin=password)
    assert gone.stdout.strip() == "Deactivated olga: they can no longer log in."

    with pytest.raises(AuthenticationFailed):
        authenticate(factory, "olga", "olga-new-password")  # inactive now
    with factory() as session:
        olga = session.scalar(select(User).where(User.username == "olga"))
        assert (olga.role, olga.active, olga.badge_uid) == (Role.SUPERVISOR, False, "04A1B2C3D4")


def test_migration_0004_upgrades_and_downgrades(db_url):
    engine = make_engine(db_url)
    config = schema._alembic_config()
    try:
        def columns() -> set[str]:
            with engine.connect() as conn:
                return {c["name"] for c in inspect(conn).get_columns("users")}

        for target in ("0003", "0004"):
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, target)
            if target == "0003":
                assert not {"pin_hash", "failed_logins", "locked_until"} & columns()
        assert {"pin_hash", "failed_logins", "locked_until"} <= columns()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0003")
        assert not {"pin_hash", "failed_logins", "locked_until"} & columns()
        assert schema.current_revision(engine) == "0003"
    finally:
        engine.dispose()
