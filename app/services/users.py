"""Users and their roles: adding and listing them. Credentials (password and PIN hashes, logging in,
lockout) live in `app.services.auth`; the names are re-exported here for the callers that import them."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Role, User
from app.services.auth import AccountLocked, actor_for, authenticate, hash_secret
from app.services.errors import Conflict, ValidationError
from app.services.permissions import SYSTEM, Action, Actor
from app.services.unit_of_work import unit_of_work

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return hash_secret(password)


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


def list_users(factory: sessionmaker[Session]) -> list[User]:
    with factory() as session:
        return list(session.scalars(select(User).order_by(User.username)))


__all__ = ["SYSTEM", "AccountLocked", "actor_for", "add_user", "authenticate", "has_users", "hash_password",
           "list_users"]
