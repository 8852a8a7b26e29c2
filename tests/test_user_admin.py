"""An administrator's changes to existing users (app.services.user_admin): each one audited under the
administrator's name, refused in sentences, and felt where it matters — at log-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Role, User
from app.services.auth import authenticate, authenticate_badge, set_pin
from app.services.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied, ValidationError
from app.services.user_admin import (
    LastAdministratorRefused,
    OwnAccountRefused,
    deactivate,
    reactivate,
    reset_password,
    set_badge,
    set_role,
    user_rows,
)
from app.services.users import add_user, actor_for
from tests.conftest import make_actor

PASSWORD = "password-123"  # make_actor's


def _updates(factory, username: str) -> list[AuditEvent]:
    """The audit trail's 'update' rows of one user, oldest first."""
    with factory() as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.table_name == "users", AuditEvent.row_id == str(user_id),
            AuditEvent.action == "update").order_by(AuditEvent.id)))


def _role(factory, username: str) -> Role:
    with factory() as session:
        return session.scalar(select(User.role).where(User.username == username))


def test_role_change_is_audited_and_refused_to_non_admins(factory, admin):
    make_actor(factory, admin, Role.OPERATOR, "olga")
    assert set_role(factory, admin, " Olga ", Role.SUPERVISOR) is True
    assert set_role(factory, admin, "olga", Role.SUPERVISOR) is False  # already: nothing written
    (event,) = _updates(factory, "olga")
    assert (event.username, event.user_id) == ("admin", admin.user_id)
    assert event.old_values == {"role": "operator"} and event.new_values == {"role": "supervisor"}
    assert event.reason == "role of olga set to supervisor by Ada Admin"
    assert authenticate(factory, "olga", PASSWORD).role is Role.SUPERVISOR  # from the next log-in

    supervisor = make_actor(factory, admin, Role.SUPERVISOR, "sam")
    with pytest.raises(PermissionDenied, match="may not manage users"):
        set_role(factory, supervisor, "olga", Role.ADMIN)
    with pytest.raises(NotFound, match="There is no user called nobody"):
        deactivate(factory, admin, "nobody")
    assert _role(factory, "olga") is Role.SUPERVISOR


def test_admins_cannot_remove_themselves_nor_the_last_administrator(factory, admin):
    with pytest.raises(OwnAccountRefused, match="your own account"):
        set_role(factory, admin, "admin", Role.OPERATOR)
    with pytest.raises(OwnAccountRefused, match="cannot deactivate your own account"):
        deactivate(factory, admin, "admin")

    bob = actor_for(add_user(factory, admin, username="bob", full_name="Bob Boss", role=Role.ADMIN,
                             password=PASSWORD))
    assert set_role(factory, bob, "admin", Role.SUPERVISOR)  # two administrators: one may demote the other
    # Ada is still logged in with her administrator's session; Bob is now the only active administrator.
    with pytest.raises(LastAdministratorRefused, match="last active administrator") as refused:
        deactivate(factory, admin, "bob")
    assert "Make another user an administrator first" in str(refused.value)
    with pytest.raises(LastAdministratorRefused):
        set_role(factory, admin, "bob", Role.OPERATOR)
    assert _role(factory, "bob") is Role.ADMIN and _updates(factory, "bob") == []

    # An inactive administrator does not count and may be demoted by the active one.
    assert set_role(factory, bob, "admin", Role.ADMIN) and deactivate(factory, bob, "admin")
    assert set_role(factory, bob, "admin", Role.OPERATOR)
    assert [r.role for r in user_rows(factory)] == [Role.OPERATOR, Role.ADMIN]


def test_a_deactivated_user_cannot_log_in_until_reactivated(factory, admin):
    make_actor(factory, admin, Role.INSPECTOR, "ines")
    set_badge(factory, admin, "ines", "04a1b2c3")
    set_pin(factory, admin, "ines", "4711")
    assert deactivate(factory, admin, "ines") is True and deactivate(factory, admin, "ines") is False
    with pytest.raises(AuthenticationFailed):
        authenticate(factory, "ines", PASSWORD)
    with pytest.raises(AuthenticationFailed):
        authenticate_badge(factory, "04A1B2C3", "4711")
    row = next(r for r in user_rows(factory) if r.username == "ines")
    assert not row.active and row.has_badge and row.has_pin

    assert reactivate(factory, admin, "ines") is True and reactivate(factory, admin, "ines") is False
    assert authenticate(factory, "ines", PASSWORD).username == "ines"
    toggles = [(e.username, e.new_values) for e in _updates(factory, "ines") if "active" in e.new_values]
    assert toggles == [("admin", {"active": False}), ("admin", {"active": True})]


def test_a_user_deactivated_while_logged_in_writes_nothing_more(factory, admin):
    from app.models import Station
    from app.services.station_setup import register_station

    logged_in = make_actor(factory, admin, Role.SUPERVISOR, "sam")  # their session's actor, from the log-in
    register_station(factory, logged_in, "TRN-PC7", "Turning")  # works while active
    deactivate(factory, admin, "sam")
    with pytest.raises(PermissionDenied, match="account of Test Supervisor was deactivated .* nothing was saved"):
        register_station(factory, logged_in, "TRN-PC8", "Turning")
    reactivate(factory, admin, "sam")
    register_station(factory, logged_in, "TRN-PC9", "Turning")  # the same session writes again
    with factory() as session:
        assert session.scalars(select(Station.name).order_by(Station.name)).all() == ["TRN-PC7", "TRN-PC9"]


def test_reset_password_replaces_the_old_one(factory, admin):
    make_actor(factory, admin, Role.OPERATOR, "olga")
    with pytest.raises(ValidationError, match="too short: use at least 8"):
        reset_password(factory, admin, "olga", "short")
    reset_password(factory, admin, "olga", "brand-new-secret")
    with pytest.raises(AuthenticationFailed):
        authenticate(factory, "olga", PASSWORD)
    assert authenticate(factory, "olga", "brand-new-secret").username == "olga"
    (event,) = [e for e in _updates(factory, "olga") if "password_hash" in e.new_values]
    assert event.username == "admin" and event.new_values == {"password_hash": "***"}
    assert event.reason == "password of olga reset by Ada Admin"


def test_a_badge_belongs_to_one_user(factory, admin):
    make_actor(factory, admin, Role.OPERATOR, "olga")
    make_actor(factory, admin, Role.OPERATOR, "otto")
    assert set_badge(factory, admin, "olga", "  04a1b2c3d4 ") == "04A1B2C3D4"
    with pytest.raises(Conflict, match=r"already belongs to Test Operator \(olga\)"):
        set_badge(factory, admin, "otto", "04A1B2C3D4")
    with pytest.raises(ValidationError, match="not a badge number"):
        set_badge(factory, admin, "otto", "04 A1")
    set_pin(factory, admin, "olga", "2580")
    assert authenticate_badge(factory, "04a1b2c3d4", "2580").username == "olga"

    assert set_badge(factory, admin, "olga", "") is None  # cleared: the badge is free for Otto
    assert set_badge(factory, admin, "otto", "04a1b2c3d4") == "04A1B2C3D4"
    badges = {r.username: r.has_badge for r in user_rows(factory)}
    assert badges == {"admin": False, "olga": False, "otto": True}
    events = [e for e in _updates(factory, "olga") if "badge_uid" in e.new_values]
    assert [(e.username, e.new_values["badge_uid"]) for e in events] == [("admin", "04A1B2C3D4"),
                                                                        ("admin", None)]
