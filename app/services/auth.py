"""Credentials: argon2id hashes of passwords and badge PINs (rehashed when the parameters change), logging in
by user name + password or badge + PIN, and the lockout after repeated failures.

Failed attempts are counted in the database, shared by every bench PC, and their audit events are committed
even though the log-in itself fails: a refused attempt must leave a trace.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, func, select, type_coerce, update
from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEvent, Role, User
from app.models.base import UTCDateTime
from app.services.audit import ACTOR_KEY, event_row
from app.services.errors import AuthenticationFailed, DomainError, NotFound, ValidationError
from app.services.permissions import Action, Actor, require
from app.services.scope import work_centres_of
from app.services.unit_of_work import unit_of_work

_hasher = PasswordHasher()  # argon2id, 64 MiB, 3 passes: argon2-cffi's RFC 9106 low-memory profile
MIN_PIN_DIGITS, MAX_PIN_DIGITS = 4, 8

PASSWORD_FAILURE = ("That user name and password do not match. Check the keyboard layout and Caps Lock, "
                    "then try again.")
BADGE_FAILURE = ("That badge and PIN do not match. Type the PIN again; if you have not set a PIN yet, log in "
                 "with your user name and password and set one.")

LOGIN_EVENT, FAILED_EVENT, LOCKED_EVENT = "login", "login_failed", "locked_out"


class AccountLocked(DomainError):
    """A log-in refused because the user is locked out. Not an `AuthenticationFailed`: callers that reword
    a failed password (signing) must pass this sentence on, since it says until when and who can unlock."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lockout_minutes: float = 15.0

    @classmethod
    def from_settings(cls) -> LockoutPolicy:
        from app.config import Settings, SettingsError  # the station's file; read per check, as it may change

        try:
            settings = Settings()
            return cls(max(1, int(settings.get("auth.max_failures"))),
                       max(0.0, float(settings.get("auth.lockout_minutes"))))
        except (SettingsError, ValueError, TypeError):
            return cls()  # an unreadable file must not open the door wider than the declared defaults


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def actor_for(user: User) -> Actor:
    return Actor(username=user.username, role=user.role, user_id=user.id, full_name=user.full_name)


def _database_now(session: Session) -> datetime:
    # The server's clock decides when a lock ends, whichever bench PC asks.
    now = session.scalar(select(type_coerce(func.now(), UTCDateTime())))
    assert now is not None
    return now


def _verified(stored: str | None, secret: str) -> bool:
    if stored is None:
        _hasher.hash(secret)  # spend the same time as a real check
        return False
    try:
        return _hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


# -- logging in --------------------------------------------------------------------------------------------


def authenticate(factory: sessionmaker[Session], username: str, password: str, *,
                 policy: LockoutPolicy | None = None) -> Actor:
    """Check a user name and password; the same sentence for every failure, so names cannot be probed.
    A locked user is told so (with until when and who can unlock) without the password being tried."""
    name = username.strip().lower()
    return _log_in(factory, select(User).where(func.lower(User.username) == name), password, "password_hash",
                   PASSWORD_FAILURE, attempted=name, policy=policy, via="password")


def authenticate_badge(factory: sessionmaker[Session], badge_uid: str, pin: str, *,
                       policy: LockoutPolicy | None = None) -> Actor:
    """Quick log-in at the bench: the badge read by the RFID reader (or a wedge scan of it) and the PIN."""
    uid = badge_uid.strip().upper()
    attempted = f"badge {uid[-4:]}" if uid else "badge"  # never a whole badge number in the audit trail
    return _log_in(factory, select(User).where(func.upper(User.badge_uid) == uid), pin, "pin_hash",
                   BADGE_FAILURE, attempted=attempted, policy=policy, via="badge")


def _log_in(factory: sessionmaker[Session], query: Select[tuple[User]], secret: str, column: str,
            failure_text: str, *, attempted: str, policy: LockoutPolicy | None, via: str) -> Actor:
    policy = policy or LockoutPolicy.from_settings()
    with factory() as session:
        with session.begin():
            user = session.scalar(query)
            if user is None or not user.active:
                _hasher.hash(secret)
                # No user to count against; the attempt is still on record, under the name that was tried.
                session.add(AuditEvent(**event_row(Actor(username=attempted[:64], role=None), FAILED_EVENT,
                                                   table="users", reason=f"{via}: no such active user")))
                failure: DomainError = AuthenticationFailed(failure_text)
            else:
                outcome = _check_user(session, user, secret, column, failure_text, policy, via)
                if isinstance(outcome, Actor):
                    return outcome
                failure = outcome
        # The transaction above is committed: the failure and any lock stay recorded although we refuse.
        raise failure


def _check_user(session: Session, user: User, secret: str, column: str, failure_text: str,
                policy: LockoutPolicy, via: str) -> Actor | DomainError:
    """The actor when the secret is right; otherwise the error to raise after the failure is committed."""
    actor = actor_for(user)
    now = _database_now(session)
    if user.locked_until is not None and user.locked_until > now:
        _hasher.hash(secret)  # a locked account is not a password oracle: nothing is verified
        refused = f"{via}: refused, locked until {user.locked_until.isoformat()}"
        session.add(AuditEvent(**event_row(actor, FAILED_EVENT, table="users", row_id=str(user.id),
                                           reason=refused)))
        return locked_error(session, user, user.locked_until)
    stored = getattr(user, column)
    if not _verified(stored, secret):
        return _count_failure(session, user, actor, now, failure_text, policy, via)
    session.info[ACTOR_KEY] = actor
    if _hasher.check_needs_rehash(stored):
        setattr(user, column, hash_secret(secret))
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins, user.locked_until = 0, None  # a success starts the count again
    session.add(AuditEvent(**event_row(actor, LOGIN_EVENT, table="users", row_id=str(user.id), reason=via)))
    # Where the user may act travels with them, so the station services check it without a query.
    return replace(actor, work_centres=work_centres_of(session, user.id))


