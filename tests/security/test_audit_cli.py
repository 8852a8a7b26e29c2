"""`threadline audit verify|list` as an auditor runs them: a real process on a real database."""

from __future__ import annotations

import io
import json

from sqlalchemy import select, update

from app.models import AuditEvent, Supplier
from app.services.audit_chain import remove_guards
from app.services.permissions import Action
from app.services.unit_of_work import unit_of_work
from tests.test_cli import threadline


def audit(*args: str, db: str) -> tuple[int, str]:
    """The command in this process (a subprocess costs seconds of imports on a loaded CI machine)."""
    from app import cli

    out = io.StringIO()
    code = cli.execute(cli.parse_args(["--db", db, "audit", *args]), out)
    return code, out.getvalue()


def test_verify_names_the_first_broken_entry_and_list_answers_who_changed_what(db_url, engine, factory,
                                                                              admin):
    with unit_of_work(factory, admin, Action.MANAGE_USERS) as session:
        session.add(Supplier(code="ACME", name="Acme Steel", country="DE"))
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason="renamed after merger") as session:
        supplier = session.scalar(select(Supplier).where(Supplier.code == "ACME"))
        supplier.name = "Acme Special Steels"
        supplier_id = str(supplier.id)

    code, intact = audit("verify", db=db_url)
    assert code == 0 and "Audit trail intact: 3 entries checked" in intact and "--anchor 3:" in intact

    code, listed = audit("list", "--table", "suppliers", "--row", supplier_id, db=db_url)
    assert code == 0 and "Ada Admin (admin)  update suppliers" in listed
    assert "name: Acme Steel → Acme Special Steels" in listed and "reason: renamed after merger" in listed
    assert "2 entries" in listed
    assert "0 entries" in audit("list", "--user", "admin", "--until", "2000-01-01", db=db_url)[1]

    with engine.begin() as conn:  # someone with database-administrator rights edits the create entry
        remove_guards(conn)
        conn.execute(update(AuditEvent).where(AuditEvent.id == 2).values(new_values={"name": "Other"}))
    broken = threadline("audit", "verify", db=db_url)  # the real process: its exit status is what scripts see
    assert broken.returncode == 2
    assert broken.stdout.startswith("Audit trail broken at entry 2 (")
    assert "edited after it was written" in broken.stdout
    code, text = audit("verify", "--json", db=db_url)
    as_json = json.loads(text)
    assert code == 2
    assert as_json["intact"] is False and as_json["checked"] == 1
    assert as_json["broken"]["entry_id"] == 2 and as_json["broken"]["fault"] == "altered"
