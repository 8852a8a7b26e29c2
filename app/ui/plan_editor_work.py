"""What the plan editor asks the worker thread to do: list the current plans, save a plan as its first or
next revision, and exchange plans with JSON files. Plain functions over the plan services, no Qt."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.services.errors import ValidationError
from app.services.inspection import (
    ImportedPlan,
    PlanDefinition,
    PlanView,
    create_plan,
    export_plans,
    import_plans,
    list_plans,
    revise_plan,
)
from app.services.permissions import Actor


@dataclass(frozen=True)
class Exported:
    path: Path
    plans: int


def current_plans(factory: sessionmaker[Session]) -> list[PlanView]:
    return list_plans(factory)


def save_plan(factory: sessionmaker[Session], actor: Actor, plan_id: uuid.UUID | None,
              definition: PlanDefinition, reason: str) -> PlanView:
    """A new plan's revision 1, or the next revision of `plan_id`."""
    if plan_id is None:
        return create_plan(factory, actor, definition)
    return revise_plan(factory, actor, plan_id, definition, reason=reason)


def import_file(factory: sessionmaker[Session], actor: Actor, path: Path, reason: str) -> list[ImportedPlan]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"The plan file {path} cannot be read ({exc.__class__.__name__}: {exc}). Check "
                              "that it exists and is a UTF-8 text file, then import it again.") from None
    return import_plans(factory, actor, text, reason=reason)


def export_file(factory: sessionmaker[Session], plan_ids: list[uuid.UUID] | None, path: Path) -> Exported:
    """The given plans (all current ones when None) as readable JSON in `path`."""
    text = export_plans(factory, plan_ids)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"The plans could not be written to {path} ({exc.strerror or exc}). Choose a "
                              "folder you may write to.") from None
    return Exported(path, len(json.loads(text)["plans"]))
