"""The live event log of the Devices page: one row per device event, newest on top, bounded, with
rejections and device errors in red and the raw bytes in hex for whoever sets up the device."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QColor

from app.devices.events import DeviceEvent, DeviceFault, Measurement, Rejected, Scan, StateChange, Tag
from app.ui.palette import FILL_BAD, TEXT_BAD, TEXT_GOOD, TEXT_MUTED
from app.ui.record_table_model import Column, RecordTableModel

KIND_LABELS = {"scan": "Scan", "tag": "Tag", "measurement": "Reading", "rejected": "Rejected",
               "device_error": "Device error", "state": "State"}
MAX_ROWS = 500  # a test session, not a history: the oldest rows go


@dataclass(frozen=True)
class EventRow:
    at: datetime
    device: str
    kind: str
    text: str
    raw_hex: str

    @property
    def is_problem(self) -> bool:
        return self.kind in ("rejected", "device_error")


def describe_reading(event: DeviceEvent) -> str:
    """The decoded reading as an operator reads it."""
    reading = event.reading
    if isinstance(reading, Scan):
        symbology = f"{reading.symbology}  " if reading.symbology else ""
        if reading.gs1:  # the fields say more than the element string they came from (raw bytes at right)
            return symbology + "  ".join(f"({ai}) {value}" for ai, value in reading.gs1.items())
        return symbology + reading.data
    if isinstance(reading, Tag):
        if reading.serial:
            return f"GTIN {reading.gtin}  serial {reading.serial}   ·   {reading.uri}"
        return f"EPC {reading.epc}" + (f"   ·   {reading.uri}" if reading.uri else "")
    if isinstance(reading, Measurement):
        judged = f"  ({reading.tolerance})" if reading.tolerance else ""
        channel = f"channel {reading.channel}: " if reading.channel is not None else ""
        return f"{channel}{reading.value:g} {reading.unit}{judged}"
    if isinstance(reading, Rejected):
        return reading.reason
    if isinstance(reading, DeviceFault):
        return reading.message
    assert isinstance(reading, StateChange)
    return f"{reading.state.value}" + (f": {reading.detail}" if reading.detail else "")


def row_for(event: DeviceEvent) -> EventRow:
    return EventRow(event.at, event.device, event.kind, describe_reading(event), event.raw.hex(" ").upper())


def _colour(row: EventRow) -> QColor | None:
    if row.is_problem:
        return TEXT_BAD
    if row.kind == "state":
        return TEXT_MUTED
    return TEXT_GOOD if row.kind in ("scan", "tag", "measurement") else None


class DeviceEventModel(RecordTableModel[EventRow]):
    columns: ClassVar[tuple[Column, ...]] = (
        Column("Time", lambda r: r.at.astimezone().strftime("%H:%M:%S.%f")[:-3], width_em=9),
        Column("Device", lambda r: r.device, width_em=12),
        Column("Kind", lambda r: KIND_LABELS.get(r.kind, r.kind), colour=_colour,
               bold=lambda r: r.kind != "state", fill=lambda r: FILL_BAD if r.is_problem else None, width_em=9),
        Column("Decoded", lambda r: r.text, colour=lambda r: TEXT_BAD if r.is_problem else None,
               fill=lambda r: FILL_BAD if r.is_problem else None, width_em=60),
        Column("Raw bytes (hex)", lambda r: r.raw_hex, colour=lambda r: TEXT_MUTED, width_em=24,
               tooltip="The frame exactly as the device sent it"),
    )

    def add_events(self, events: Sequence[DeviceEvent]) -> None:
        self.add_rows([row_for(e) for e in events])

    def add_rows(self, rows: Sequence[EventRow]) -> None:
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
        self._records[:0] = reversed(rows)
        self.endInsertRows()
        excess = len(self._records) - MAX_ROWS
        if excess > 0:
            self.beginRemoveRows(QModelIndex(), MAX_ROWS, len(self._records) - 1)
            del self._records[MAX_ROWS:]
            self.endRemoveRows()

    def clear(self) -> None:
        self.set_records([])