def _count_failure(session: Session, user: User, actor: Actor, now: datetime, failure_text: str,
                   policy: LockoutPolicy, via: str) -> DomainError:
    # One atomic increment: two bench PCs failing at the same moment both count. Core statements, so the
    # flush hook adds no "update" row beside the login_failed / locked_out events that carry the values.
    failures = session.execute(update(User).where(User.id == user.id)
                               .values(failed_logins=User.failed_logins + 1)
                               .returning(User.failed_logins)).scalar_one()
    session.add(AuditEvent(**event_row(actor, FAILED_EVENT, table="users", row_id=str(user.id),
                                       new={"failed_logins": failures}, reason=f"{via}: wrong secret")))
    if failures < policy.max_failures:
        return AuthenticationFailed(failure_text)
    until = now + timedelta(minutes=policy.lockout_minutes)
    # The count starts again with the lock, so after it ends the user has the full number of tries.
    session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=until))
    session.add(AuditEvent(**event_row(actor, LOCKED_EVENT, table="users", row_id=str(user.id),
                                       new={"locked_until": until.isoformat(), "failed_logins": failures},
                                       reason=f"{failures} failed log-ins in a row")))
    return locked_error(session, user, until)


def locked_error(session: Session, user: User, until: datetime) -> AccountLocked:
    admins = list(session.scalars(select(User.full_name).where(User.role == Role.ADMIN, User.active)
                                  .order_by(User.full_name).limit(3)))
    who = f"an administrator ({', '.join(admins)})" if admins else "an administrator"
    return AccountLocked(
        f"The account of {user.full_name or user.username} is locked until {_local_time(until)} after too "
        f"many failed log-ins. Try again after that time, or ask {who} to unlock it "
        f"(threadline user unlock {user.username}).", until)


def _local_time(moment: datetime) -> str:
    local = moment.astimezone()  # the bench PC's time zone: what the wall clock beside it says
    today = datetime.now().astimezone().date()
    return local.strftime("%H:%M" if local.date() == today else "%Y-%m-%d %H:%M")


# -- PINs and unlocking ------------------------------------------------------------------------------------


def validate_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS):
        raise ValidationError(f"A PIN is {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits (0–9), nothing else; "
                              "nothing was changed.")
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
    if steps in ({0}, {1}, {-1}):
        raise ValidationError("That PIN is too easy to guess (one digit repeated, or a run like 1234); "
                              "choose another.")


def set_pin(factory: sessionmaker[Session], actor: Actor, username: str, pin: str, *,
            password: str | None = None, policy: LockoutPolicy | None = None) -> None:
    """Set `username`'s badge PIN. An administrator may set anyone's; everyone else only their own, and
    only with their password (a session left open must not be enough to take over a badge)."""
    validate_pin(pin)
    name = username.strip().lower()
    if actor.role is Role.ADMIN or actor.is_system:
        require(actor, Action.MANAGE_USERS)
        reason = f"PIN set by {actor.full_name or actor.username}"
    else:
        if name != actor.username.lower():
            require(actor, Action.MANAGE_USERS)  # raises the readable refusal for non-admins
        if password is None:
            raise ValidationError("To set your PIN, type your password as well; nothing was changed.")
        authenticate(factory, actor.username, password, policy=policy)  # counts towards the lockout too
        reason = "PIN set by the user"
    # Anyone may change their own credentials once the password proved who they are: READ is every role's.
    action = Action.MANAGE_USERS if actor.role is Role.ADMIN or actor.is_system else Action.READ
    with unit_of_work(factory, actor, action, reason=reason) as session:
        user = _user_called(session, name)
        user.pin_hash = hash_secret(pin)  # the audit hook records it as *** (a `_hash` column)


def unlock_user(factory: sessionmaker[Session], actor: Actor, username: str) -> bool:
    """Lift a lockout and clear the failure count; False when the user was not locked."""
    with unit_of_work(factory, actor, Action.MANAGE_USERS,
                      reason=f"unlocked by {actor.full_name or actor.username}") as session:
        user = _user_called(session, username.strip().lower())
        was_locked = user.locked_until is not None and user.locked_until > _database_now(session)
        if user.failed_logins or user.locked_until is not None:
            user.failed_logins, user.locked_until = 0, None
        return was_locked


def locked_users(factory: sessionmaker[Session]) -> list[tuple[str, str, datetime]]:
    """(user name, full name, locked until) of every user locked out now, by the database's clock: the
    list an administrator picks from to unlock someone."""
    with factory() as session:
        now = _database_now(session)
        rows = session.execute(select(User.username, User.full_name, User.locked_until)
                               .where(User.locked_until > now).order_by(User.username))
        return [(name, full or name, until) for name, full, until in rows]


def _user_called(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.username) == name))
    if user is None:
        raise NotFound(f"There is no user called {name}; `threadline user list` shows who there is.")
    return user


__all__ = ["AccountLocked", "LockoutPolicy", "actor_for", "authenticate", "authenticate_badge", "hash_secret",
           "locked_users", "set_pin", "unlock_user", "validate_pin"]
