"""The migrations build exactly the ORM's schema, and the shared column types behave on both databases."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from app.db import describe_url, make_engine, normalise_url
from app.models import (
    Base, GenealogyLink, IdentifierKind, Item, ItemIdentifier, ItemStatus, PartDefinition, Role, StepRecord,
    StepResult, Tracking, User,
)
from app.services import schema
from app.services.audit import ACTOR_KEY
from app.services.errors import DatabaseUnavailable, SchemaTooNew
from app.services.permissions import SYSTEM


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == []
    assert schema.current_revision(engine) == schema.head_revision() == schema.HEAD
    assert not schema.needs_upgrade(engine)


def test_sqlite_is_opened_for_crash_safety(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_a_database_from_a_newer_release_is_refused(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    assert schema.upgrade(engine) is None  # a new, empty database has nothing worth a backup
    with engine.begin() as conn:  # pretend a newer release migrated this file
        conn.execute(text("UPDATE alembic_version SET version_num = 'base0'"))
    with pytest.raises(SchemaTooNew, match="newer Threadline"):
        schema.upgrade(engine)


def test_backup_is_a_complete_copy(tmp_path):
    path = tmp_path / "plant.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    backup = schema.backup_sqlite(engine)
    assert backup is not None and backup.exists() and backup != path
    copy = make_engine(f"sqlite:///{backup}")
    assert schema.current_revision(copy) == schema.head_revision()


def test_unreachable_database_says_which_url_and_what_to_check():
    with pytest.raises(DatabaseUnavailable) as err:
        make_engine("postgresql://nobody@127.0.0.1:1/none")
    message = str(err.value)
    assert "PostgreSQL 127.0.0.1:1/none" in message and "Check that the server is running" in message


def test_urls_are_normalised_and_described_without_passwords():
    assert normalise_url("postgres://u:pw@h/db") == "postgresql+psycopg://u:pw@h/db"
    assert describe_url("postgresql://u:pw@db.plant:5433/tl") == "PostgreSQL db.plant:5433/tl"
    assert describe_url("sqlite:////data/threadline.db") == "SQLite /data/threadline.db"


def _part(session) -> PartDefinition:
    part = PartDefinition(part_number="P-1", revision="A", description="Test part", tracking=Tracking.SERIAL)
    session.add(part)
    session.flush()
    return part


def test_uuid_keys_and_utc_timestamps_round_trip(factory):
    moment = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        part = _part(session)
        item = Item(part_id=part.id, code="S-1", is_serial=True, quantity=1, initial_quantity=1,
                    status=ItemStatus.RELEASED)
        session.add(item)
        session.flush()
        item_id = item.id
        session.execute(insert(ItemIdentifier), [{"id": uuid.uuid4(), "item_id": item_id,
                                                  "kind": IdentifierKind.EPC, "value": "3034257BF7194E4000001A85"}])
    with factory() as session:
        loaded = session.get(Item, item_id)
        assert isinstance(loaded.id, uuid.UUID) and loaded.id == item_id
        assert loaded.created_at.tzinfo is not None and loaded.created_at.utcoffset() == timedelta(0)
        assert abs(loaded.created_at - datetime.now(timezone.utc)) < timedelta(minutes=5)  # set by the server
        ident = session.scalar(select(ItemIdentifier).where(ItemIdentifier.item_id == item_id))
        assert ident.kind is IdentifierKind.EPC
    # An explicit aware time comes back as the same instant, in UTC.
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        user = User(username="u", full_name="U", role=Role.OPERATOR, password_hash="x")
        session.add(user)
        session.flush()
        step = StepRecord(item_id=item_id, operator_id=user.id, started_at=moment, result=StepResult.PASS)
        session.add(step)
        session.flush()
        step_id = step.id
    with factory() as session:
        assert session.get(StepRecord, step_id).started_at == moment
        assert session.get(StepRecord, step_id).started_at.tzinfo == timezone.utc


def test_naive_datetimes_are_refused(factory):
    with factory() as session:
        session.info[ACTOR_KEY] = SYSTEM
        session.add(StepRecord(item_id=uuid.uuid4(), operator_id=uuid.uuid4(), started_at=datetime(2026, 1, 1),
                               result=StepResult.PASS))
        with pytest.raises(Exception, match="naive datetime"):
            session.flush()


def test_constraints_guard_the_genealogy_and_identifiers(factory):
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        part = _part(session)
        a = Item(part_id=part.id, code="A", is_serial=True, quantity=1, initial_quantity=1, status=ItemStatus.RELEASED)
        session.add(a)
        session.flush()
        a_id, part_id = a.id, part.id
    with factory() as session:
        session.info[ACTOR_KEY] = SYSTEM
        session.add(GenealogyLink(parent_item_id=a_id, child_item_id=a_id, quantity=1))
        with pytest.raises(IntegrityError):
            session.flush()
    with factory() as session:
        session.info[ACTOR_KEY] = SYSTEM
        session.add(Item(part_id=part_id, code="A", is_serial=True, quantity=1, initial_quantity=1,
                         status=ItemStatus.RELEASED))
        with pytest.raises(IntegrityError):
            session.flush()
    with factory() as session:
        session.info[ACTOR_KEY] = SYSTEM
        session.add(Item(part_id=uuid.uuid4(), code="B", is_serial=True, quantity=1, initial_quantity=1,
                         status=ItemStatus.RELEASED))
        with pytest.raises(IntegrityError):  # foreign keys are enforced on SQLite too
            session.flush()


def test_the_package_ships_its_migrations():
    import app
    versions = Path(app.__file__).parent / "migrations" / "versions"
    assert any(p.name.startswith("0001") for p in versions.glob("*.py"))


def test_new_keys_are_time_ordered_uuid7():
    from app.models.base import uuid7
    first, second = uuid7(), uuid7()
    assert first.version == 7 and first.variant == uuid.RFC_4122
    assert (first.int >> 80) <= (second.int >> 80)  # the millisecond timestamp leads
