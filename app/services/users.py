"""Users and logging in: argon2id password hashes (rehashed when parameters change), roles."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEvent, Role, User
from app.services.audit import ACTOR_KEY, event_row
from app.services.errors import AuthenticationFailed, Conflict, ValidationError
from app.services.permissions import SYSTEM, Action, Actor
from app.services.unit_of_work import unit_of_work

_hasher = PasswordHasher()  # argon2id, 64 MiB, 3 passes: argon2-cffi's RFC 9106 low-memory profile
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def actor_for(user: User) -> Actor:
    return Actor(username=user.username, role=user.role, user_id=user.id, full_name=user.full_name)


def has_users(factory: sessionmaker[Session]) -> bool:
    with factory() as session:
        return bool(session.scalar(select(exists().where(User.id.isnot(None)))))


def add_user(factory: sessionmaker[Session], actor: Actor, *, username: str, full_name: str, role: Role,
             password: str, badge_uid: str | None = None) -> User:
    """Create a user. The very first user of an empty database may be created by the system."""
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValidationError(f"'{username}' is not a usable user name: use letters, digits, '.', '-' or '_'.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"The password for {username} is too short: use at least "
                              f"{MIN_PASSWORD_LENGTH} characters.")
    if actor.is_system and has_users(factory):
        actor = Actor(username=actor.username, role=Role.OPERATOR)  # bootstrap is over: the matrix applies
    with unit_of_work(factory, actor, Action.MANAGE_USERS) as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise Conflict(f"There is already a user called {username}; choose another user name.")
        user = User(username=username, full_name=full_name.strip() or username, role=role,
                    password_hash=hash_password(password), badge_uid=badge_uid)
        session.add(user)
    return user


def authenticate(factory: sessionmaker[Session], username: str, password: str) -> Actor:
    """Check a user name and password; the same sentence for every failure, so names cannot be probed."""
    failure = AuthenticationFailed("That user name and password do not match. Check the keyboard layout "
                                   "and Caps Lock, then try again.")
    with factory() as session, session.begin():
        user = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
        if user is None or not user.active:
            _hasher.hash(password)  # spend the same time as a real check
            raise failure
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise failure from None
        actor = actor_for(user)
        session.info[ACTOR_KEY] = actor
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        session.add(AuditEvent(**event_row(actor, "login", table="users", row_id=str(user.id))))
    return actor


def list_users(factory: sessionmaker[Session]) -> list[User]:
    with factory() as session:
        return list(session.scalars(select(User).order_by(User.username)))


__all__ = ["SYSTEM", "actor_for", "add_user", "authenticate", "has_users", "hash_password", "list_users"]
