"""API tokens: an integration's credential with scopes. Only the SHA-256 of the secret is stored; the secret
itself is shown once, at creation. A token acts in the services as an Actor of its own (`api:<name>`), so the
audit trail names the integration that wrote."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models import Role, User
from app.models.api import ApiToken
from app.models.base import utcnow
from app.services.errors import AuthenticationFailed, NotFound, ValidationError
from app.services.permissions import Action, Actor
from app.services.unit_of_work import unit_of_work

SCOPES = {
    "read:trace": "items, forward/reverse trace, recall lists and inspection results",
    "read:certificates": "certificate status and verification",
    "write:suppliers": "create and update suppliers",
    "write:receipts": "purchase receipts (lots into quarantine)",
    "write:orders": "work orders and customer orders",
    "write:shipments": "shipments against customer orders",
}
PREFIX = "tl_"  # lets a secret scanner (and a person) recognise a leaked Threadline token
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,47}$")
# The services need a role for `require`; an integration acts with a supervisor's rights there, and its
# scopes decide which endpoints it may call at all (the API checks them before any service runs).
TOKEN_ROLE = Role.SUPERVISOR
_TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is bookkeeping: not a write per request


@dataclass(frozen=True)
class TokenView:
    id: uuid.UUID
    name: str
    scopes: tuple[str, ...]
    created_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class CreatedToken:
    token: TokenView
    secret: str  # shown once; not stored


@dataclass(frozen=True)
class TokenActor:
    """Who is calling: the token and the Actor the services see."""

    token_id: uuid.UUID
    name: str
    scopes: frozenset[str]
    actor: Actor


def hash_secret(secret: str) -> str:
    # The secret has 256 bits of entropy: a plain SHA-256 is enough, no slow password hash is needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def _view(token: ApiToken) -> TokenView:
    return TokenView(token.id, token.name, tuple(token.scopes.split()), token.created_at, token.revoked_at,
                     token.last_used_at)


def check_scopes(scopes: list[str]) -> tuple[str, ...]:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationError(f"Unknown scope {', '.join(unknown)}. Choose from: "
                              f"{', '.join(sorted(SCOPES))}.")
    if not scopes:
        raise ValidationError(f"Give the token at least one scope: {', '.join(sorted(SCOPES))}.")
    return tuple(sorted(set(scopes)))


def create_token(factory: sessionmaker[Session], actor: Actor, name: str, scopes: list[str]) -> CreatedToken:
    name = name.strip().lower()
    if not _NAME.match(name):
        raise ValidationError(f"'{name}' cannot name a token: use up to 48 letters, digits, '.', '_' or '-', "
                              "e.g. erp-main.")
    chosen = check_scopes(scopes)
    if actor.user_id is None:
        raise ValidationError("A token is created by a named administrator, who answers for what it writes. "
                              "Give --as ADMIN.")
    secret = PREFIX + secrets.token_urlsafe(32)
    reason = f"API token {name} created"
    with unit_of_work(factory, actor, Action.MANAGE_API_TOKENS, reason=reason) as session:
        if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
            raise ValidationError(f"A token named {name} already exists. Revoke it first or choose another "
                                  "name.")
        token = ApiToken(name=name, token_hash=hash_secret(secret), scopes=" ".join(chosen),
                         created_by_id=actor.user_id)
        session.add(token)
        session.flush()
        session.refresh(token)
        return CreatedToken(_view(token), secret)


def revoke_token(factory: sessionmaker[Session], actor: Actor, name: str) -> TokenView:
    reason = f"API token {name} revoked"
    with unit_of_work(factory, actor, Action.MANAGE_API_TOKENS, reason=reason) as session:
        token = session.scalar(select(ApiToken).where(ApiToken.name == name.strip().lower()))
        if token is None:
            raise NotFound(f"There is no API token named {name}. `threadline token list` shows them.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
        session.flush()
        return _view(token)


def list_tokens(factory: sessionmaker[Session]) -> list[TokenView]:
    with factory() as session:
        return [_view(t) for t in session.scalars(select(ApiToken).order_by(ApiToken.name))]


def authenticate(factory: sessionmaker[Session], secret: str) -> TokenActor:
    """The token a secret belongs to, or AuthenticationFailed with the same sentence for every bad secret."""
    refused = AuthenticationFailed("The API token is missing, unknown or revoked. Send a valid token as "
                                   "'Authorization: Bearer <token>'; an administrator creates one with "
                                   "`threadline token create`.")
    if not secret:
        raise refused
    with factory() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret.strip())))
        if token is None or token.revoked_at is not None:
            raise refused
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
            # A Core UPDATE, not an ORM change: usage time is bookkeeping, not a change for the audit trail.
            session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
            session.commit()
        actor = Actor(username=f"api:{token.name}", role=TOKEN_ROLE, user_id=token.created_by_id,
                      full_name=f"API token {token.name}")
        return TokenActor(token.id, token.name, frozenset(token.scopes.split()), actor)


def token_creators(factory: sessionmaker[Session]) -> dict[uuid.UUID, str]:
    """Token id → the username of the administrator who created it (the admin GUI's "Created by")."""
    with factory() as session:
        return {token_id: username for token_id, username in session.execute(
            select(ApiToken.id, User.username).join(User, ApiToken.created_by_id == User.id))}
