"""Editors for the plan editor's table: lists for kind and classification, a spin box for decimals, a plain
line for the rest."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QSpinBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.services.inspection.specs import MAX_DECIMALS
from app.ui.plan_editor_model import CLASS, CLASS_WORDS, DECIMALS, KIND, KIND_WORDS

Index = QModelIndex | QPersistentModelIndex
CHOICES = {KIND: [(word, kind.value) for kind, word in KIND_WORDS.items()],
           CLASS: [(word, c.value) for c, word in CLASS_WORDS.items()]}


class PlanEditorDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if index.column() in CHOICES:
            combo = QComboBox(parent)
            for text, value in CHOICES[index.column()]:
                combo.addItem(text, value)
            return combo
        if index.column() == DECIMALS:
            spin = QSpinBox(parent)
            spin.setRange(0, MAX_DECIMALS)
            return spin
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
