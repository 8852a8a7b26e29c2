"""Where a user may act: the work centres beside the role × action matrix.

A user with no work centres may act at every station, so databases from before work centres existed keep
working; a user with some may act only at stations of those. The set is read at log-in into the `Actor`
(`work_centres`), so the check costs no query at each write; an administrator's change applies from the
user's next log-in. The system and API-token actors carry no set and stay unrestricted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Operation, Station, User
from app.models.parties import UserWorkCentre
from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.permissions import Action, Actor, require
from app.services.unit_of_work import unit_of_work


def work_centres_of(session: Session, user_id: uuid.UUID) -> frozenset[str]:
    return frozenset(session.scalars(select(UserWorkCentre.work_center)
                                     .where(UserWorkCentre.user_id == user_id)))


def may_act_at(actor: Actor, work_centre: str) -> bool:
    return not actor.work_centres or work_centre.casefold() in {c.casefold() for c in actor.work_centres}


def require_at(session: Session, actor: Actor, action: Action, station: Station | None) -> None:
    """The matrix, then the work centre of the station the write happens at. Call it inside the unit of
    work before anything is written: the refusal rolls the whole transaction back."""
    require(actor, action)
    if not actor.work_centres:
        return
    who = actor.full_name or actor.username
    allowed = _listed(actor.work_centres)
    if station is None:
        raise PermissionDenied(
            f"{who} may {action.label} only at stations of {allowed}, and this request names no station. "
            "Set this bench's station name in Settings and try again; nothing was saved.")
    if not may_act_at(actor, station.work_center):
        raise PermissionDenied(
            f"{who} may not {action.label} at {station.name}: it belongs to the {station.work_center} work "
            f"centre, and {who} may act only in {allowed}. Nothing was saved; ask an administrator to add "
            f"{station.work_center} (threadline user work-centres {actor.username} …) or work at a station "
            "of your own work centre.")


def known_work_centres(session: Session) -> list[str]:
    """Every work centre named on a station or an operation, as spelled there."""
    names = set(session.scalars(select(Station.work_center).distinct()))
    names |= set(session.scalars(select(Operation.work_center).distinct()))
    return sorted(names, key=str.casefold)


def set_work_centres(factory: sessionmaker[Session], actor: Actor, username: str,
                     codes: Iterable[str]) -> tuple[str, ...]:
    """Restrict `username` to these work centres; none means everywhere. Names match case-insensitively
    and are stored as the stations spell them. Returns the work centres now set, sorted."""
    name = username.strip().lower()
    wanted = [code.strip() for code in codes if code.strip()]
    with unit_of_work(factory, actor, Action.MANAGE_USERS,
                      reason=f"work centres of {name} set by {actor.full_name or actor.username}") as session:
        user = session.scalar(select(User).where(func.lower(User.username) == name))
        if user is None:
            raise NotFound(f"There is no user called {name}; `threadline user list` shows who there is.")
        known = {centre.casefold(): centre for centre in known_work_centres(session)}
        unknown = [code for code in wanted if code.casefold() not in known]
        if unknown:
            verb = "is not a work centre" if len(unknown) == 1 else "are not work centres"
            raise ValidationError(f"{_listed(unknown)} {verb} of this plant; nothing was changed. Known work "
                                  f"centres: {_listed(known.values())}.")
        target = {known[code.casefold()] for code in wanted}
        rows = list(session.scalars(select(UserWorkCentre).where(UserWorkCentre.user_id == user.id)))
        for row in rows:
            if row.work_center not in target:
                session.delete(row)  # the audit hook records each removal
        have = {row.work_center for row in rows}
        session.add_all(UserWorkCentre(user_id=user.id, work_center=centre)
                        for centre in sorted(target - have))
        return tuple(sorted(target, key=str.casefold))


def work_centres_by_user(factory: sessionmaker[Session]) -> dict[str, tuple[str, ...]]:
    """user name → the work centres they are restricted to; users acting everywhere are absent."""
    with factory() as session:
        found: dict[str, list[str]] = {}
        for username, centre in session.execute(
                select(User.username, UserWorkCentre.work_center)
                .join(User, User.id == UserWorkCentre.user_id)
                .order_by(User.username, UserWorkCentre.work_center)):
            found.setdefault(username, []).append(centre)
        return {username: tuple(centres) for username, centres in found.items()}


def _listed(names: Iterable[str]) -> str:
    ordered = sorted(names, key=str.casefold)
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " and " + ordered[-1]


__all__ = ["known_work_centres", "may_act_at", "require_at", "set_work_centres", "work_centres_by_user",
           "work_centres_of"]
