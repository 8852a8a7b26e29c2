"""Labels for items, end to end: read the items (one short read-only session), build each element string,
draw the PDF, and write it to a file only when every label could be made."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.labels.gs1 import LabelError, element_string
from app.labels.items import ItemRef, LabelItem, LabelRequest, label_items
from app.labels.render import Label, LabelSize, Symbology, render_pdf


@dataclass(frozen=True)
class LabelSheet:
    """A print run: the PDF and, per page, the item and the element string its code carries."""

    pdf: bytes
    labels: tuple[Label, ...]
    symbology: Symbology
    size: LabelSize

    @property
    def summary(self) -> str:
        names = ", ".join(label.item.name for label in self.labels[:3])
        more = f" and {len(self.labels) - 3:,} more" if len(self.labels) > 3 else ""
        count = f"{len(self.labels):,} label{'s' if len(self.labels) != 1 else ''}"
        return (f"{count} ({self.symbology.value}, {self.size.width_mm:g}×{self.size.height_mm:g} mm): "
                f"{names}{more}")


def label_for(item: LabelItem) -> Label:
    return Label(item=item, element=element_string(
        name=item.name, code=item.code, is_serial=item.is_serial, part_number=item.part_number,
        gtin=item.gtin, expires_on=item.expires_on))


def make_labels(factory: sessionmaker[Session], request: LabelRequest | Sequence[ItemRef], *,
                symbology: Symbology = Symbology.DATAMATRIX, size: LabelSize = LabelSize()) -> LabelSheet:
    """Labels for the items of `request` (or for a list of item ids / scanned identifiers, as the station
    has them after goods in or serialize). Raises a `DomainError` that names the item when one cannot be
    labelled; then no label is made at all, so a run is never half printed."""
    if not isinstance(request, LabelRequest):
        request = LabelRequest(items=tuple(request))
    with factory() as session:
        items = label_items(session, request)
    labels = tuple(label_for(item) for item in items)
    return LabelSheet(pdf=render_pdf(labels, symbology=symbology, size=size), labels=labels,
                      symbology=symbology, size=size)


def write_labels(factory: sessionmaker[Session], request: LabelRequest | Sequence[ItemRef], path: Path, *,
                 symbology: Symbology = Symbology.DATAMATRIX, size: LabelSize = LabelSize()) -> LabelSheet:
    """`make_labels`, saved to `path`: written next to it first and renamed, so a failure leaves no file
    (and an older file of that name untouched)."""
    sheet = make_labels(factory, request, symbology=symbology, size=size)
    path = Path(path)
    if not path.parent.is_dir():
        raise LabelError(f"Cannot save the labels to {path}: the folder {path.parent} does not exist. Choose "
                         "another place.")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(sheet.pdf)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        raise LabelError(f"Cannot save the labels to {path}: {exc.strerror}. Choose another place.") from exc
    return sheet
