"""Admin pages: the audit viewer (filters, a long list read page by page, the chain's verdict computed off
the GUI thread) and the read-only permission matrix, driven as an administrator would."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from app.config import Settings
from app.models import AuditEvent, Role, Supplier
from app.services.audit_chain import remove_guards
from app.services.permissions import MATRIX, Action
from app.services.unit_of_work import unit_of_work
from app.ui.audit_model import PAGE
from app.ui.tasks import TaskRunner
from app.ui.workspaces import PageContext
from tests.gui.conftest import OFFSCREEN_LIMITS

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_LIMITS)
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _shot(widget, tmp_path: Path, name: str) -> Path:
    """Every screen is looked at; THREADLINE_DOCS_SCREENSHOTS=1 also refreshes the copy in docs/."""
    path = tmp_path / name
    assert widget.grab().save(str(path))
    if os.environ.get("THREADLINE_DOCS_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        shutil.copy(path, DOCS / name)
    return path


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.shutdown(wait=True)
    runner.deleteLater()


def test_the_auditor_finds_who_changed_a_record_and_sees_the_chain_verdict(qtbot, factory, admin, engine,
                                                                           runner, tmp_path):
    from app.services.station.bulk import insert_audited
    from app.ui.audit_page import AuditPage

    approved = "new supplier, approved by purchasing"
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason=approved) as s:
        s.add(Supplier(code="ACME", name="Acme Steel", country="DE"))
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason="bulk import of the approved list") as s:
        insert_audited(s, Supplier, [{"id": uuid.uuid4(), "code": f"S{i:03d}", "name": f"Supplier {i}"}
                                     for i in range(PAGE + 50)])  # more than a page: read as you scroll
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason="renamed after the merger") as s:
        acme = s.scalar(select(Supplier).where(Supplier.code == "ACME"))
        acme.name, acme.country = "Acme Special Steels", "AT"
    acme_id = str(acme.id)
    with factory() as s:
        total = len(s.scalars(select(AuditEvent.id)).all())

    page = AuditPage(PageContext(factory, admin, runner, Settings(tmp_path / "settings.json")))
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitUntil(lambda: page.report is not None, timeout=20_000)
    assert page.report.intact and "Chain intact" in page.chain_label.text()
    qtbot.waitUntil(lambda: page.model.rowCount() == total and page.model.entry(0) is not None,
                    timeout=20_000)

    page.view.scrollToBottom()  # the last page is read when it comes into view
    qtbot.waitUntil(lambda: page.model.entry(total - 1) is not None, timeout=20_000)
    assert page.model.entry(total - 1).id == 1  # newest first

    with qtbot.waitSignal(page.entries_listed, timeout=20_000) as listed:
        qtbot.keyClicks(page.record_edit, acme_id)
        qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    assert listed.args == [2]
    qtbot.waitUntil(lambda: None not in (page.model.entry(0), page.model.entry(1)), timeout=20_000)
    page.view.selectRow(0)
    details = page.details.toPlainText()
    assert "name: Acme Steel  →  Acme Special Steels" in details and "country: DE  →  AT" in details
    assert "Reason: renamed after the merger" in details and "By Ada Admin (admin)" in details
    assert page.model.index(1, 3).data() == "create"
    _shot(page, tmp_path, "audit-viewer.png")

    with engine.begin() as conn:  # someone with database rights rewrites history
        remove_guards(conn)
        conn.execute(update(AuditEvent).where(AuditEvent.id == 3).values(reason="nothing to see"))
    with qtbot.waitSignal(page.chain_checked, timeout=20_000) as checked:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert checked.args == [False]
    assert page.chain_label.text() == "✘ Audit trail broken at entry 3 (altered)"
    assert "edited after it was written" in page.chain_detail.text()
    _shot(page, tmp_path, "audit-viewer-broken.png")


def test_the_page_checks_against_the_stored_anchor_and_catches_a_cut_off_end(qtbot, factory, admin, engine,
                                                                             runner, tmp_path):
    from sqlalchemy import delete, func

    from app.ui.audit_page import AuditPage

    for code in ("ACME", "BOLT", "CAST"):
        with unit_of_work(factory, admin, Action.MANAGE_USERS) as s:
            s.add(Supplier(code=code, name=f"{code} Ltd"))
    page = AuditPage(PageContext(factory, admin, runner, Settings(tmp_path / "settings.json")))
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitUntil(lambda: page.report is not None, timeout=20_000)  # checked on opening
    assert "no anchor stored for this database yet" in page.chain_label.text()
    with qtbot.waitSignal(page.chain_checked, timeout=20_000) as checked:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert checked.args == [True] and "its end matches the anchor of" in page.chain_label.text()

    with engine.begin() as conn:  # the newest entries deleted: what is left is still a perfect chain
        remove_guards(conn)
        newest = conn.scalar(select(func.max(AuditEvent.id)))
        conn.execute(delete(AuditEvent).where(AuditEvent.id == newest))
    with qtbot.waitSignal(page.chain_checked, timeout=20_000) as checked:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert checked.args == [False]
    assert page.chain_label.text() == f"✘ Audit trail broken at entry {newest} (anchor mismatch)"
    assert "restored from an older backup on purpose" in page.chain_detail.text()
    _shot(page, tmp_path, "audit-viewer-cut.png")


def test_the_model_over_ids_passes_the_model_tester(qtbot, qtmodeltester, factory, admin):
    from app.services.audit_query import AuditFilter, audit_entries, audit_ids
    from app.ui.audit_model import AuditTableModel

    with unit_of_work(factory, admin, Action.MANAGE_USERS) as s:
        s.add(Supplier(code="ACME", name="Acme Steel"))
    model = AuditTableModel()
    model.rows_needed.connect(lambda ids: model.add_entries(audit_entries(factory, ids)))
    model.set_ids(audit_ids(factory, AuditFilter()))
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: model.entry(0) is not None)
    qtmodeltester.check(model)


def test_the_permission_matrix_shows_every_cell_the_services_enforce(qtbot, qtmodeltester, tmp_path):
    from app.ui.permissions_page import PermissionsPage

    page = PermissionsPage(PageContext(None, None, None, None))  # type: ignore[arg-type]  (needs no database)
    qtbot.addWidget(page)
    page.resize(1000, 560)
    page.show()
    qtmodeltester.check(page.model)
    model = page.model
    for row, action in enumerate(model.actions):
        for column, role in enumerate(model.roles):
            assert model.index(row, column).data() == ("✓ allowed" if role in MATRIX[action] else "—")
    manage = model.actions.index(Action.MANAGE_USERS)
    assert model.headerData(model.roles.index(Role.ADMIN), Qt.Orientation.Horizontal) == "Admin"
    assert model.index(manage, model.roles.index(Role.OPERATOR)).data(Qt.ItemDataRole.ToolTipRole) == \
        "Operator: may not manage users"
    _shot(page, tmp_path, "permission-matrix.png")
