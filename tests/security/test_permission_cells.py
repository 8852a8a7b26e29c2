"""Every cell of the role × action matrix, through the real service the action guards.

tests/test_audit_and_users.py checks `allowed()` against MATRIX, which only proves the table agrees with
itself. Here each cell calls a service that really guards the action, with a request that would fail AFTER the
permission check (an unknown item, order, user …): a denied role must get PermissionDenied naming the action
and leave the audit trail as it was; an allowed role must get past the check — to a different, readable
DomainError, or to a harmless success. One database per backend for the whole module (users only; no demo
plant needed, since every probe asks about things that do not exist).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_session_factory
from app.models import AuditEvent, Disposition, PlanType, Role
from app.services.api_tokens import revoke_token
from app.services.auth import set_pin, unlock_user
from app.services.certificates.issuing import revoke_certificate
from app.services.demo import build_demo_plant
from app.services.errors import DomainError, PermissionDenied
from app.services.genealogy_import import import_links
from app.services.inspection.nonconformance import disposition_nonconformance
from app.services.inspection.records import open_record
from app.services.integration import create_work_order
from app.services.permissions import MATRIX, SYSTEM, Action, Actor
from app.services.station.goods_in import receive, release
from app.services.station.parameter_setup import define_parameter, remove_parameter, remove_source
from app.services.station.production import merge, serialize, split
from app.services.station.shipping import ship
from app.services.station.station_info import rework_approver
from app.services.station.steps import complete_step
from app.services.station.views import ParameterDefinition, Receipt, SerializeRequest, ShipRequest
from app.services.station_setup import register_station
from app.services.users import actor_for, add_user
from tests.conftest import MigratedTemplates, shared_database

PASSWORD = "password-123"
PINS = {Role.OPERATOR: "4826", Role.INSPECTOR: "5937", Role.SUPERVISOR: "6148", Role.QUALITY_ENGINEER: "7259",
        Role.ADMIN: "8361"}


@dataclass
class Bench:
    factory: sessionmaker[Session]
    people: dict[Role, Actor]

    def last_audit_id(self) -> int:
        with self.factory() as session:
            return session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))

    def audit_actions_after(self, last: int) -> list[str]:
        with self.factory() as session:
            return list(session.scalars(select(AuditEvent.action).where(AuditEvent.id > last)
                                        .order_by(AuditEvent.id)))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bench(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          migrated: MigratedTemplates) -> Iterator[Bench]:
    """A migrated database with one real user per role, shared by every cell of one backend."""
    with shared_database(request.param, tmp_path_factory.mktemp("cells"), migrated) as (url, engine):
        factory = make_session_factory(engine)
        boss = actor_for(add_user(factory, SYSTEM, username="root", full_name="Root Admin", role=Role.ADMIN,
                                  password=PASSWORD))
        people = {role: actor_for(add_user(factory, boss, username=f"u.{role.value}",
                                           full_name=f"Test {role.label}", role=role, password=PASSWORD))
                  for role in Role}
        yield Bench(factory, people)


# For each action, one call into a service that guards it. Each asks about something that does not exist (or
# is invalid in a way only checked inside the transaction), so an allowed role fails harmlessly afterwards.
Probe = Callable[[sessionmaker[Session], Actor], object]
CYCLE = "parent_part,parent_id,child_part,child_id,quantity\nCELL-A,1,CELL-B,1,1\nCELL-B,1,CELL-A,1,1\n"

PROBES: dict[Action, tuple[Probe, ...]] = {
    # No service requires READ of a denied role (every role has it); changing one's own PIN is the one
    # write that rests on it. Administrators go through MANAGE_USERS there, which they also hold.
    Action.READ: (lambda f, a: set_pin(f, a, a.username, PINS[a.role], password=PASSWORD),),
    Action.RECORD_STEP: (
        lambda f, a: serialize(f, a, SerializeRequest(count=1, work_order="WO-NO-SUCH")),
        lambda f, a: complete_step(f, a, [uuid.uuid4()]),
        lambda f, a: split(f, a, "NO-SUCH-LOT", [1.0]),
        lambda f, a: merge(f, a, ["NO-SUCH-LOT-A", "NO-SUCH-LOT-B"]),
    ),
    # The supervisor's name and password at the operator's bench: the only place APPROVE_REWORK is decided.
    Action.APPROVE_REWORK: (lambda f, a: rework_approver(f, a.username, PASSWORD),),
    Action.RECEIVE_GOODS: (lambda f, a: receive(f, a, Receipt(part_number="NO-SUCH-PART", supplier="NOSUP",
                                                              supplier_lot="L-1", quantity=1)),),
    Action.SHIP: (lambda f, a: ship(f, a, ShipRequest(customer_order="CO-NO-SUCH", items=("NO-SUCH-SERIAL",))),),
    Action.INSPECT: (lambda f, a: open_record(f, a, uuid.uuid4(), PlanType.FINAL),),
    Action.RELEASE_HOLD: (lambda f, a: release(f, a, "NO-SUCH-LOT"),),
    Action.DISPOSITION_NCR: (lambda f, a: disposition_nonconformance(f, a, uuid.uuid4(), Disposition.SCRAP,
                                                                     note="cell test"),),
    Action.EDIT_PLANS: (
        lambda f, a: define_parameter(f, a, ParameterDefinition(part_number="NO-SUCH-PART", operation_seq=10,
                                                                name="torque", unit="Nm")),
        lambda f, a: remove_parameter(f, a, "NO-SUCH-PART", 10, "torque"),
        lambda f, a: remove_source(f, a, "NO-SUCH-EQUIPMENT", "torque"),
    ),
    # A two-link cycle: parts and items are created, then the cycle check rolls all of it back.
    Action.IMPORT_DATA: (lambda f, a: import_links(f, a, CYCLE),),
    Action.MANAGE_USERS: (
        lambda f, a: unlock_user(f, a, "nobody.here"),
        # A user name that is taken: refused inside the transaction.
        lambda f, a: add_user(f, a, username="u.operator", full_name="Twin", role=Role.OPERATOR,
                              password=PASSWORD),
    ),
    Action.BUILD_DEMO: (lambda f, a: build_demo_plant(f, a, units=1),),
    Action.ISSUE_CERTIFICATE: (lambda f, a: revoke_certificate(f, a, "COC-NO-SUCH", "cell test"),),
    Action.EDIT_ORDERS: (lambda f, a: create_work_order(f, a, number="WO-CELL", part_number="NO-SUCH-PART",
                                                       quantity=1),),
    Action.MANAGE_API_TOKENS: (lambda f, a: revoke_token(f, a, "no-such-token"),),
    Action.SET_UP_STATIONS: (lambda f, a: register_station(f, a, "   ", "Turning"),),
}

CELLS = [pytest.param(action, role, id=f"{action.value}-{role.value}") for action in Action for role in Role]


def test_every_action_has_a_probe() -> None:
    assert set(PROBES) == set(Action) == set(MATRIX)


@pytest.mark.parametrize(("action", "role"), CELLS)
def test_cell(bench: Bench, action: Action, role: Role) -> None:
    actor = bench.people[role]
    for probe in PROBES[action]:
        check(bench, action, actor, probe)


def check(bench: Bench, action: Action, actor: Actor, probe: Probe) -> None:
    role = actor.role
    last = bench.last_audit_id()
    outcome: object = None
    error: DomainError | None = None
    try:
        outcome = probe(bench.factory, actor)
    except DomainError as exc:
        error = exc
    written = bench.audit_actions_after(last)
    # The rework approver logs in with name and password before the role is looked at; that log-in is on
    # the audit trail whatever follows, and is the only row such a probe may add.
    expected_quiet = ["login"] if action is Action.APPROVE_REWORK else []

    if role not in MATRIX[action]:
        assert isinstance(error, PermissionDenied), f"{role.value} was let through {action.value}: {error!r}"
        assert f"may not {action.label}" in str(error)
        assert actor.full_name in str(error)
        assert written == expected_quiet, f"a refused {action.value} wrote audit rows {written}"
        return

    assert not isinstance(error, PermissionDenied), f"{role.value} was refused {action.value}: {error}"
    if action is Action.READ:
        assert error is None, f"{role.value} could not set their own PIN: {error}"
        assert "update" in written  # the PIN change is on the audit trail
    elif action is Action.APPROVE_REWORK:
        assert error is None and isinstance(outcome, Actor) and outcome.role is role
        assert written == expected_quiet
    else:
        # Past the check, the unknown thing is refused with a sentence, and nothing of it was kept.
        assert error is not None and str(error).strip(), f"{action.value} by {role.value} passed: {outcome}"
        assert written == [], f"{action.value} by {role.value} failed but wrote {written}"
