"""The plan editor driven like a quality engineer: write a new plan in the table (a ± tolerance sets the
limits), save it as revision 1, revise a plan with a reason, edit a pass/fail check's defect codes and the
sampling rule (a lot-size table typed row by row), exchange plans with JSON files; validation errors come back
as sentences and nothing is saved."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit, QSpinBox
from sqlalchemy import select

from app.models import AuditEvent, CharacteristicKind, Classification, InspectionPlan, PlanType, Role
from app.services.inspection import Sampling, list_plans
from app.services.permissions import Actor
from app.ui import plan_editor_page
from app.ui.plan_editor_model import (
    CLASS,
    CODES,
    DECIMALS,
    GAUGE,
    LOWER,
    NAME,
    NOMINAL,
    TOLERANCE,
    UNIT,
    UPPER,
    CharacteristicTableModel,
)
from app.ui.plan_editor_page import PlanEditorPage
from app.ui.workspaces import PageContext
from tests.inspection.conftest import BAR, BODY, LENGTH, VISUAL, VISUAL_CODES, shop  # noqa: F401

WAIT = 10_000
JSON = plan_editor_page.JSON_FILTER
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot, shop, runner, settings) -> PlanEditorPage:
    page = PlanEditorPage(PageContext(shop.factory, shop.engineer, runner, settings))
    qtbot.addWidget(page)
    page.resize(1600, 950)
    page.show()
    qtbot.waitUntil(lambda: page.plans.rowCount() == 2, timeout=WAIT)
    return page


def type_cell(qtbot, page: PlanEditorPage, row: int, column: int, text: str) -> None:
    """Select the cell, type over it as a person would (the first key opens the editor), Enter."""
    table = page.table
    index = page.characteristics.index(row, column)
    table.setFocus()
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.focusWidget()
    assert isinstance(editor, QLineEdit), f"no text editor in cell {row}, {column}"
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    closed(qtbot, table)


def closed(qtbot, table) -> None:
    # The delegate commits and closes the editor on Enter through a queued call.
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=WAIT)


def choose_cell(qtbot, page: PlanEditorPage, row: int, column: int, value: object) -> None:
    """A list or spin box cell: open its editor, pick the value, Enter."""
    table = page.table
    index = page.characteristics.index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.focusWidget()
    if isinstance(editor, QComboBox):
        editor.setCurrentIndex(editor.findData(value))
    else:
        assert isinstance(editor, QSpinBox)
        editor.setValue(int(value))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    closed(qtbot, table)


def save(qtbot, page: PlanEditorPage):
    with qtbot.waitSignal(page.plan_saved, timeout=WAIT) as saved:
        qtbot.mouseClick(page.save_button, LEFT)
    return saved.args[0]


def test_a_new_plan_is_written_in_the_table_and_saved_as_revision_1(qtbot, page, shop, qtmodeltester):
    qtbot.mouseClick(page.new_button, LEFT)
    assert page.heading.text() == "New plan" and page.save_button.text() == "Create plan"
    qtbot.keyClicks(page.part_number, BODY)
    qtbot.keyClicks(page.part_revision, "C")
    page.plan_type.setCurrentIndex(page.plan_type.findData(PlanType.FIRST_ARTICLE.value))
    page.sample_size.setValue(3)

    qtbot.mouseClick(page.add_measured_button, LEFT)
    type_cell(qtbot, page, 0, NAME, "Bore diameter Ø12 H7")
    choose_cell(qtbot, page, 0, CLASS, Classification.CRITICAL.value)
    type_cell(qtbot, page, 0, NOMINAL, "12,000")
    type_cell(qtbot, page, 0, TOLERANCE, "0 / 0.018")
    assert (page.characteristics.index(0, LOWER).data(), page.characteristics.index(0, UPPER).data()) == (
        "12.000", "12.018")
    assert page.characteristics.index(0, TOLERANCE).data() == "+0 / +0.018"
    type_cell(qtbot, page, 0, GAUGE, "Air gauge")
    qtbot.mouseClick(page.add_measured_button, LEFT)
    type_cell(qtbot, page, 1, NAME, "Surface Ra")
    type_cell(qtbot, page, 1, UPPER, "0.8")
    type_cell(qtbot, page, 1, UNIT, "um")
    choose_cell(qtbot, page, 1, DECIMALS, 2)
    assert page.characteristics.index(1, UPPER).data() == "0.80"  # shown at the new resolution
    qtbot.mouseClick(page.add_attribute_button, LEFT)
    type_cell(qtbot, page, 2, NAME, "Visual: burrs")
    assert not page.characteristics.flags(page.characteristics.index(2, NOMINAL)) & Qt.ItemFlag.ItemIsEditable
    qtmodeltester.check(page.characteristics)
    assert page.heading.text() == "New plan — not saved yet"

    plan = save(qtbot, page)
    assert (plan.plan_type, plan.revision, plan.sample_size, plan.operation_seq) == (
        PlanType.FIRST_ARTICLE, 1, 3, None)
    assert "Saved: VB-4711 rev C, first article inspection, plan rev 1." in page.feedback.text()
    qtbot.waitUntil(lambda: page.plans.rowCount() == 3, timeout=WAIT)
    [stored] = [p for p in list_plans(shop.factory) if p.plan_type is PlanType.FIRST_ARTICLE]
    assert [(c.name, c.kind, c.classification, c.nominal, c.lower_limit, c.upper_limit, c.unit, c.decimals,
             c.gauge_type) for c in stored.characteristics] == [
        ("Bore diameter Ø12 H7", CharacteristicKind.VARIABLE, Classification.CRITICAL, 12.0, 12.0, 12.018, "mm",
         3, "Air gauge"),
        ("Surface Ra", CharacteristicKind.VARIABLE, Classification.MAJOR, None, None, 0.8, "µm", 2, None),
        ("Visual: burrs", CharacteristicKind.ATTRIBUTE, Classification.MINOR, None, None, None, None, 0, None)]
    # Saved, the editor holds the stored plan, ready for its next revision.
    assert page.plan is not None and page.plan.id == stored.id and page.save_button.text() == "Save as rev 2"
    qtmodeltester.check(page.plans)


def test_a_change_is_a_new_revision_with_its_reason_and_the_old_one_retires(qtbot, page, shop):
    final = next(p for p in page.plans.records() if p.plan_type is PlanType.FINAL)
    row = page.plan_table.proxy.mapFromSource(page.plans.index(page.plans.records().index(final), 0)).row()
    page.plan_table.setFocus()
    page.plan_table.selectRow(row)
    qtbot.keyClick(page.plan_table, Qt.Key.Key_Return)
    assert page.plan == final and page.characteristics.rowCount() == 4
    assert page.part_number.isReadOnly() and not page.plan_type.isEnabled()
    length = [page.characteristics.draft(r).name for r in range(4)].index(LENGTH)
    type_cell(qtbot, page, length, TOLERANCE, "±0.05")
    assert page.save_button.text() == "Save as rev 2" and "changed, not saved yet" in page.heading.text()

    # No reason: the service says why nothing was saved.
    with qtbot.waitSignal(page.problem_shown, timeout=WAIT) as problem:
        qtbot.mouseClick(page.save_button, LEFT)
    assert problem.args[0].startswith("Say why the plan changes")
    qtbot.keyClicks(page.reason, "Length tightened after the customer's audit")
    plan = save(qtbot, page)
    assert plan.revision == 2 and not page.error.isVisible()
    with shop.factory() as session:
        plans = session.execute(select(InspectionPlan.revision, InspectionPlan.active)
                                .where(InspectionPlan.plan_type == PlanType.FINAL)
                                .order_by(InspectionPlan.revision)).all()
        reasons = set(session.scalars(select(AuditEvent.reason).where(AuditEvent.table_name == "inspection_plans",
                                                                      AuditEvent.username == "qe.mueller")))
    assert [tuple(p) for p in plans] == [(1, False), (2, True)]
    assert "Length tightened after the customer's audit" in reasons
    changed = next(c for c in plan.characteristics if c.name == LENGTH)
    assert (changed.lower_limit, changed.upper_limit) == (67.95, 68.05)


def test_validation_errors_are_sentences_and_nothing_is_saved(qtbot, page, shop):
    qtbot.mouseClick(page.new_button, LEFT)
    with qtbot.waitSignal(page.problem_shown, timeout=WAIT) as problem:
        qtbot.mouseClick(page.save_button, LEFT)
    assert problem.args[0] == "Type the part number and the part revision the plan is for."

    qtbot.keyClicks(page.part_number, BAR)
    qtbot.keyClicks(page.part_revision, "A")
    page.plan_type.setCurrentIndex(page.plan_type.findData(PlanType.FIRST_ARTICLE.value))
    qtbot.mouseClick(page.add_measured_button, LEFT)
    type_cell(qtbot, page, 0, NAME, "Bar diameter")
    with qtbot.waitSignal(page.problem_shown, timeout=WAIT) as problem:
        type_cell(qtbot, page, 0, NOMINAL, "forty")
    assert problem.args[0] == ("Row 1 (Bar diameter): the nominal 'forty' is not a number; type digits with one "
                               "decimal point, e.g. 12.018.")
    assert page.characteristics.index(0, NOMINAL).data() == ""
    type_cell(qtbot, page, 0, UNIT, "")
    with qtbot.waitSignal(page.problem_shown, timeout=WAIT) as problem:
        qtbot.mouseClick(page.save_button, LEFT)
    assert problem.args[0].startswith("The plan RB-40 rev A, first article inspection cannot be saved: ")
    assert "Bar diameter: a unit of up to 16 characters is needed" in problem.args[0]
    assert "Bar diameter: a lower limit, an upper limit or both are needed" in problem.args[0]
    assert page.error.isVisible() and page.error.text() == problem.args[0]
    assert [p.plan_type for p in list_plans(shop.factory)].count(PlanType.FIRST_ARTICLE) == 0


def test_plans_are_exported_and_imported_as_json_files(qtbot, page, shop, tmp_path, monkeypatch):
    exported = tmp_path / "plans.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(exported), JSON))
    with qtbot.waitSignal(page.plans_exported, timeout=WAIT):
        qtbot.mouseClick(page.export_button, LEFT)
    assert "Exported 2 plans to" in page.feedback.text()
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert sorted(p["part_number"] for p in document["plans"]) == [BAR, BODY]

    body = next(p for p in document["plans"] if p["part_number"] == BODY)
    next(c for c in body["characteristics"] if c["name"] == LENGTH)["upper_limit"] = 68.05
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(changed), JSON))
    qtbot.keyClicks(page.reason, "Upper length limit from the customer drawing rev D")
    with qtbot.waitSignal(page.plans_imported, timeout=WAIT) as imported:
        qtbot.mouseClick(page.import_button, LEFT)
    assert sorted(i.outcome for i in imported.args[0]) == ["revised", "unchanged"]
    assert page.feedback.text() == "Imported: 1 revised, 1 unchanged."
    final = next(p for p in list_plans(shop.factory) if p.plan_type is PlanType.FINAL)
    assert final.revision == 2 and next(c for c in final.characteristics if c.name == LENGTH).upper_limit == 68.05

    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "threadline-inspection-plans", "version": 1, "plans": [', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(broken), JSON))
    with qtbot.waitSignal(page.problem_shown, timeout=WAIT) as problem:
        qtbot.mouseClick(page.import_button, LEFT)
    assert problem.args[0].startswith("The plan file is not valid JSON (line 1")


def test_the_editor_is_for_quality_engineers():
    allowed = plan_editor_page.WORKSPACE.allowed
    assert allowed(Actor("q", Role.QUALITY_ENGINEER))
    assert not any(allowed(Actor("x", role)) for role in (Role.OPERATOR, Role.INSPECTOR, Role.SUPERVISOR,
                                                           Role.ADMIN))


def open_final(qtbot, page: PlanEditorPage):
    final = next(p for p in page.plans.records() if p.plan_type is PlanType.FINAL)
    row = page.plan_table.proxy.mapFromSource(page.plans.index(page.plans.records().index(final), 0)).row()
    page.plan_table.setFocus()
    page.plan_table.selectRow(row)
    qtbot.keyClick(page.plan_table, Qt.Key.Key_Return)
    assert page.plan == final
    return final


def type_code_cell(qtbot, page: PlanEditorPage, row: int, column: int, text: str) -> None:
    table = page.codes_editor.table
    index = page.codes_editor.model.index(row, column)
    table.setFocus()
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    closed(qtbot, table)


def test_the_defect_codes_of_a_pass_fail_check_are_edited_beside_the_table(qtbot, page, shop, qtmodeltester):
    open_final(qtbot, page)
    names = [page.characteristics.draft(r).name for r in range(4)]
    editor = page.codes_editor
    # A measured characteristic has none: the editor says why and takes nothing.
    page.table.setCurrentIndex(page.characteristics.index(names.index(LENGTH), NAME))
    assert not editor.table.isEnabled() and "DIM-HIGH or DIM-LOW" in editor.hint.text()
    assert page.characteristics.index(names.index(LENGTH), CODES).data() == "—"

    visual = names.index(VISUAL)
    page.table.setCurrentIndex(page.characteristics.index(visual, NAME))
    assert editor.table.isEnabled() and editor.title.text() == f"Defect codes of {VISUAL}"
    assert [(c.code, c.description) for c in editor.model.codes()] == list(VISUAL_CODES.items())
    assert page.characteristics.index(visual, CODES).data() == "BURR, SCRATCH +1"
    qtmodeltester.check(editor.model)

    # Scratches go, dents come: typed in lower case, stored as the code.
    editor.table.setCurrentIndex(editor.model.index(1, 0))
    qtbot.mouseClick(editor.remove_button, LEFT)
    qtbot.mouseClick(editor.add_button, LEFT)
    editor_field = editor.table.focusWidget()
    assert isinstance(editor_field, QLineEdit)  # the new code's cell is open for typing
    qtbot.keyClicks(editor_field, "dent")
    qtbot.keyClick(editor_field, Qt.Key.Key_Return)
    closed(qtbot, editor.table)
    type_code_cell(qtbot, page, 2, 1, "dent from  handling")
    assert [(c.code, c.description) for c in editor.model.codes()][-1] == ("DENT", "dent from handling")
    assert page.characteristics.index(visual, CODES).data() == "BURR, MARKING +1"
    assert "changed, not saved yet" in page.heading.text()

    qtbot.keyClicks(page.reason, "Dents from handling are a separate defect")
    plan = save(qtbot, page)
    stored = next(c for c in plan.characteristics if c.name == VISUAL)
    assert [c.code for c in stored.defect_codes] == ["BURR", "MARKING", "DENT"]
    assert stored.defect_codes[2].description == "dent from handling"

    # A code without a description is the service's to refuse, in a sentence; nothing is saved.
    page.table.setCurrentIndex(page.characteristics.index(visual, NAME))
    qtbot.mouseClick(editor.add_button, LEFT)
    qtbot.keyClicks(editor.table.focusWidget(), "PIT")
    qtbot.keyClick(editor.table.focusWidget(), Qt.Key.Key_Return)
    closed(qtbot, editor.table)
    with qtbot.waitSignal(page.problem_shown, timeout=WAIT) as problem:
        qtbot.mouseClick(page.save_button, LEFT)
    assert f"{VISUAL}: the defect code PIT needs a description of 1 to 120 characters" in problem.args[0]
    assert [p.revision for p in list_plans(shop.factory) if p.plan_type is PlanType.FINAL] == [2]


def type_lot_cell(qtbot, page: PlanEditorPage, row: int, column: int, text: str) -> None:
    table = page.sampling.table
    index = page.sampling.lot_sizes.index(row, column)
    table.setFocus()
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    closed(qtbot, table)


def test_the_sampling_rule_is_chosen_and_a_lot_size_table_typed(qtbot, page, shop, qtmodeltester):
    receiving = next(p for p in page.plans.records() if p.plan_type is PlanType.RECEIVING)
    page.open_plan(receiving)
    editor = page.sampling
    assert editor.rule.currentData() == "every_nth" and editor.every.value() == 1
    assert not editor.table_panel.isVisible() and page.sample_size.isEnabled() and page.sample_size.value() == 2

    # By lot size: the table comes up with a first row to type into; the plan's own readings step aside.
    editor.rule.setCurrentIndex(editor.rule.findData("lot_size"))
    assert editor.table_panel.isVisible() and not page.sample_size.isEnabled()
    assert editor.lot_sizes.rowCount() == 1 and editor.lot_sizes.index(0, 0).data() == "1"
    type_lot_cell(qtbot, page, 0, 0, "2")
    type_lot_cell(qtbot, page, 0, 1, "500")
    type_lot_cell(qtbot, page, 0, 2, "20")
    qtbot.mouseClick(editor.add_row_button, LEFT)
    assert editor.lot_sizes.index(1, 0).data() == "501"  # starts where the row before ends
    assert editor.table.currentIndex().column() == 1  # … and the cursor waits in "to"
    type_lot_cell(qtbot, page, 1, 1, "1,200")
    type_lot_cell(qtbot, page, 1, 2, "32")
    qtbot.mouseClick(editor.add_row_button, LEFT)
    type_lot_cell(qtbot, page, 2, 2, "50")
    assert [editor.lot_sizes.index(2, c).data() for c in range(3)] == ["1,201", "and more", "50"]
    with qtbot.waitSignal(page.problem_shown, timeout=WAIT) as problem:
        type_lot_cell(qtbot, page, 2, 2, "fifty")
    assert problem.args[0] == "Sampling table, row 3: 'fifty' is not a whole number of units."
    qtmodeltester.check(editor.lot_sizes)

    qtbot.keyClicks(page.reason, "Sampled by lot size from now on (ISO 2859-1, level I)")
    plan = save(qtbot, page)
    assert plan.sampling == Sampling.by_lot_size((2, 500, 20), (501, 1200, 32), (1201, None, 50))
    assert plan.sample_size == 1

    # A gap the service refuses, in its words; then first-off and last-off.
    type_lot_cell(qtbot, page, 1, 0, "600")
    with qtbot.waitSignal(page.problem_shown, timeout=WAIT) as problem:
        qtbot.mouseClick(page.save_button, LEFT)
    assert "sampling: lot sizes 600–1,200: the row must start at 501, right after 2–500 (no gaps, no overlaps)" \
        in problem.args[0]
    editor.rule.setCurrentIndex(editor.rule.findData("first_last"))
    assert not editor.table_panel.isVisible() and editor.first_off.isChecked() and editor.last_off.isChecked()
    qtbot.mouseClick(editor.first_off, LEFT)
    page.reason.setText("Last-off only")
    plan = save(qtbot, page)
    assert plan.sampling == Sampling.first_last(first=False) and plan.revision == 3
    stored = next(p for p in list_plans(shop.factory) if p.plan_type is PlanType.RECEIVING)
    assert stored.sampling == Sampling.first_last(first=False) and stored.sample_size == 1


def test_characteristics_move_up_and_down_and_keep_their_content(qtbot, qtmodeltester):
    model = CharacteristicTableModel()
    for kind in (CharacteristicKind.VARIABLE, CharacteristicKind.ATTRIBUTE, CharacteristicKind.VARIABLE):
        model.add(kind)
    kinds = [model.draft(r).kind for r in range(3)]
    assert model.move(0, +1) == 1 and [model.draft(r).kind for r in range(3)] == [kinds[1], kinds[0], kinds[2]]
    assert model.move(1, -1) == 0 and [model.draft(r).kind for r in range(3)] == kinds
    assert model.move(0, -1) == 0 and model.move(2, +1) == 2  # the ends stay where they are
    qtmodeltester.check(model)
