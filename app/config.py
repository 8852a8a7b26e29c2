"""One declared registry of settings (key, type, default, help) and the paths Threadline uses.

Values come, strongest first, from the command line, the environment (`THREADLINE_DB` for the
database), the station's settings file, then the declared default.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "threadline"


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    help: str
    env: str | None = None


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("db.url", str, "", "Database URL; empty means the embedded SQLite file in the data directory.",
                env="THREADLINE_DB"),
        Setting("station.name", str, "", "This bench PC's station name; empty means the host name.",
                env="THREADLINE_STATION"),
        Setting("demo.units_on_first_start", int, 2000,
                "Finished units of the demo plant built when the app starts on an empty embedded database."),
        Setting("ui.font_point_size", int, 12, "Base font size of the application, readable at arm's length."),
        Setting("devices.station", list, [],
                "This station's serial devices, started after log-in: a list of {name, profile, port, "
                "options}; port is a path (COM3, /dev/ttyACM0, socket://host:port) or {vid, pid, "
                "serial_number} to follow a USB device wherever it is plugged; options override the "
                "profile's decoder options (unit, gs_substitute, require_aim). Edit on the Devices page."),
        Setting("devices.profiles_file", str, "",
                "A JSON file of station device profiles (as for `threadline devices --profiles`), added to "
                "the built-in ones; empty means built-in profiles only."),
        Setting("devices.wedge_enabled", bool, True,
                "Catch keyboard-wedge scanners: a burst of keys ending in Enter is a scan for the current "
                "page, never text in whatever field has the focus."),
        Setting("devices.wedge_max_gap_ms", int, 35,
                "Longest gap between two keys of one wedge scan, in ms (scanners: 7–16, people: 80 and more)."),
        Setting("devices.wedge_min_length", int, 4,
                "Fewest characters before Enter for a burst to count as a wedge scan."),
        Setting("devices.wedge_gs_substitute", str, "",
                "The character a wedge scanner types in place of GS (FNC1) in GS1 codes; empty for none."),
        Setting("sensors.mqtt_url", str, "mqtt://127.0.0.1:1883",
                "The MQTT broker the station's equipment publishes process parameters to: "
                "mqtt://[user:password@]host[:port], or mqtts:// for TLS."),
        Setting("sensors.max_age_s", float, 60.0,
                "Oldest a sensor value may be when a step is recorded, in seconds; older values are refused "
                "as stale."),
        Setting("sensors.modbus_poll_s", float, 1.0,
                "Seconds between two reads of each Modbus register the station's equipment reports."),
    )
}


def data_dir() -> Path:
    override = os.environ.get("THREADLINE_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    override = os.environ.get("THREADLINE_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'threadline.db'}"


class Settings:
    """Typed access to the declared settings, persisted as JSON in the config directory."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.json"
        self._values: dict[str, Any] = {}
        if self.path.exists():
            try:
                self._values = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SettingsError(f"The settings file {self.path} cannot be read ({exc}). "
                                    "Fix or delete it; Threadline then starts with defaults.") from exc

    def get(self, key: str) -> Any:
        setting = SETTINGS[key]
        if setting.env and os.environ.get(setting.env):
            return setting.type(os.environ[setting.env])
        return setting.type(self._values.get(key, setting.default))

    def set(self, key: str, value: Any) -> None:
        setting = SETTINGS[key]
        self._values[key] = setting.type(value)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self._values, indent=2, sort_keys=True), encoding="utf-8")

    def db_url(self, override: str | None = None) -> str:
        return override or self.get("db.url") or default_db_url()

    def station_name(self) -> str:
        return self.get("station.name") or socket.gethostname()


class SettingsError(Exception):
    pass
