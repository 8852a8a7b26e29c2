"""The two lists of the Devices page: the station's configured devices with their live state, and the
serial ports this PC has (path, USB ids, serial number, description)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QColor
from serial.tools.list_ports_common import ListPortInfo

from app.devices.events import DeviceState
from app.ui.device_settings import DeviceConfig
from app.ui.palette import TEXT_BAD, TEXT_GOOD, TEXT_MUTED, TEXT_WARN
from app.ui.record_table_model import Column, RecordTableModel
from app.ui.widgets.device_status import STATE_WORDS

STATE_TEXT: dict[str, QColor] = {
    DeviceState.CONNECTED: TEXT_GOOD,
    DeviceState.CONNECTING: TEXT_WARN,
    DeviceState.DISCONNECTED: TEXT_MUTED,
    DeviceState.ERROR: TEXT_BAD,
}


@dataclass(frozen=True)
class DeviceRow:
    config: DeviceConfig
    state: str = str(DeviceState.DISCONNECTED)
    detail: str = ""
    live: bool = False  # a reader runs for it (the station's or a test's); else the state is not news

    @property
    def state_text(self) -> str:
        if not self.live and self.state != DeviceState.ERROR:
            return "not running"
        word = STATE_WORDS.get(self.state, self.state)
        # The port is in its own column; what is worth reading is why a device is not connected.
        shows_detail = self.state in (DeviceState.ERROR, DeviceState.DISCONNECTED) and self.detail
        return f"{word} — {self.detail}" if shows_detail else word


class DeviceListModel(RecordTableModel[DeviceRow]):
    columns: ClassVar[tuple[Column, ...]] = (
        Column("Device", lambda r: r.config.name, bold=lambda r: True, width_em=14),
        Column("Profile", lambda r: r.config.profile, width_em=12),
        Column("Port", lambda r: r.config.describe_port(), width_em=18),
        Column("State", lambda r: r.state_text, bold=lambda r: r.live,
               colour=lambda r: STATE_TEXT.get(r.state) if r.live or r.state == DeviceState.ERROR else TEXT_MUTED,
               width_em=40),
    )

    def configs(self) -> list[DeviceConfig]:
        return [r.config for r in self._records]

    def set_configs(self, configs: Iterable[DeviceConfig]) -> None:
        self.set_records([DeviceRow(c) for c in configs])

    def add_config(self, config: DeviceConfig) -> None:
        row = len(self._records)
        self.beginInsertRows(QModelIndex(), row, row)
        self._records.append(DeviceRow(config))
        self.endInsertRows()

    def remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._records[row]
        self.endRemoveRows()

    def set_state(self, name: str, state: str, detail: str, *, live: bool = True) -> None:
        for row, record in enumerate(self._records):
            if record.config.name == name:
                self._records[row] = replace(record, state=state, detail=detail, live=live)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))


@dataclass(frozen=True)
class PortRow:
    path: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    description: str

    @property
    def usb(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}" if self.vid is not None and self.pid is not None else ""

    @classmethod
    def from_info(cls, info: ListPortInfo) -> PortRow:
        description = info.description if info.description and info.description != "n/a" else ""
        return cls(info.device, info.vid, info.pid, info.serial_number, description)


class PortListModel(RecordTableModel[PortRow]):
    columns: ClassVar[tuple[Column, ...]] = (
        Column("Port", lambda r: r.path, bold=lambda r: True, width_em=11),
        Column("vid:pid", lambda r: r.usb or "—", width_em=8, tooltip="USB vendor and product id"),
        Column("Serial no.", lambda r: r.serial_number or "—", width_em=10,
               tooltip="The USB serial number: tells two devices of the same model apart"),
        Column("Description", lambda r: r.description or "—", width_em=30),
    )

    def set_ports(self, ports: Sequence[PortRow]) -> None:
        self.set_records(ports)
