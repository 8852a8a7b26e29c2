"""Who may do what: the role × action matrix, enforced in the services, not only in the GUI."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from app.models import Role
from app.services.errors import PermissionDenied


class Action(str, enum.Enum):
    READ = "read"
    RECORD_STEP = "record_step"
    APPROVE_REWORK = "approve_rework"
    RECEIVE_GOODS = "receive_goods"
    SHIP = "ship"
    INSPECT = "inspect"
    RELEASE_HOLD = "release_hold"
    DISPOSITION_NCR = "disposition_ncr"
    EDIT_PLANS = "edit_plans"
    IMPORT_DATA = "import_data"
    MANAGE_USERS = "manage_users"
    BUILD_DEMO = "build_demo"
    ISSUE_CERTIFICATE = "issue_certificate"
    EDIT_ORDERS = "edit_orders"  # suppliers, work orders, customer orders (the ERP's master data)
    MANAGE_API_TOKENS = "manage_api_tokens"
    SET_UP_STATIONS = "set_up_stations"  # register a bench PC as a station at a work centre

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_ALL = set(Role)
MATRIX: dict[Action, set[Role]] = {
    Action.READ: _ALL,
    Action.RECORD_STEP: {Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN},
    Action.APPROVE_REWORK: {Role.SUPERVISOR},
    Action.RECEIVE_GOODS: {Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN},
    Action.SHIP: {Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN},
    Action.INSPECT: {Role.INSPECTOR, Role.QUALITY_ENGINEER, Role.SUPERVISOR},
    Action.RELEASE_HOLD: {Role.INSPECTOR, Role.QUALITY_ENGINEER, Role.SUPERVISOR},
    Action.DISPOSITION_NCR: {Role.QUALITY_ENGINEER, Role.SUPERVISOR},
    Action.EDIT_PLANS: {Role.QUALITY_ENGINEER},
    Action.IMPORT_DATA: {Role.QUALITY_ENGINEER, Role.ADMIN},
    Action.MANAGE_USERS: {Role.ADMIN},
    Action.BUILD_DEMO: {Role.ADMIN},
    # Certificates are signed for the company: supervisors and quality engineers release them to customers.
    Action.ISSUE_CERTIFICATE: {Role.SUPERVISOR, Role.QUALITY_ENGINEER},
    Action.EDIT_ORDERS: {Role.SUPERVISOR, Role.ADMIN},
    # API tokens are credentials, created and revoked like user accounts.
    Action.MANAGE_API_TOKENS: {Role.ADMIN},
    # Whoever installs a bench: IT (administrators) or the supervisor of the shop floor.
    Action.SET_UP_STATIONS: {Role.SUPERVISOR, Role.ADMIN},
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user, or the system itself for bootstrap and demo work."""

    username: str
    role: Role | None
    user_id: uuid.UUID | None = None
    full_name: str = ""
    # Work centres where the user may act, read at log-in (app.services.scope); empty: everywhere.
    work_centres: frozenset[str] = frozenset()

    @property
    def is_system(self) -> bool:
        return self.role is None


SYSTEM = Actor(username="system", role=None, full_name="Threadline")


def allowed(actor: Actor, action: Action) -> bool:
    return actor.is_system or actor.role in MATRIX[action]


def require(actor: Actor, action: Action) -> None:
    if not allowed(actor, action):
        roles = ", ".join(sorted(r.label.lower() for r in MATRIX[action]))
        raise PermissionDenied(
            f"{actor.full_name or actor.username} ({actor.role.label.lower() if actor.role else 'system'}) "
            f"may not {action.label}. Ask someone with one of these roles: {roles}."
        )
