"""What the station-setup assistant asks the worker thread to do, and the choices it collects. No Qt here:
`app.ui.setup_wizard` drives it; writing the settings file happens on the GUI thread afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import normalise_url
from app.services import credentials
from app.services.permissions import Actor
from app.services.station_setup import (
    DatabaseProbe,
    FirstAdmin,
    StationChoice,
    prepare_new_database,
    probe_database,
    register_with_login,
)


@dataclass
class SetupChoices:
    """Everything the pages decide, read by the next pages and applied at Finish."""

    embedded: bool = True
    url: str = ""  # the URL to save: "" means this PC's embedded file (a SQLite URL: another file)
    password: str = ""  # typed now; stored in the keyring (or the opt-in file), never in the settings
    password_to_file: bool = False
    sslmode: str = ""
    probe: DatabaseProbe | None = None
    demo: bool = False  # an empty embedded database gets the demo plant at the first start
    admin: FirstAdmin | None = None
    station: StationChoice = field(default_factory=lambda: StationChoice(""))
    # Settings ▸ Station setup: who is logged in, and on which database (their login counts there only).
    actor: Actor | None = None
    current_url: str = ""

    @property
    def connect_url(self) -> str:
        """What to connect to: the URL with its TLS mode (a `sslmode` in the URL wins over the setting)."""
        from app.config import default_db_url

        if self.embedded:
            return self.url or default_db_url()
        if not self.sslmode or "sslmode=" in self.url:
            return self.url
        return f"{self.url}{'&' if '?' in self.url else '?'}sslmode={self.sslmode}"

    @property
    def same_database(self) -> bool:
        """Settings ▸ Station setup on the database this window has open (where the login counts)."""
        return self.actor is not None and bool(self.current_url) and _where(self.connect_url) == _where(
            self.current_url)

    @property
    def needs_admin(self) -> bool:
        probe = self.probe
        return (probe is not None and not self.demo and not probe.has_users
                and probe.state in ("empty", "current"))

    @property
    def new_station(self) -> bool:
        probe = self.probe
        return bool(self.station.name) and probe is not None and self.station.name not in probe.stations


def _where(url: str) -> tuple[object, ...]:
    """Which database a URL names, whatever its password, driver or connection options."""
    parsed = make_url(normalise_url(url))
    return parsed.get_backend_name(), parsed.host, parsed.port or 5432, parsed.database, parsed.username


def probe(url: str, password: str) -> DatabaseProbe:
    return probe_database(url, password or None)


@dataclass(frozen=True)
class Applied:
    """What Finish did, for the sentence the person reads afterwards."""

    stored_password: str = ""  # where: "keyring (…)" or the file's path
    created_admin: str = ""
    registered_station: str = ""


def apply_choices(choices: SetupChoices) -> Applied:
    """On the worker: make a new database ready or register a new station, then keep the password. Settings
    are written by the caller only after this succeeded, so a failure leaves this PC's settings as they were."""
    url, typed = choices.connect_url, choices.password or None
    station = choices.station
    admin = registered = ""
    if choices.needs_admin and choices.admin is not None:
        prepare_new_database(url, typed, choices.admin, station if choices.new_station else None)
        admin, registered = choices.admin.username, station.name if choices.new_station else ""
    elif (choices.new_station and station.work_centre and choices.probe is not None
          and choices.probe.state == "current" and not choices.demo):
        register_with_login(url, typed, station, actor=choices.actor if choices.same_database else None)
        registered = station.name
    stored = ""
    if typed and not choices.embedded:
        where = credentials.store_password(url, typed, to_file=choices.password_to_file)
        stored = f"{where.where} ({where.detail})"
    return Applied(stored, admin, registered)


def save_choices(settings: Settings, choices: SetupChoices) -> None:
    """On the GUI thread, after `apply_choices`: the few settings the assistant decides."""
    settings.set("db.url", choices.url)
    settings.set("db.sslmode", "" if choices.embedded else choices.sslmode)
    settings.set("station.name", choices.station.name)
