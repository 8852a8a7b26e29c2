"""The station tests' small plant (parts BAR-40, SEAL-KIT, BODY-1, VALVE-1; supplier ACME; customer CUST)
on SQLite and PostgreSQL, and helpers to run `threadline exchange …` in this process."""

from __future__ import annotations

import io
import sys

import pytest
from sqlalchemy import func, select

from app.cli import execute, parse_args
from app.models import AuditEvent, Customer, CustomerOrder, Supplier
from app.services.auth import LOGIN_EVENT
from tests.conftest import ADMIN_PASSWORD
from tests.station.conftest import WRITTEN, plant  # noqa: F401 - the fixture, shared


def counts(factory) -> dict[str, int]:
    """Row counts of everything an import can write, and of the audit trail (but for the CLI's login)."""
    with factory() as session:
        found = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                 for model in (*WRITTEN, Supplier, Customer, CustomerOrder)}
        found["audit_events"] = session.scalar(select(func.count()).select_from(AuditEvent)
                                               .where(AuditEvent.action != LOGIN_EVENT))
        return found


def run_cli(monkeypatch: pytest.MonkeyPatch, db_url: str, *args: str) -> tuple[int, str, str]:
    """`threadline --db URL exchange ARGS` in this process; the admin's password on standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{ADMIN_PASSWORD}\n"))
    out, err = io.StringIO(), io.StringIO()
    code = execute(parse_args(["--db", db_url, "exchange", *args]), out, err)
    return code, out.getvalue(), err.getvalue()
