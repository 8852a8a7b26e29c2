"""Setting a bench PC up: look at a database before choosing it, register the bench as a station, create the
first administrator of an empty database. What the first-run assistant and Settings ▸ Station setup do,
without Qt, so the CLI and the tests use the same steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.db import describe_url, make_engine, make_session_factory, normalise_url
from app.models import Role, Station
from app.services import schema
from app.services.errors import Conflict, DatabaseUnavailable, SchemaTooNew, ValidationError
from app.services.permissions import SYSTEM, Action, Actor
from app.services.unit_of_work import unit_of_work
from app.services.users import add_user, authenticate, has_users

SchemaState = Literal["empty", "current", "older", "newer"]
MAX_NAME = 64  # Station.name and Station.work_center


@dataclass(frozen=True)
class DatabaseProbe:
    """What a database holds, as far as setting a station up needs to know."""

    url: str
    description: str
    state: SchemaState
    revision: str | None
    has_users: bool = False
    stations: dict[str, str] = field(default_factory=dict)  # station name → work centre
    work_centres: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """One line for the person choosing: what they would be opening."""
        if self.state == "empty":
            return f"{self.description}: an empty database. Threadline creates its tables there."
        if self.state == "newer":
            return (f"{self.description}: made by a newer Threadline (schema {self.revision}). Install that "
                    "version on this PC; this one cannot open it.")
        users = "has users" if self.has_users else "has no users yet"
        stations = f"{len(self.stations)} station{'s' * (len(self.stations) != 1)}"
        upgrade = " It is upgraded to this version (after a backup) when Threadline starts." \
            if self.state == "older" else ""
        return f"{self.description}: a Threadline database with {stations}; it {users}.{upgrade}"


def postgres_url(host: str, port: int | str, database: str, user: str) -> str:
    """The URL kept in the settings: never a password (that one lives in the keyring)."""
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host or not database or not user:
        raise ValidationError("Fill in the server, the database and the user name.")
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise ValidationError(f"The port '{port}' is not a number; PostgreSQL listens on 5432 unless told "
                              "otherwise.") from None
    return URL.create("postgresql+psycopg", username=user, host=host, port=port,
                      database=database).render_as_string(hide_password=False)


def _with_password(url: str, password: str | None) -> str:
    """The URL to connect with now: the typed password goes in for this connection only, never saved."""
    if not password:
        return url
    return make_url(normalise_url(url)).set(password=password).render_as_string(hide_password=False)


def open_engine(url: str, password: str | None = None) -> Engine:
    return make_engine(_with_password(url, password))


def probe_database(url: str, password: str | None = None) -> DatabaseProbe:
    """Connect and read what is there; raises DatabaseUnavailable with a sentence when it cannot."""
    engine = open_engine(url, password)
    try:
        return _probe(engine, url)
    finally:
        engine.dispose()


def _probe(engine: Engine, url: str) -> DatabaseProbe:
    description = describe_url(url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables:
            if tables:
                raise DatabaseUnavailable(
                    f"{description} already holds other tables ({', '.join(sorted(tables)[:3])} …) and no "
                    "Threadline schema. Choose an empty database or one Threadline made.")
            return DatabaseProbe(url, description, "empty", None)
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        try:
            state: SchemaState = "older" if schema.needs_upgrade(engine) else "current"
        except SchemaTooNew:
            return DatabaseProbe(url, description, "newer", revision)
        # Plain SQL: an older schema revision has these columns too, the ORM's newer ones it may not.
        users = conn.execute(text("SELECT 1 FROM users LIMIT 1")).first() is not None
        stations = {name: centre for name, centre in conn.execute(text("SELECT name, work_center FROM stations"))}
        centres = {centre for (centre,) in conn.execute(text("SELECT DISTINCT work_center FROM operations"))}
    centres |= set(stations.values())
    return DatabaseProbe(url, description, state, revision, users, dict(sorted(stations.items())),
                         tuple(sorted(centres, key=str.casefold)))


def _clean(value: str, what: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValidationError(f"The {what} is empty; type one.")
    if len(value) > MAX_NAME:
        raise ValidationError(f"The {what} '{value[:20]}…' is too long: at most {MAX_NAME} characters.")
    return value


def register_station(factory: sessionmaker[Session], actor: Actor, name: str, work_centre: str) -> Station:
    """Add a bench as a station at a work centre; an existing station of that name is returned as it is."""
    with unit_of_work(factory, actor, Action.SET_UP_STATIONS) as session:
        name, work_centre = _clean(name, "station name"), _clean(work_centre, "work centre")
        existing = session.scalar(select(Station).where(Station.name == name))
        if existing is not None:
            return existing
        known = {centre.casefold(): centre for centre in session.scalars(select(Station.work_center).distinct())}
        station = Station(name=name, work_center=known.get(work_centre.casefold(), work_centre))
        session.add(station)
    return station


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    full_name: str
    password: str


@dataclass(frozen=True)
class StationChoice:
    name: str
    work_centre: str = ""  # only for a station the database does not have yet
    # Who registers a new station on a database that already has users (first run: typed on the page).
    username: str = ""
    password: str = ""


def prepare_new_database(url: str, password: str | None, admin: FirstAdmin,
                         station: StationChoice | None) -> Actor:
    """An empty database made ready in one go: the schema, the first administrator, this bench's station.
    Refused when someone else created users in the meantime (two benches set up at the same moment)."""
    engine = open_engine(url, password)
    try:
        schema.upgrade(engine, backup=False)  # an empty database: nothing to back up
        factory = make_session_factory(engine)
        if has_users(factory):
            raise Conflict("Someone created users on this database a moment ago, so it needs no first "
                           "administrator from here. Go back and test the connection again.")
        actor = create_first_admin(factory, admin)
        if station is not None and station.work_centre:
            register_station(factory, actor, station.name, station.work_centre)
        return actor
    finally:
        engine.dispose()


def create_first_admin(factory: sessionmaker[Session], admin: FirstAdmin) -> Actor:
    """The first administrator of a database that has no users; refused, in words, once it has some."""
    if has_users(factory):
        raise Conflict("Someone created the first user of this database a moment ago, so it needs none from "
                       "here. Quit, start Threadline again and log in with an account they give you.")
    user = add_user(factory, SYSTEM, username=admin.username, full_name=admin.full_name, role=Role.ADMIN,
                    password=admin.password)
    return Actor(user.username, Role.ADMIN, user.id, user.full_name)


def register_with_login(url: str, password: str | None, station: StationChoice, *,
                        actor: Actor | None = None) -> Station:
    """Register the bench on a database with users: as `actor` (who is logged in on this very database), or
    as whoever typed their name and password on the page (a first run)."""
    engine = open_engine(url, password)
    try:
        factory = make_session_factory(engine)
        if actor is None:
            actor = authenticate(factory, station.username, station.password)
        return register_station(factory, actor, station.name, station.work_centre)
    finally:
        engine.dispose()


def check_first_admin(admin: FirstAdmin, repeated: str) -> None:
    """The same rules as `users.add_user`, said before anything is written."""
    from app.services.users import MIN_PASSWORD_LENGTH

    name = admin.username.strip().lower()
    if not name or not name.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValidationError("Choose a user name of letters, digits, '.', '-' or '_'.")
    if len(admin.password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")
    if admin.password != repeated:
        raise ValidationError("The two passwords differ; type the same password twice.")


__all__ = ["DatabaseProbe", "FirstAdmin", "StationChoice", "check_first_admin", "create_first_admin",
           "postgres_url", "prepare_new_database", "probe_database", "register_station", "register_with_login"]
