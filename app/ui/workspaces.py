"""The workspaces of the main window (Lookup today; Station, Inspection, Trace … later).

A page module registers a `Workspace` when it is imported; the main window asks `workspaces()` for the
ones this user may use and builds each page lazily, the first time it is shown. A new workspace is one
new module plus one line in `PAGE_MODULES`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.services.permissions import Actor
from app.ui.tasks import TaskRunner

PAGE_MODULES: tuple[str, ...] = (
    "app.ui.lookup_page",
    "app.ui.station_page",
    "app.ui.trace_page",
    "app.ui.inspection_page",
    "app.ui.plan_editor_page",
    "app.ui.spc_page",
    "app.ui.defects_page",
    "app.ui.devices_page",
    "app.ui.audit_page",
    "app.ui.permissions_page",
    "app.ui.backup_page",
    "app.ui.tokens_page",
    "app.ui.users_page",
)
# The Qt-free modules behind those pages (services and their worker functions): imported on the worker
# thread while the login dialog waits, so the main window opens without loading them.
SERVICE_MODULES: tuple[str, ...] = (
    "app.ui.lookup_work",
    "app.ui.station_work",
    "app.ui.trace_work",
    "app.ui.inspection_work",
    "app.ui.plan_editor_work",
    "app.ui.spc_work",
    "app.devices.profiles",
    "app.services.user_admin",
)


@dataclass(frozen=True)
class PageContext:
    """What a page gets to work with: the database through services, the user, the background helper."""

    factory: sessionmaker[Session]
    actor: Actor
    runner: TaskRunner
    settings: Settings


@dataclass(frozen=True)
class Workspace:
    key: str
    title: str
    build: Callable[[PageContext], QWidget]
    order: int = 100
    shortcut: str = ""
    tooltip: str = ""
    allowed: Callable[[Actor], bool] = field(default=lambda actor: True)


_registry: dict[str, Workspace] = {}


def register(workspace: Workspace) -> Workspace:
    _registry[workspace.key] = workspace
    return workspace


def workspaces(actor: Actor) -> list[Workspace]:
    for module in PAGE_MODULES:
        importlib.import_module(module)
    return sorted((w for w in _registry.values() if w.allowed(actor)), key=lambda w: (w.order, w.title))


def preload_services() -> None:
    for module in SERVICE_MODULES:
        importlib.import_module(module)
