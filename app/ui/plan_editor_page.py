"""Inspection plans, for quality engineers: the current plans on the left; on the right the plan being written
— part, revision, kind of inspection, operation, sampling rule and its characteristics in a table, with the
lot-size table and a pass/fail check's defect codes under it. Saving makes a new revision (records keep the
one they were made with); plans go in and out as readable JSON files."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models import CharacteristicKind, PlanType
from app.services.errors import ValidationError
from app.services.inspection import ImportedPlan, PlanDefinition, PlanView, Sampling, SamplingRule
from app.services.permissions import Action, allowed
from app.ui import plan_editor_work
from app.ui.inspection_plan_model import PLAN_KINDS, CompactPlanListModel
from app.ui.plan_editor_delegate import PlanEditorDelegate
from app.ui.plan_editor_model import CODES, GAUGE, KIND, NAME, CharacteristicTableModel
from app.ui.plan_editor_work import Exported
from app.ui.tasks import describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.defect_code_editor import DefectCodeEditor
from app.ui.widgets.sampling_editor import SamplingEditor
from app.ui.workspaces import PageContext, Workspace, register

JSON_FILTER = "Threadline plan files (*.json);;All files (*)"
PAGE_STYLE = """
#planEditorPage QComboBox, #planEditorPage QSpinBox { min-height: 32px; padding: 2px 8px; }
"""


class PlanEditorPage(QWidget):
    """Signals:
        plans_listed(int): the list of current plans was (re)loaded; the number of plans.
        plan_saved(object): the PlanView of a revision just saved.
        plans_imported(object): the ImportedPlan list of an import.
        plans_exported(object): an Exported after plans were written to a file.
        problem_shown(str): a sentence in red: what could not be done and why.
    """

    plans_listed = Signal(int)
    plan_saved = Signal(object)
    plans_imported = Signal(object)
    plans_exported = Signal(object)
    problem_shown = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planEditorPage")
        self.setStyleSheet(PAGE_STYLE)
        self.context = context
        self.plan: PlanView | None = None  # the plan being revised; None for a new one
        self.dirty = False
        self._loading = False

        self.plans = CompactPlanListModel(parent=self)
        self.plan_table = DataTable(self.plans, sortable=True, stretch_column=1, select_first=True)
        self.plan_table.setToolTip("Double-click or press Enter to open the plan")
        self.plan_table.record_activated.connect(lambda plan: plan and self.ask_to_open(plan))
        self.new_button = self._button("+  New plan", "secondaryButton", lambda: self.ask_to_open(None))
        self.import_button = self._button("Import …", "secondaryButton", self.choose_import)
        self.export_button = self._button("Export …", "secondaryButton", self.choose_export)
        self.feedback = QLabel(objectName="hintLabel", wordWrap=True)
        self.feedback.hide()

        self.heading = QLabel(objectName="resultHeading", wordWrap=True)
        self.part_number = self._line("e.g. VB-4711")
        self.part_revision = self._line("e.g. C")
        self.plan_type = QComboBox()
        for kind, text in PLAN_KINDS.items():
            self.plan_type.addItem(text, kind.value)
        self.operation = self._line("none")
        self.operation.setValidator(QIntValidator(1, 99_999, self))
        self.sample_size = self._spin(1, 99, "Readings of each measured characteristic in one record")
        self.sampling = SamplingEditor()
        self.sampling.problem_found.connect(self._show_problem)
        self.frequency = self.sampling.every  # every n-th item
        self.characteristics = CharacteristicTableModel(parent=self)
        self.characteristics.problem_found.connect(self._show_problem)
        self.table = self._characteristic_table()
        self.codes_editor = DefectCodeEditor()
        self._codes_row = QPersistentModelIndex()  # the pass/fail check whose codes the editor shows
        self.codes_editor.codes_changed.connect(self._codes_edited)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_codes())
        self.characteristics.modelReset.connect(self._show_codes)
        self.characteristics.dataChanged.connect(self._kind_may_have_changed)
        self.add_measured_button = self._button("+  Measured", "secondaryButton",
                                                lambda: self.add_characteristic(CharacteristicKind.VARIABLE))
        self.add_attribute_button = self._button("+  Pass/fail", "secondaryButton",
                                                 lambda: self.add_characteristic(CharacteristicKind.ATTRIBUTE))
        self.remove_button = self._button("Remove", "secondaryButton", self.remove_characteristic)
        self.up_button = self._button("▲", "secondaryButton", lambda: self.move_characteristic(-1))
        self.down_button = self._button("▼", "secondaryButton", lambda: self.move_characteristic(1))
        self.reason = self._line("why the plan changes, for the audit trail (needed for a new revision)")
        self.error = QLabel(objectName="errorLabel", wordWrap=True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.copy_button = self._button("Copy as new plan", "secondaryButton", self.copy_as_new)
        self.save_button = self._button("Create plan", "primaryButton", self.save)

        for signal in (self.characteristics.dataChanged, self.characteristics.rowsInserted,
                       self.characteristics.rowsRemoved, self.characteristics.rowsMoved,
                       self.characteristics.modelReset):
            signal.connect(self._changed)
        for field in (self.part_number, self.part_revision, self.operation):
            field.textEdited.connect(self._changed)
        self.plan_type.currentIndexChanged.connect(self._changed)
        self.sample_size.valueChanged.connect(self._changed)
        self.sampling.changed.connect(self._changed)
        self.sampling.changed.connect(self._readings_apply)
        self._lay_out()
        self.open_plan(None)
        self.refresh()

    def _button(self, text: str, style: str, slot) -> QPushButton:
        button = QPushButton(text, objectName=style)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _line(self, placeholder: str) -> QLineEdit:
        field = QLineEdit()
        field.setPlaceholderText(placeholder)
        return field

    def _spin(self, low: int, high: int, tip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setToolTip(tip)
        spin.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 6)
        return spin

    def _characteristic_table(self) -> QTableView:
        table = QTableView(objectName="characteristicTable")
        table.setModel(self.characteristics)
        table.setItemDelegate(PlanEditorDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed
                              | QAbstractItemView.EditTrigger.SelectedClicked)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() * 2)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for signal in (self.characteristics.modelReset, self.characteristics.rowsInserted):
            signal.connect(self._fit_columns)
        return table

    def _fit_columns(self) -> None:
        """Columns as wide as their content, but no list of codes or gauge name crowds the names out."""
        self.table.resizeColumnsToContents()
        em = self.fontMetrics().horizontalAdvance("M")
        header = self.table.horizontalHeader()
        for column, most in ((CODES, 13), (GAUGE, 9)):
            header.resizeSection(column, min(header.sectionSize(column), em * most))

    def _lay_out(self) -> None:
        title = QLabel("Inspection plans", objectName="dialogTitle")
        intro = QLabel("A change is saved as a new revision; records keep the revision they were made with.",
                       objectName="mutedLabel", wordWrap=True)
        heading = QHBoxLayout()
        heading.setSpacing(16)
        heading.addWidget(title)
        heading.addWidget(intro, 1, Qt.AlignmentFlag.AlignBaseline)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Current plans", objectName="sectionTitle"), 1)
        top.addWidget(self.new_button)
        files = QHBoxLayout()
        files.addWidget(self.import_button)
        files.addWidget(self.export_button)
        files.addStretch(1)
        left_layout.addLayout(top)
        left_layout.addWidget(self.plan_table, 1)
        left_layout.addLayout(files)
        left_layout.addWidget(self.feedback)

        fields = QGridLayout()
        fields.setHorizontalSpacing(14)
        fields.setVerticalSpacing(4)
        for row, column, span, caption, widget in (
                (0, 0, 1, "Part number", self.part_number), (0, 1, 1, "Part rev", self.part_revision),
                (0, 2, 1, "Inspection", self.plan_type), (0, 3, 1, "Operation", self.operation),
                (2, 0, 2, "Sampling", self.sampling), (2, 3, 1, "Readings per item", self.sample_size)):
            label = QLabel(caption, objectName="fieldCaption")
            label.setBuddy(self.sampling.rule if widget is self.sampling else widget)
            fields.addWidget(label, row, column, 1, span)
            fields.addWidget(widget, row + 1, column, 1, span)
        fields.setRowMinimumHeight(2, self.fontMetrics().height() + 8)
        fields.setColumnStretch(0, 2)
        fields.setColumnStretch(2, 2)
        rows = QHBoxLayout()
        rows.addWidget(QLabel("Characteristics", objectName="sectionTitle"), 1)
        for button in (self.add_measured_button, self.add_attribute_button, self.remove_button, self.up_button,
                       self.down_button):
            rows.addWidget(button)
        reason = QHBoxLayout()
        reason_caption = QLabel("Reason", objectName="fieldCaption")
        reason_caption.setBuddy(self.reason)
        reason.addWidget(reason_caption)
        reason.addWidget(self.reason, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.save_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(10)
        right_layout.addWidget(self.heading)
        right_layout.addLayout(fields)
        right_layout.addLayout(rows)
        right_layout.addWidget(self.table, 1)
        details = QHBoxLayout()
        details.setSpacing(24)
        details.addWidget(self.sampling.table_panel, 2)
        details.addWidget(self.codes_editor, 3)
        height = self.fontMetrics().height() * 12
        for panel in (self.sampling.table_panel, self.codes_editor):
            panel.setFixedHeight(height)
        right_layout.addLayout(details)
        right_layout.addLayout(reason)
        right_layout.addWidget(self.error)
        right_layout.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 7)
        em = self.fontMetrics().horizontalAdvance("M")
        splitter.setSizes([em * 23, em * 77])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(heading)
        layout.addWidget(splitter, 1)

    # -- the list of plans ------------------------------------------------------------------------------

    def activated(self) -> None:
        self.plan_table.setFocus()

    def refresh(self, select: uuid.UUID | None = None) -> None:
        self.context.runner.run(plan_editor_work.current_plans, self.context.factory, name="current_plans",
                                owner=self, on_done=lambda plans: self._listed(plans, select),
                                on_failed=self._failed)

    def _listed(self, plans: list[PlanView], select: uuid.UUID | None) -> None:
        self.plans.set_records(plans)
        if select is not None:
            row = next((n for n, p in enumerate(plans) if p.id == select), None)
            if row is not None:
                self.plan_table.selectRow(self.plan_table.proxy.mapFromSource(self.plans.index(row, 0)).row())
        self.plans_listed.emit(len(plans))

    # -- the plan being edited --------------------------------------------------------------------------

    def ask_to_open(self, plan: PlanView | None) -> None:
        """Open a plan (None: a new one), after asking whether unsaved changes may go."""
        if not self.dirty:
            self.open_plan(plan)
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Threadline — Inspection plans",
                          "Discard the changes to this plan?",
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("They are not saved. Save them first if they should become a new revision.")
        def decided(button: QPushButton) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Discard:
                self.open_plan(plan)

        box.buttonClicked.connect(decided)
        self.discard_box = box
        box.open()

    def open_plan(self, plan: PlanView | None) -> None:
        self._loading = True
        self.plan = plan
        definition = plan.definition if plan else None
        self.part_number.setText(definition.part_number if definition else "")
        self.part_revision.setText(definition.part_revision if definition else "")
        self.plan_type.setCurrentIndex(self.plan_type.findData((definition.plan_type if definition
                                                                else PlanType.FINAL).value))
        self.operation.setText(str(definition.operation_seq) if definition and definition.operation_seq else "")
        self.sample_size.setValue(definition.sample_size if definition else 1)
        self.sampling.set_sampling(definition.sampling if definition else Sampling())
        self._readings_apply()
        self.characteristics.set_definitions(definition.characteristics if definition else ())
        self.reason.clear()
        # A revision stays with its part, inspection and operation; another one is a new plan (Copy as new).
        for field in (self.part_number, self.part_revision, self.operation):
            field.setReadOnly(plan is not None)
        self.plan_type.setEnabled(plan is None)
        self.copy_button.setVisible(plan is not None)
        self._loading = False
        self._set_dirty(False)
        self._hide_problem()
        if plan is None:
            self.part_number.setFocus()
        else:
            self.table.setFocus()

    def copy_as_new(self) -> None:
        """The same content as a new plan, e.g. for another revision of the part or another operation."""
        if self.plan is None:
            return
        self.plan = None
        for field in (self.part_number, self.part_revision, self.operation):
            field.setReadOnly(False)
        self.plan_type.setEnabled(True)
        self.copy_button.hide()
        self._set_dirty(True)
        self.part_revision.setFocus()
        self.part_revision.selectAll()

    def definition(self) -> PlanDefinition:
        """What the editor holds, as the service takes it; a ValidationError says what is not filled in."""
        operation = self.operation.text().strip()
        problems = [caption for caption, field in (("the part number", self.part_number),
                                                   ("the part revision", self.part_revision))
                    if not field.text().strip()]
        if problems:
            raise ValidationError(f"Type {' and '.join(problems)} the plan is for.")
        by_lot = self.sampling.current_rule is SamplingRule.LOT_SIZE
        return PlanDefinition(self.part_number.text().strip(), self.part_revision.text().strip(),
                              PlanType(self.plan_type.currentData()), int(operation) if operation else None,
                              self.characteristics.definitions(), 1 if by_lot else self.sample_size.value(),
                              self.sampling.sampling())

    def _readings_apply(self) -> None:
        """A lot's readings come from the lot-size table; the plan's own number is for the other rules."""
        by_lot = self.sampling.current_rule is SamplingRule.LOT_SIZE
        self.sample_size.setEnabled(not by_lot)
        self.sample_size.setToolTip("A lot's sample comes from the table by lot size" if by_lot else
                                    "Readings of each measured characteristic in one record")

    def _show_codes(self) -> None:
        """The defect codes of the selected characteristic, if it is a pass/fail check."""
        current = self.table.currentIndex()
        draft = self.characteristics.draft(current.row()) if current.isValid() else None
        if draft is None or draft.measured:
            self._codes_row = QPersistentModelIndex()
            self.codes_editor.edit_codes(None, ())
            return
        self._codes_row = QPersistentModelIndex(self.characteristics.index(current.row(), NAME))
        self.codes_editor.edit_codes(draft.name or f"row {current.row() + 1}", draft.defect_codes)

    def _kind_may_have_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        # A whole-row change (kind, name …) may change what the editor shows; its own edits change CODES only.
        if top_left.column() <= KIND <= bottom_right.column() and top_left.row() == self.table.currentIndex().row():
            self._show_codes()

    def _codes_edited(self, codes: tuple) -> None:
        if self._codes_row.isValid():  # the row it was opened for, wherever that row has moved since
            self.characteristics.set_defect_codes(self._codes_row.row(), codes)

    def add_characteristic(self, kind: CharacteristicKind) -> None:
        current = self.table.currentIndex()
        row = self.characteristics.add(kind, current.row() + 1 if current.isValid() else None)
        index = self.characteristics.index(row, NAME)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_characteristic(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.characteristics.remove(current.row())

    def move_characteristic(self, step: int) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            row = self.characteristics.move(current.row(), step)
            self.table.setCurrentIndex(self.characteristics.index(row, current.column()))

    # -- saving -----------------------------------------------------------------------------------------

    def save(self) -> None:
        # A cell still being typed in was committed when the button took the focus (the delegate commits on
        # focus-out), so what is saved is what is on screen.
        try:
            definition = self.definition()
        except ValidationError as exc:
            self._show_problem(str(exc))
            return
        if not allowed(self.context.actor, Action.EDIT_PLANS):
            self._show_problem(f"{self.context.actor.full_name or self.context.actor.username} may not edit "
                               "inspection plans; ask a quality engineer.")
            return
        self._hide_problem()
        self.save_button.setEnabled(False)
        self.context.runner.run(plan_editor_work.save_plan, self.context.factory, self.context.actor,
                                self.plan.id if self.plan else None, definition, self.reason.text(),
                                name="save_plan", owner=self, on_done=self._saved, on_failed=self._failed)

    def _saved(self, plan: PlanView) -> None:
        self.open_plan(plan)
        self._say(f"Saved: {plan.title}.")
        self.refresh(select=plan.id)
        self.plan_saved.emit(plan)

    def _failed(self, error: BaseException) -> None:
        self._set_dirty(self.dirty)  # the save button back
        self._show_problem(describe_error(error))

    # -- files --------------------------------------------------------------------------------------------

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import inspection plans", "", JSON_FILTER)
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        self._hide_problem()
        self.context.runner.run(plan_editor_work.import_file, self.context.factory, self.context.actor, path,
                                self.reason.text(), name="import_plans", owner=self, on_done=self._imported,
                                on_failed=self._failed)

    def _imported(self, imported: list[ImportedPlan]) -> None:
        counts = {outcome: sum(i.outcome == outcome for i in imported) for outcome in ("created", "revised",
                                                                                        "unchanged")}
        self._say("Imported: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n) + ".")
        self.refresh()
        self.plans_imported.emit(imported)

    def choose_export(self) -> None:
        """Every current plan into one file: what another site imports, or what goes into version control."""
        path, _ = QFileDialog.getSaveFileName(self, "Export the current inspection plans",
                                              "inspection-plans.json", JSON_FILTER)
        if path:
            self.export_to(Path(path), None)

    def export_to(self, path: Path, plan_ids: list[uuid.UUID] | None) -> None:
        self.context.runner.run(plan_editor_work.export_file, self.context.factory, plan_ids, path,
                                name="export_plans", owner=self, on_done=self._exported, on_failed=self._failed)

    def _exported(self, exported: Exported) -> None:
        self._say(f"Exported {exported.plans} plan{'s' if exported.plans != 1 else ''} to {exported.path}.")
        self.plans_exported.emit(exported)

    # -- state and messages -------------------------------------------------------------------------------

    def _changed(self, *_: Any) -> None:
        if not self._loading:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        if self.plan is None:
            self.heading.setText("New plan" + (" — not saved yet" if dirty else ""))
            self.save_button.setText("Create plan")
        else:
            self.heading.setText(f"{self.plan.title}" + (" — changed, not saved yet" if dirty else ""))
            self.save_button.setText(f"Save as rev {self.plan.revision + 1}")
        self.save_button.setEnabled(dirty or self.plan is None)

    def _say(self, text: str) -> None:
        self.feedback.setText(text)
        self.feedback.show()

    def _show_problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.problem_shown.emit(text)

    def _hide_problem(self) -> None:
        self.error.hide()
        self.error.clear()


WORKSPACE = register(Workspace(
    key="plans", title="Inspection plans", build=PlanEditorPage, order=35, shortcut="F8",
    tooltip="Write and revise inspection plans; import and export them as JSON (F8)",
    allowed=lambda actor: allowed(actor, Action.EDIT_PLANS) and not actor.is_system))
