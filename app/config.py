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
                "Finished units of the demo plant built when the app starts on an empty embedded database.",
                env="THREADLINE_DEMO_UNITS"),
        Setting("ui.font_point_size", int, 12, "Base font size of the application, readable at arm's length."),
        Setting("app.last_version", str, "",
                "The Threadline version that last started on this PC, kept by the application: when a newer "
                "one starts, it says once what changed. Empty on a PC where Threadline never ran."),
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
        Setting("auth.max_failures", int, 5,
                "Failed log-ins in a row (password or badge PIN) after which a user is locked out."),
        Setting("auth.lockout_minutes", float, 15.0,
                "How long a lockout lasts, in minutes, unless an administrator unlocks the user sooner."),
        Setting("session.idle_lock_minutes", float, 10.0,
                "Minutes without keyboard or mouse input after which the main window locks itself until the "
                "user (or the next one) badges in with a PIN or logs in again; 0 means never."),
        Setting("company.name", str, "", "The company name printed at the head of certificates and reports."),
        Setting("company.address", str, "",
                "The company's postal address on certificates; lines separated by '\\n' or ';'."),
        Setting("company.logo_file", str, "",
                "A PNG or JPEG logo printed at the top left of certificates; empty prints the name only."),
        Setting("certificates.verify_url", str, "",
                "Web address customers check certificates at, e.g. https://trace.example.com/m/verify (the "
                "phone page of `threadline serve`); the QR code carries it with ?id=…&sha256=…. "
                "Empty: the QR carries the certificate id and content hash only."),
        Setting("certificates.signing_key_file", str, "",
                "The organisation's PKCS#12 (.p12/.pfx) signing certificate; empty means 'signing/"
                "organisation.p12' in the data directory (a self-signed trial one is made there on request). "
                "Its passphrase lives in the OS keyring, or THREADLINE_SIGNING_PASSPHRASE on a headless box."),
        Setting("db.sslmode", str, "",
                "TLS to a PostgreSQL server, as libpq's sslmode (disable, require, verify-ca, verify-full); "
                "empty leaves libpq's default ('prefer'). verify-full is recommended: see docs/security.md. "
                "A sslmode in the database URL wins."),
        Setting("db.sslrootcert", str, "",
                "The CA certificate file that signs the PostgreSQL server's certificate (for verify-ca and "
                "verify-full); empty means libpq's default (~/.postgresql/root.crt)."),
        Setting("backup.dir", str, "",
                "Folder `threadline backup` writes to and `backup prune` cleans; empty means 'backups' in "
                "the data directory."),
        Setting("backup.keep", int, 30,
                "`threadline backup prune` always keeps this many newest backups."),
        Setting("backup.max_age_days", int, 90,
                "`threadline backup prune` deletes backups older than this many days, beyond the newest "
                "`backup.keep`; 0 deletes every backup beyond the newest `backup.keep`, whatever its age."),
        Setting("backup.every_hours", int, 0,
                "While Threadline is open on this PC, back up when the newest backup in backup.dir is this "
                "many hours old, then prune by backup.keep and backup.max_age_days; 0 means never."),
        Setting("api.host", str, "127.0.0.1",
                "Address `threadline serve` listens on: loopback unless set. For other hosts put a TLS reverse "
                "proxy in front, or set api.tls_cert and api.tls_key (see docs/api.md)."),
        Setting("api.port", int, 8765, "Port `threadline serve` listens on."),
        Setting("api.tls_cert", str, "", "PEM certificate for HTTPS served directly by `threadline serve`."),
        Setting("api.tls_key", str, "", "PEM private key for api.tls_cert."),
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
