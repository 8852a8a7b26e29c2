"""The one way services write: check the permission, open a transaction with the actor on it
(so the audit trail names them), commit or roll everything back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.services.audit import ACTOR_KEY
from app.models import User
from app.services.errors import Conflict, PermissionDenied
from app.services.permissions import Action, Actor, require


@contextmanager
def unit_of_work(factory: sessionmaker[Session], actor: Actor, action: Action,
                 *, reason: str | None = None) -> Iterator[Session]:
    require(actor, action)
    with factory() as session:
        session.info[ACTOR_KEY] = actor
        if reason:
            session.info["reason"] = reason
        try:
            with session.begin():
                _require_active(session, actor)
                yield session
        except IntegrityError as exc:
            # Services check what they can first; this catches the race two benches can still lose.
            raise Conflict("Someone else saved a conflicting record at the same moment; nothing of yours "
                           "was saved. Look the item up again and repeat the step.") from exc


def _require_active(session: Session, actor: Actor) -> None:
    """A user deactivated while logged in writes nothing more: their session lasts until they log out or
    the bench locks, their writes stop now. One primary-key read per write."""
    if actor.user_id is None:
        return
    active = session.scalar(select(User.active).where(User.id == actor.user_id))
    if active is False:
        raise PermissionDenied(f"The account of {actor.full_name or actor.username} was deactivated by an "
                               "administrator: nothing was saved. Log out; another user can log in here.")
