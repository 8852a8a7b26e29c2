"""Setting a bench up without the GUI: what a database is found to hold, the first administrator of an empty
one, and a station registered by someone allowed to, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from app.db import make_engine
from app.models import AuditEvent, Role, Station, User
from app.services.errors import AuthenticationFailed, Conflict, DatabaseUnavailable, PermissionDenied, ValidationError
from app.services.permissions import SYSTEM
from app.services.station_setup import (
    FirstAdmin,
    StationChoice,
    check_first_admin,
    create_first_admin,
    postgres_url,
    prepare_new_database,
    probe_database,
    register_station,
    register_with_login,
)
from app.services.users import add_user, has_users
from tests.conftest import ADMIN_PASSWORD, make_actor

ADA = FirstAdmin("ada", "Ada Admin", "first-admin-1")


def test_an_empty_database_is_found_empty_and_made_ready_in_one_go(db_url):
    found = probe_database(db_url)
    assert found.state == "empty" and found.revision is None and "an empty database" in found.summary
    actor = prepare_new_database(db_url, None, ADA, StationChoice("BENCH-1", "Final assembly"))
    assert actor.username == "ada" and actor.role is Role.ADMIN
    found = probe_database(db_url)
    assert found.state == "current" and found.has_users
    assert found.stations == {"BENCH-1": "Final assembly"} and found.work_centres == ("Final assembly",)
    assert "1 station; it has users" in found.summary
    # A second bench set up at the same moment cannot make a second "first" administrator.
    with pytest.raises(Conflict, match="Someone created users"):
        prepare_new_database(db_url, None, FirstAdmin("bob", "Bob", "second-admin-1"), None)


def test_a_station_is_registered_once_with_the_work_centre_as_the_database_spells_it(factory, admin):
    first = register_station(factory, admin, "  TRN-PC1 ", "Turning")
    again = register_station(factory, admin, "TRN-PC1", "Grinding")  # already there: left as it is
    second = register_station(factory, admin, "TRN-PC2", "  turning ")
    assert (first.id, again.work_center) == (again.id, "Turning") and second.work_center == "Turning"
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Station)) == 2
        actors = session.scalars(select(AuditEvent.username).where(AuditEvent.table_name == "stations")).all()
    assert actors == ["admin", "admin"]
    with pytest.raises(ValidationError, match="station name is empty"):
        register_station(factory, admin, "  ", "Turning")
    with pytest.raises(ValidationError, match="too long"):
        register_station(factory, admin, "X" * 65, "Turning")


def test_only_administrators_and_supervisors_set_benches_up(db_url, engine, factory, admin):
    operator = make_actor(factory, admin, Role.OPERATOR, "otto")
    with pytest.raises(PermissionDenied, match="may not set up stations"):
        register_station(factory, operator, "TRN-PC3", "Turning")
    supervisor = make_actor(factory, admin, Role.SUPERVISOR, "sue")
    assert register_station(factory, supervisor, "TRN-PC3", "Turning").name == "TRN-PC3"
    # On a first run nobody is logged in: the name and password typed on the page decide.
    with pytest.raises(AuthenticationFailed):
        register_with_login(db_url, None, StationChoice("TRN-PC4", "Turning", "admin", "wrong-password"))
    assert register_with_login(db_url, None, StationChoice("TRN-PC4", "Turning", "admin", ADMIN_PASSWORD)
                               ).work_center == "Turning"


def test_a_newer_schema_and_foreign_tables_are_said_plainly(db_url, engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    found = probe_database(db_url)
    assert found.state == "newer" and "newer Threadline (schema 9999)" in found.summary


def test_a_database_of_another_application_is_refused(db_url):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(DatabaseUnavailable, match="already holds other tables \\(invoices"):
        probe_database(db_url)


def test_server_urls_and_first_administrators_are_checked_before_anything_is_written():
    assert postgres_url(" db.example ", "5433", "threadline", "bench7") == \
        "postgresql+psycopg://bench7@db.example:5433/threadline"
    with pytest.raises(ValidationError, match="Fill in the server"):
        postgres_url("", 5432, "threadline", "bench7")
    with pytest.raises(ValidationError, match="port 'x' is not a number"):
        postgres_url("db", "x", "threadline", "bench7")
    check_first_admin(ADA, ADA.password)
    with pytest.raises(ValidationError, match="differ"):
        check_first_admin(ADA, "something-else")
    with pytest.raises(ValidationError, match="too short"):
        check_first_admin(FirstAdmin("ada", "", "short"), "short")
    with pytest.raises(ValidationError, match="letters, digits"):
        check_first_admin(FirstAdmin("ada lovelace", "", "long-enough-1"), "long-enough-1")


def test_the_first_administrator_only_while_there_is_none(factory):
    assert not has_users(factory)
    assert create_first_admin(factory, ADA).role is Role.ADMIN
    # A second bench's dialog, answered a moment later: refused with what to do, nobody else is created.
    with pytest.raises(Conflict, match="Someone created the first user"):
        create_first_admin(factory, FirstAdmin("eve", "Eve", "second-admin-1"))
    with pytest.raises(PermissionDenied):
        add_user(factory, SYSTEM, username="eve", full_name="Eve", role=Role.ADMIN, password="second-admin-1")
    with factory() as session:
        assert session.scalars(select(User.username)).all() == ["ada"]
