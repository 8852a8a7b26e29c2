""""Export PDF …" for the inspection and SPC pages: ask where, then render the report on the worker thread
(reportlab, from the services' data) and write it beside the target before renaming it into place.

The report functions are plain and Qt-free; the exporter only asks for the file name and reports back."""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.services.permissions import Actor
from app.ui.spc_export import suggested_name
from app.ui.tasks import describe_error
from app.ui.workspaces import PageContext


def _company(settings: Settings):
    from app.reports.page import Company

    return Company.from_text(settings.get("company.name"), settings.get("company.address"),
                             settings.get("company.logo_file"))


def _by(actor: Actor) -> str:
    return actor.full_name or actor.username or getpass.getuser()


def inspection_report_pdf(factory: sessionmaker[Session], settings: Settings, actor: Actor,
                          record_id: uuid.UUID) -> bytes:
    from app.reports.inspection_report import render_inspection_report
    from app.services.inspection import load_form

    return render_inspection_report(load_form(factory, record_id), company=_company(settings),
                                    created_at=datetime.now(timezone.utc).replace(microsecond=0),
                                    created_by=_by(actor))


def spc_report_pdf(factory: sessionmaker[Session], settings: Settings, actor: Actor, characteristic_id: uuid.UUID,
                   rules: str) -> bytes:
    from app.reports.spc_report import render_spc_report
    from app.services.report_data import spc_report_data

    return render_spc_report(spc_report_data(factory, characteristic_id, rules=rules), company=_company(settings),
                             created_at=datetime.now(timezone.utc).replace(microsecond=0), created_by=_by(actor))


def write_pdf(path: Path, render: Callable[..., bytes], *args) -> Path:
    data = render(*args)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # a half-written report never carries the chosen name
    return path


class PdfExporter(QObject):
    """Signals:
        exported(str): the path written.
        export_failed(str): the sentence to show.
    """

    exported = Signal(str)
    export_failed = Signal(str)

    def __init__(self, context: PageContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context, self.window = context, parent

    def ask(self, what: str, render: Callable[..., bytes], *args) -> None:
        """Ask for a file name, then `render(factory, settings, actor, *args)` into it off the GUI thread."""
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export {what} as PDF", suggested_name(what, "pdf"),
                                              "PDF documents (*.pdf)")
        if path:
            self.export(Path(path), render, *args)

    def export(self, path: Path, render: Callable[..., bytes], *args) -> None:
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        c = self.context
        c.runner.run(write_pdf, path, render, c.factory, c.settings, c.actor, *args, name="export_pdf",
                     owner=self.window, on_done=lambda written: self.exported.emit(str(written)),
                     on_failed=lambda error: self.export_failed.emit(describe_error(error)))
