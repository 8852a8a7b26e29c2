"""The recall list as a table: every affected item, where it is now, and who received it."""

from __future__ import annotations

from datetime import datetime

from app.services.recall import RecallLine
from app.ui import formatting as fmt
from app.ui.palette import status_text_colour
from app.ui.record_table_model import Column, RecordTableModel


def _shipped_on(line: RecallLine) -> str:
    # The report keeps ISO text (what the CSV carries); people read the local day, which leaves the
    # customer's name the room. The exact time is in the export.
    return fmt.local_date(datetime.fromisoformat(line.shipped_at)) if line.shipped_at else ""


class RecallModel(RecordTableModel[RecallLine]):
    columns = (
        Column("Serial / lot", lambda r: r.identifier, bold=lambda r: True),
        Column("Part", lambda r: f"{r.part_number} rev {r.revision}"),
        Column("Kind", lambda r: fmt.word(r.kind)),
        Column("Status", lambda r: fmt.status_label(r.status), colour=lambda r: status_text_colour(r.status),
               bold=lambda r: True),
        Column("Location", lambda r: fmt.word(r.location)),
        Column("Customer", lambda r: r.customer, bold=lambda r: bool(r.customer), width_em=21),
        Column("Order", lambda r: r.customer_order, tooltip="The customer's order"),
        Column("Shipment", lambda r: r.shipment),
        Column("Shipped", _shipped_on, sort_key=lambda r: r.shipped_at),
    )
