"""The one way services write: check the permission, open a transaction with the actor on it
(so the audit trail names them), commit or roll everything back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.services.audit import ACTOR_KEY
from app.services.errors import Conflict
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
                yield session
        except IntegrityError as exc:
            # Services check what they can first; this catches the race two benches can still lose.
            raise Conflict("Someone else saved a conflicting record at the same moment; nothing of yours "
                           "was saved. Look the item up again and repeat the step.") from exc
