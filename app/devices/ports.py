"""Which port a device is on: a fixed path or pyserial URL, or a USB device found by vid/pid/serial number."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo


@dataclass(frozen=True)
class PortMatch:
    """`path` wins when given (a device path, a COM name or a pyserial URL such as socket://host:port);
    otherwise the first USB port whose vid, pid and serial number all match the ones given."""

    path: str | None = None
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None

    @property
    def is_set(self) -> bool:
        return bool(self.path) or any(v is not None for v in (self.vid, self.pid, self.serial_number))

    def describe(self) -> str:
        if self.path:
            return self.path
        parts = [f"{name} {value}" for name, value in (
            ("vid", None if self.vid is None else f"{self.vid:04X}"),
            ("pid", None if self.pid is None else f"{self.pid:04X}"),
            ("serial number", self.serial_number)) if value is not None]
        return "the USB device with " + ", ".join(parts) if parts else "no port"

    def matches(self, port: ListPortInfo) -> bool:
        return ((self.vid is None or port.vid == self.vid) and (self.pid is None or port.pid == self.pid)
                and (self.serial_number is None or port.serial_number == self.serial_number))


def available_ports() -> list[ListPortInfo]:
    """Serial ports the OS lists (ptys are not listed: simulators are configured by path)."""
    return sorted(list_ports.comports(), key=lambda p: p.device)


def resolve(match: PortMatch, ports: Iterable[ListPortInfo] | None = None) -> str | None:
    """The path to open now, or None while the device is absent (unplugged, or its symlink dangles)."""
    if match.path:
        present = "://" in match.path or not os.path.isabs(match.path) or os.path.exists(match.path)
        return match.path if present else None
    if not match.is_set:
        return None
    found = [p for p in (available_ports() if ports is None else ports) if match.matches(p)]
    return found[0].device if found else None
