"""The station's device configuration in the settings: which devices, on which ports, with which profile;
and the keyboard-wedge thresholds. Plain data and functions, no Qt: the Devices page, the start-up after
log-in and the tests read and write the settings through these."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.config import Settings
from app.devices.errors import DeviceError
from app.devices.profiles import Profile, load_profiles, profile_from_dict
from app.devices.wedge import WedgeTiming

log = logging.getLogger(__name__)

STATION_KEY = "devices.station"


@dataclass(frozen=True)
class DeviceConfig:
    """One configured device. `port` is a path or URL, or a USB match `{vid, pid, serial_number}` (ids in
    hex text, as lsusb and Device Manager write them); `options` override the profile's decoder options."""

    name: str
    profile: str
    port: str | Mapping[str, str] = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "profile": self.profile, "port": self._port_json()}
        if self.options:
            data["options"] = dict(self.options)
        return data

    def _port_json(self) -> str | dict[str, str]:
        return self.port if isinstance(self.port, str) else dict(self.port)

    @classmethod
    def from_json(cls, data: Any) -> DeviceConfig:
        if not isinstance(data, Mapping):
            raise DeviceError(f"A station device must be an object with name, profile and port, not {data!r}.")
        unknown = set(data) - {"name", "profile", "port", "options"}
        name, profile = data.get("name"), data.get("profile")
        if unknown or not isinstance(name, str) or not name or not isinstance(profile, str):
            raise DeviceError(f"The station device {data!r} needs a name and a profile"
                              + (f", and has unknown keys {sorted(unknown)}" if unknown else "") + ".")
        port = data.get("port") or ""
        options = data.get("options") or {}
        if not isinstance(port, (str, Mapping)) or not isinstance(options, Mapping):
            raise DeviceError(f"The station device {name!r}: port must be a path or {{vid, pid, "
                              "serial_number}, options an object.")
        return cls(name, profile, port if isinstance(port, str) else dict(port), dict(options))

    def describe_port(self) -> str:
        """The port as people read it: the path, or 'USB 0C2E:0B61 #ABC123'."""
        if isinstance(self.port, str):
            return self.port or "no port"
        usb = ":".join(str(self.port[k]).upper() for k in ("vid", "pid") if self.port.get(k))
        serial = self.port.get("serial_number")
        return f"USB {usb}" + (f" #{serial}" if serial else "")

    def profile_for(self, profiles: Mapping[str, Profile]) -> Profile:
        """The profile with this device's port and options; a sentence when it cannot be used."""
        if self.profile not in profiles:
            raise DeviceError(f"Device {self.name!r} uses the profile {self.profile!r}, which this station "
                              f"does not have; pick one of: {', '.join(profiles)}.")
        profile = profile_from_dict({"name": f"{self.profile}@{self.name}", "base": self.profile,
                                     "port": self._port_json(), "options": dict(self.options)}, profiles)
        if not profile.port.is_set:
            raise DeviceError(f"Device {self.name!r} has no port: pick one from the list, or type its path.")
        return profile


def port_from_listing(path: str, vid: int | None, pid: int | None, serial_number: str | None, *,
                      follow_usb: bool) -> str | dict[str, str]:
    """What to store for a port picked from the list: the USB ids when the device should be found wherever
    it is plugged (COM numbers change with the socket), else the path."""
    if follow_usb and vid is not None and pid is not None:
        match = {"vid": f"{vid:04X}", "pid": f"{pid:04X}"}
        if serial_number:
            match["serial_number"] = serial_number
        return match
    return path


def load_devices(settings: Settings) -> list[DeviceConfig]:
    """The configured devices; an entry that cannot be read is logged and left out, so one typo in the
    settings file does not keep the other devices from starting."""
    devices = []
    for entry in settings.get(STATION_KEY):
        try:
            devices.append(DeviceConfig.from_json(entry))
        except DeviceError as exc:
            log.warning("Settings %s: %s", STATION_KEY, exc)
    return devices


def save_devices(settings: Settings, devices: Sequence[DeviceConfig]) -> None:
    check_devices(devices)
    settings.set(STATION_KEY, [d.to_json() for d in devices])


def check_devices(devices: Sequence[DeviceConfig]) -> None:
    """Names are how events, the status bar and the log tell devices apart: unique and not empty."""
    seen: set[str] = set()
    for device in devices:
        if not device.name.strip():
            raise DeviceError("Every device needs a name, such as 'scanner' or 'bore gauge'.")
        if device.name in seen:
            raise DeviceError(f"Two devices are called {device.name!r}: give each its own name.")
        seen.add(device.name)


def station_profiles(settings: Settings) -> dict[str, Profile]:
    """Built-in profiles plus the station's file, if one is set; a broken file is logged, not fatal."""
    path = settings.get("devices.profiles_file")
    try:
        return load_profiles(Path(path) if path else None)
    except DeviceError as exc:
        log.warning("%s Only the built-in device profiles are available.", exc)
        return load_profiles()


def resolve_devices(devices: Sequence[DeviceConfig], profiles: Mapping[str, Profile]
                    ) -> tuple[dict[str, Profile], dict[str, str]]:
    """Each device's ready profile, and the sentence for each device that cannot start."""
    ready: dict[str, Profile] = {}
    problems: dict[str, str] = {}
    for device in devices:
        try:
            ready[device.name] = device.profile_for(profiles)
        except DeviceError as exc:
            problems[device.name] = str(exc)
    return ready, problems


@dataclass(frozen=True)
class WedgeSettings:
    enabled: bool
    timing: WedgeTiming
    gs_substitute: str | None


def wedge_settings(settings: Settings) -> WedgeSettings:
    """The keyboard-wedge thresholds; impossible values fall back to the defaults, with a log line."""
    try:
        timing = WedgeTiming(max_gap_ms=float(settings.get("devices.wedge_max_gap_ms")),
                             min_length=int(settings.get("devices.wedge_min_length")))
    except (TypeError, ValueError) as exc:
        log.warning("Keyboard-wedge settings ignored (%s); using the defaults.", exc)
        timing = WedgeTiming()
    substitute = str(settings.get("devices.wedge_gs_substitute"))[:1] or None
    return WedgeSettings(bool(settings.get("devices.wedge_enabled")), timing, substitute)
