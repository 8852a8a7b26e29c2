"""Users, roles and the audit trail: every write names its actor, old and new values, in one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Role, Supplier, User
from app.services.audit import ACTOR_KEY
from app.services.errors import AuthenticationFailed, Conflict, PermissionDenied, ValidationError
from app.services.permissions import MATRIX, SYSTEM, Action, allowed
from app.services.unit_of_work import unit_of_work
from app.services.users import add_user, authenticate, has_users
from tests.conftest import ADMIN_PASSWORD, make_actor


def _events(factory, table: str) -> list[AuditEvent]:
    with factory() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.table_name == table)
                                    .order_by(AuditEvent.id)))


def test_first_user_bootstraps_then_only_admins_add_users(factory, admin):
    assert has_users(factory)
    operator = make_actor(factory, admin, Role.OPERATOR)
    with pytest.raises(PermissionDenied, match="may not manage users"):
        add_user(factory, operator, username="sneaky", full_name="S", role=Role.ADMIN, password="password-123")
    with pytest.raises(PermissionDenied):  # the system bootstrap no longer applies once users exist
        add_user(factory, SYSTEM, username="sneaky", full_name="S", role=Role.ADMIN, password="password-123")
    with factory() as session:
        assert session.scalar(select(User).where(User.username == "sneaky")) is None


def test_user_input_is_validated(factory, admin):
    with pytest.raises(ValidationError, match="too short"):
        add_user(factory, admin, username="op", full_name="", role=Role.OPERATOR, password="short")
    with pytest.raises(ValidationError, match="not a usable user name"):
        add_user(factory, admin, username="a b", full_name="", role=Role.OPERATOR, password="password-123")
    with pytest.raises(Conflict, match="already a user called admin"):
        add_user(factory, admin, username="Admin", full_name="", role=Role.OPERATOR, password="password-123")


def test_passwords_are_argon2id_and_never_audited_in_clear(factory, admin):
    with factory() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "admin"))
    assert stored.startswith("$argon2id$") and ADMIN_PASSWORD not in stored
    created = _events(factory, "users")[0]
    assert created.action == "create" and created.username == "system"
    assert created.new_values["password_hash"] == "***"
    assert created.new_values["role"] == "admin"


def test_login_checks_the_password_and_is_audited(factory, admin):
    actor = authenticate(factory, " ADMIN ", ADMIN_PASSWORD)
    assert actor.role is Role.ADMIN and actor.full_name == "Ada Admin" and actor.user_id == admin.user_id
    with pytest.raises(AuthenticationFailed, match="do not match"):
        authenticate(factory, "admin", "wrong-password")
    with pytest.raises(AuthenticationFailed, match="do not match"):
        authenticate(factory, "nobody", "wrong-password")
    assert [e.action for e in _events(factory, "users")].count("login") == 1


def test_updates_and_deletes_record_old_and_new_values_with_reason(factory, admin):
    with unit_of_work(factory, admin, Action.MANAGE_USERS) as session:
        session.add(Supplier(code="ACME", name="Acme Steel", country="DE"))
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason="renamed after merger") as session:
        supplier = session.scalar(select(Supplier).where(Supplier.code == "ACME"))
        supplier.name = "Acme Special Steels"
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason="duplicate") as session:
        session.delete(session.scalar(select(Supplier).where(Supplier.code == "ACME")))
    create, update, delete = _events(factory, "suppliers")
    assert create.new_values["name"] == "Acme Steel" and create.user_id == admin.user_id
    assert update.old_values == {"name": "Acme Steel"} and update.new_values == {"name": "Acme Special Steels"}
    assert update.reason == "renamed after merger" and update.row_id == create.row_id
    assert delete.action == "delete" and delete.old_values["name"] == "Acme Special Steels"
    assert create.occurred_at.tzinfo is not None


def test_a_failed_service_call_leaves_neither_record_nor_audit(factory, admin):
    before = len(_events(factory, "suppliers"))
    with pytest.raises(RuntimeError):
        with unit_of_work(factory, admin, Action.MANAGE_USERS) as session:
            session.add(Supplier(code="X", name="X"))
            session.flush()
            raise RuntimeError("power cut")
    with factory() as session:
        assert session.scalar(select(Supplier).where(Supplier.code == "X")) is None
    assert len(_events(factory, "suppliers")) == before


def test_a_write_that_bypasses_the_services_is_refused(factory):
    with factory() as session:
        session.add(Supplier(code="Y", name="Y"))
        with pytest.raises(PermissionDenied, match="without going through a Threadline service"):
            session.flush()
    with factory() as session:
        session.info[ACTOR_KEY] = SYSTEM
        assert session.scalar(select(Supplier).where(Supplier.code == "Y")) is None


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_permission_matrix_cell(role, action):
    from app.services.permissions import Actor
    assert allowed(Actor(username="u", role=role), action) == (role in MATRIX[action])
    assert allowed(SYSTEM, action)
