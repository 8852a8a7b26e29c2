"""Item labels: GS1 element strings, GS1 DataMatrix and GS1-128 symbols, and the PDF a label printer prints.
Qt-free; reads items through one read-only query and writes nothing to the database."""

from app.labels.gs1 import ElementString, LabelError, element_string
from app.labels.items import MAX_LABELS, LabelItem, LabelRequest
from app.labels.render import Label, LabelSize, Symbology, render_pdf
from app.labels.sheet import LabelSheet, label_for, make_labels, write_labels

__all__ = [
    "MAX_LABELS", "ElementString", "Label", "LabelError", "LabelItem", "LabelRequest", "LabelSheet",
    "LabelSize", "Symbology", "element_string", "label_for", "make_labels", "render_pdf", "write_labels",
]
