"""An administrator's changes to existing users: role, active or not, a new password, the badge. Adding
users is `app.services.users`; PINs, unlocking and work centres are `auth` and `scope`.

Every change runs through `unit_of_work(…, Action.MANAGE_USERS)`, so the audit trail names the
administrator. Two guards keep the plant administrable: nobody removes their own administrator rights
(a slip would lock them out mid-task), and the last active administrator is never demoted or deactivated
(nobody would be left to add users, unlock them or undo the mistake).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Role, User
from app.services.auth import hash_secret
from app.services.errors import Conflict, DomainError, NotFound, ValidationError
from app.services.permissions import Action, Actor
from app.services.scope import known_work_centres, work_centres_by_user
from app.services.unit_of_work import unit_of_work
from app.services.users import MIN_PASSWORD_LENGTH

MAX_BADGE_LENGTH = 64  # the users.badge_uid column


class OwnAccountRefused(DomainError):
    """An administrator tried to demote or deactivate themselves."""


class LastAdministratorRefused(DomainError):
    """The change would leave the plant without an active administrator."""


@dataclass(frozen=True)
class UserRow:
    """One user as the Users page and `threadline user list` show them; no secrets, only whether set."""

    username: str
    full_name: str
    role: Role
    active: bool
    locked_until: datetime | None
    has_badge: bool
    has_pin: bool
    work_centres: tuple[str, ...]  # empty: may act at every station


def user_rows(factory: sessionmaker[Session]) -> list[UserRow]:
    restricted = work_centres_by_user(factory)
    with factory() as session:
        users = session.execute(select(User.username, User.full_name, User.role, User.active,
                                       User.locked_until, User.badge_uid, User.pin_hash)
                                .order_by(User.username)).all()
        return [UserRow(name, full or name, role, active, locked, bool(badge), bool(pin),
                        restricted.get(name, ())) for name, full, role, active, locked, badge, pin in users]


def work_centre_choices(factory: sessionmaker[Session]) -> list[str]:
    """The work centres a user may be restricted to: those named on the plant's stations and operations."""
    with factory() as session:
        return known_work_centres(session)


def set_role(factory: sessionmaker[Session], actor: Actor, username: str, role: Role) -> bool:
    """Give `username` another role; False when they had it already. Applies from their next log-in."""
    name = _name(username)
    with unit_of_work(factory, actor, Action.MANAGE_USERS,
                      reason=f"role of {name} set to {role.label.lower()} by {_who(actor)}") as session:
        user = _user_called(session, name)
        if user.role is role:
            return False
        if user.role is Role.ADMIN:
            _guard_admin_removal(session, actor, user,
                                 f"change the role of {_shown(user)} to {role.label.lower()}")
        user.role = role
        return True


def deactivate(factory: sessionmaker[Session], actor: Actor, username: str) -> bool:
    """Stop `username` logging in (password, badge, signing); their records stay. False: already inactive."""
    name = _name(username)
    with unit_of_work(factory, actor, Action.MANAGE_USERS,
                      reason=f"{name} deactivated by {_who(actor)}") as session:
        user = _user_called(session, name)
        if not user.active:
            return False
        if _is_self(actor, user):
            raise OwnAccountRefused(f"You cannot deactivate your own account ({user.username}): you would be "
                                    "logged out for good. Ask another administrator to do it.")
        if user.role is Role.ADMIN:
            _guard_admin_removal(session, actor, user, f"deactivate {_shown(user)}")
        user.active = False
        return True


def reactivate(factory: sessionmaker[Session], actor: Actor, username: str) -> bool:
    """Let a deactivated user log in again, with the role they had. False: they were active."""
    name = _name(username)
    with unit_of_work(factory, actor, Action.MANAGE_USERS,
                      reason=f"{name} reactivated by {_who(actor)}") as session:
        user = _user_called(session, name)
        if user.active:
            return False
        user.active = True
        return True


def reset_password(factory: sessionmaker[Session], actor: Actor, username: str, password: str) -> None:
    """An administrator sets a new password (the user forgot theirs); the old one stops working at once."""
    name = _name(username)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"The new password for {name} is too short: use at least {MIN_PASSWORD_LENGTH} "
                              "characters. Nothing was changed.")
    with unit_of_work(factory, actor, Action.MANAGE_USERS,
                      reason=f"password of {name} reset by {_who(actor)}") as session:
        user = _user_called(session, name)
        user.password_hash = hash_secret(password)  # the audit hook records it as *** (a `_hash` column)


def set_badge(factory: sessionmaker[Session], actor: Actor, username: str,
              badge_uid: str | None) -> str | None:
    """Give `username` this RFID badge, or none (`None` or blank: the badge is cleared). Returns the badge
    as stored: trimmed and upper-case, as `authenticate_badge` compares it. A badge belongs to one user."""
    name = _name(username)
    uid = (badge_uid or "").strip().upper() or None
    if uid is not None and (len(uid) > MAX_BADGE_LENGTH or not uid.isprintable() or " " in uid):
        raise ValidationError(f"'{uid[:24]}' is not a badge number (at most {MAX_BADGE_LENGTH} letters and "
                              "digits, no spaces). Hold the badge to the reader again; nothing was changed.")
    what = f"badge of {name} {'set' if uid else 'cleared'} by {_who(actor)}"
    with unit_of_work(factory, actor, Action.MANAGE_USERS, reason=what) as session:
        user = _user_called(session, name)
        if uid is not None:
            holder = session.scalar(select(User).where(func.upper(User.badge_uid) == uid, User.id != user.id))
            if holder is not None:
                raise Conflict(f"That badge (…{uid[-4:]}) already belongs to {_shown(holder)}. Clear it "
                               f"there first, or give {_shown(user)} another badge; nothing was changed.")
        user.badge_uid = uid
        return uid


# -- guards and look-ups ---------------------------------------------------------------------------------


def _guard_admin_removal(session: Session, actor: Actor, user: User, change: str) -> None:
    """Refuse `change` if it takes the actor's own administrator rights or the plant's last active one."""
    if _is_self(actor, user):
        raise OwnAccountRefused(f"You cannot {change}: it is your own account, and you would lose the right "
                                "to manage users at once. Ask another administrator to do it.")
    if not user.active:
        return  # an inactive administrator administers nothing: removing them leaves the count as it is
    # Locked rows on PostgreSQL: two administrators demoting each other at the same moment cannot both pass.
    others = session.scalars(select(User.id).where(User.role == Role.ADMIN, User.active, User.id != user.id)
                             .with_for_update()).all()
    if not others:
        raise LastAdministratorRefused(
            f"You cannot {change}: they are the last active administrator, and without one nobody could add "
            "users, unlock accounts or undo this. Make another user an administrator first; nothing was "
            "changed.")


def _is_self(actor: Actor, user: User) -> bool:
    if actor.user_id is not None:
        return actor.user_id == user.id
    return actor.username.lower() == user.username


def _user_called(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.username) == name))
    if user is None:
        raise NotFound(f"There is no user called {name}; `threadline user list` shows who there is.")
    return user


def _name(username: str) -> str:
    return username.strip().lower()


def _shown(user: User) -> str:
    return f"{user.full_name} ({user.username})" if user.full_name and user.full_name != user.username \
        else user.username


def _who(actor: Actor) -> str:
    return actor.full_name or actor.username


__all__ = ["LastAdministratorRefused", "OwnAccountRefused", "UserRow", "deactivate", "reactivate",
           "reset_password", "set_badge", "set_role", "user_rows", "work_centre_choices"]
