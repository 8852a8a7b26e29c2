"""Tables of items: the pick list when an identifier names several items, and the genealogy neighbours
("made from", "used in") of one item. Both hand back the item's id for opening its history."""

from __future__ import annotations

import uuid

from app.services.lookup_views import ItemSummary, LinkView
from app.ui import formatting as fmt
from app.ui.lookup_work import MaterialOrigin
from app.ui.palette import status_text_colour
from app.ui.record_table_model import RIGHT, Column, RecordTableModel


def _kind(item: ItemSummary) -> str:
    return "Serial" if item.is_serial else "Lot"


ITEM_COLUMNS: tuple[Column[ItemSummary], ...] = (
    Column("Serial / lot", lambda i: i.code, bold=lambda i: True),
    Column("Kind", _kind),
    Column("Part number", lambda i: i.part_number),
    Column("Rev", lambda i: i.revision),
    Column("Description", lambda i: i.description),
    Column("Quantity", lambda i: fmt.quantity(i.quantity, i.unit), align=RIGHT, sort_key=lambda i: i.quantity),
    Column("Status", lambda i: fmt.status_label(i.status), colour=lambda i: status_text_colour(i.status),
           bold=lambda i: True),
    Column("Created", lambda i: fmt.local_time(i.created_at),
           sort_key=lambda i: i.created_at.isoformat() if i.created_at else ""),
)


class ItemListModel(RecordTableModel[ItemSummary]):
    """Items that matched a lookup (heat number, work order, shipment …)."""

    columns = ITEM_COLUMNS

    def item_id(self, row: int) -> uuid.UUID:
        return self.record(row).id


def _on(column: Column[ItemSummary]) -> Column[LinkView]:
    """The same column, read through a link's item."""
    colour = column.colour
    bold = column.bold
    sort_key = column.sort_key
    return Column(
        column.header, lambda link: column.text(link.item), column.align,
        colour=(lambda link: colour(link.item)) if colour else None,
        bold=(lambda link: bold(link.item)) if bold else None,
        sort_key=(lambda link: sort_key(link.item)) if sort_key else None,
    )


class LinkListModel(RecordTableModel[LinkView]):
    """The items one item was made from, or went into, with the quantity that moved along the link."""

    columns = (
        _on(ITEM_COLUMNS[0]), _on(ITEM_COLUMNS[2]), _on(ITEM_COLUMNS[3]), _on(ITEM_COLUMNS[4]),
        Column("Qty linked", lambda link: fmt.quantity(link.quantity, link.item.unit), align=RIGHT,
               sort_key=lambda link: link.quantity, tooltip="Quantity consumed into, or produced from, this item"),
        _on(ITEM_COLUMNS[6]),
    )

    def item_id(self, row: int) -> uuid.UUID:
        return self.record(row).item.id


class MaterialModel(RecordTableModel[MaterialOrigin]):
    """Purchased lots upstream of an item: supplier, supplier lot, heat number, certificate."""

    columns = (
        Column("Lot", lambda m: m.code, bold=lambda m: True),
        Column("Heat number", lambda m: m.origin.heat_number or "", bold=lambda m: True),
        Column("Material certificate", lambda m: m.origin.material_cert_ref or ""),
        Column("Supplier lot", lambda m: m.origin.supplier_lot or ""),
        Column("Supplier", lambda m: m.origin.supplier, width_em=16),
        Column("Levels up", lambda m: str(m.depth), align=RIGHT, sort_key=lambda m: m.depth,
               tooltip="How many genealogy steps above this item the lot sits"),
        Column("Part number", lambda m: m.part_number),
        Column("Description", lambda m: m.description),
    )

    def item_id(self, row: int) -> uuid.UUID:
        return self.record(row).item_id
