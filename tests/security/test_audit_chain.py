"""The audit trail's hash chain: every writer's rows are sealed, the database refuses UPDATE and DELETE,
and an attacker who drops the guards and edits, deletes or reorders rows is caught at the first broken
entry. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, delete, inspect, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from app.models import AuditEvent, Supplier
from app.services.audit import ACTOR_KEY
from app.services.audit_chain import GENESIS, entry_hash, remove_guards
from app.services.audit_verify import Fault, verify_chain
from app.services.permissions import Action
from app.services.unit_of_work import unit_of_work
from app.services.users import authenticate
from tests.conftest import ADMIN_PASSWORD

EVENTS = AuditEvent.__table__


def _trail(factory, admin) -> list[dict]:
    """A short, varied trail: ORM creates/updates/deletes with reasons, a login (an AuditEvent added by
    hand) and a bulk executemany insert, as the services write them."""
    from app.services.station.bulk import insert_audited

    authenticate(factory, "admin", ADMIN_PASSWORD)
    with unit_of_work(factory, admin, Action.MANAGE_USERS) as session:
        session.add(Supplier(code="ACME", name="Acme Steel", country="DE"))
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason="renamed after merger") as session:
        session.scalar(select(Supplier).where(Supplier.code == "ACME")).name = "Acme Special Steels"
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason="bulk") as session:
        insert_audited(session, Supplier, [{"id": uuid.uuid4(), "code": f"S{i}", "name": f"Supplier {i}"}
                                           for i in range(5)])
    with unit_of_work(factory, admin, Action.MANAGE_USERS, reason="duplicate") as session:
        session.delete(session.scalar(select(Supplier).where(Supplier.code == "S0")))
    with factory() as session:
        return [dict(r) for r in session.execute(select(EVENTS).order_by(EVENTS.c.id)).mappings()]


def test_every_writer_seals_its_rows_into_one_gapless_chain(factory, admin):
    rows = _trail(factory, admin)
    assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))
    assert {r["action"] for r in rows} >= {"create", "update", "delete", "login"}
    prev = GENESIS
    for row in rows:
        assert row["prev_hash"] == prev and row["entry_hash"] == entry_hash(row, prev)
        prev = row["entry_hash"]
    report = verify_chain(factory)
    assert report.intact and report.checked == len(rows) and report.last_hash == rows[-1]["entry_hash"]
    assert rows[-1]["occurred_at"] - rows[0]["occurred_at"] < timedelta(minutes=5)
    assert abs(rows[-1]["occurred_at"] - datetime.now(timezone.utc)) < timedelta(minutes=5)  # server time


def test_the_canonical_text_is_what_the_hash_covers():
    when = datetime(2026, 11, 28, 11, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    row = {"id": 7, "occurred_at": when, "user_id": uuid.UUID(int=1), "username": "qe.mueller",
           "action": "update", "table_name": "measurements", "row_id": "m-1",
           "old_values": {"value": 10.02, "passed": True}, "new_values": {"passed": False, "value": 10.5},
           "reason": "re-measured: Prüfmittel getauscht"}
    spelled = ('["tl-audit-v1",7,"2026-11-28T10:00:00.123456+00:00","00000000-0000-0000-0000-000000000001",'
               '"qe.mueller","update","measurements","m-1",{"passed":true,"value":10.02},'
               '{"passed":false,"value":10.5},"re-measured: Prüfmittel getauscht","' + GENESIS + '"]')
    assert entry_hash(row, GENESIS) == hashlib.sha256(spelled.encode()).hexdigest()


def test_the_database_refuses_to_change_or_delete_audit_rows(factory, admin, engine):
    _trail(factory, admin)
    with factory() as session:
        session.info[ACTOR_KEY] = admin
        event = session.get(AuditEvent, 2)
        event.reason = "nothing happened here"
        with pytest.raises(DBAPIError, match="append-only"):
            session.flush()
    for statement in (update(AuditEvent).where(AuditEvent.id == 2).values(username="nobody"),
                      delete(AuditEvent).where(AuditEvent.id == 2), delete(AuditEvent)):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE audit_events")
    assert verify_chain(factory).intact


def _swap(conn: Connection, a: int, b: int) -> None:
    columns = [c for c in EVENTS.c if c.name != "id"]
    first, second = (conn.execute(select(*columns).where(EVENTS.c.id == i)).mappings().one() for i in (a, b))
    conn.execute(update(EVENTS).where(EVENTS.c.id == a).values(**second))
    conn.execute(update(EVENTS).where(EVENTS.c.id == b).values(**first))


def _rehash_from(conn: Connection, start: int) -> None:
    """What an attacker who knows the algorithm does: recompute every hash from `start` to the end."""
    rows = conn.execute(select(EVENTS).where(EVENTS.c.id >= start - 1).order_by(EVENTS.c.id)).mappings().all()
    prev = rows[0]["entry_hash"] if start > 1 else GENESIS
    for row in rows[1:] if start > 1 else rows:
        digest = entry_hash(row, prev)
        conn.execute(update(EVENTS).where(EVENTS.c.id == row["id"]).values(prev_hash=prev, entry_hash=digest))
        prev = digest


def _edit(**values) -> Callable[[Connection, int], None]:
    return lambda conn, k: conn.execute(update(EVENTS).where(EVENTS.c.id == k).values(**values))


def _rehash_one(conn: Connection, k: int) -> None:
    """Edit entry k and give it a correct hash of its own: the link from entry k + 1 still breaks."""
    _edit(reason="forged")(conn, k)
    row = conn.execute(select(EVENTS).where(EVENTS.c.id == k)).mappings().one()
    conn.execute(update(EVENTS).where(EVENTS.c.id == k).values(entry_hash=entry_hash(row, row["prev_hash"])))


def _shift_time(conn: Connection, k: int) -> None:
    moment = conn.scalar(select(EVENTS.c.occurred_at).where(EVENTS.c.id == k))
    conn.execute(update(EVENTS).where(EVENTS.c.id == k).values(occurred_at=moment + timedelta(seconds=1)))


def _delete(which: Callable[[Connection, int], int]) -> Callable[[Connection, int], None]:
    return lambda conn, k: conn.execute(delete(EVENTS).where(EVENTS.c.id == which(conn, k)))


def _last(conn: Connection, _k: int) -> int:
    return conn.scalar(select(EVENTS.c.id).order_by(EVENTS.c.id.desc()).limit(1))


# (name, tamper(conn, k), the first broken entry it must be reported at (None: the anchored head),
#  the fault, whether the check is given the head written down before the tampering)
CASES: list[tuple[str, Callable[[Connection, int], None], Callable[[int], int] | None, Fault, bool]] = [
    ("edit a new value", _edit(new_values={"name": "Acme Steel (forged)"}), lambda k: k, Fault.ALTERED,
     False),
    ("edit the reason", _edit(reason="approved by QA"), lambda k: k, Fault.ALTERED, False),
    ("edit the user", _edit(username="someone.else"), lambda k: k, Fault.ALTERED, False),
    ("move the time by one second", _shift_time, lambda k: k, Fault.ALTERED, False),
    ("delete a row", _delete(lambda conn, k: k), lambda k: k + 1, Fault.DELETED, False),
    ("delete the first row", _delete(lambda conn, k: 1), lambda k: 2, Fault.DELETED, False),
    ("reorder two rows (swap contents)", lambda conn, k: _swap(conn, k, k + 1), lambda k: k, Fault.REORDERED,
     False),
    ("change a hash", _edit(entry_hash=hashlib.sha256(b"forged").hexdigest()), lambda k: k,
     Fault.HASH_ALTERED, False),
    ("edit a row and re-hash it", _rehash_one, lambda k: k + 1, Fault.BROKEN_LINK, False),
    ("edit a row and re-hash the rest of the chain", lambda conn, k: (_edit(reason="forged")(conn, k),
                                                                     _rehash_from(conn, k)), None,
     Fault.ANCHOR_MISMATCH, True),
    ("cut off the last row", _delete(_last), None, Fault.ANCHOR_MISMATCH, True),
]


def test_tampering_by_a_database_administrator_is_detected_at_the_first_broken_entry(factory, admin, engine):
    rows = _trail(factory, admin)
    k = 4  # the rename: a row with rows before and after it
    assert rows[k - 1]["action"] == "update" and len(rows) > k + 2
    anchor = (rows[-1]["id"], rows[-1]["entry_hash"])
    detected = []
    for name, tamper, at, fault, anchored in CASES:
        with engine.connect() as conn:
            # pysqlite opens no transaction before DDL by itself: BEGIN, so the dropped triggers come back.
            conn.exec_driver_sql("BEGIN") if engine.dialect.name == "sqlite" else conn.begin()
            remove_guards(conn)  # the attacker has DBA rights; rolled back with the rest below
            tamper(conn, k)
            report = verify_chain(sessionmaker(bind=conn), anchor=anchor if anchored else None)
            if anchored:  # a consistent rewrite or a cut tail is invisible to the chain alone: why anchors
                assert verify_chain(sessionmaker(bind=conn)).intact, name
            conn.rollback()
        assert not report.intact, f"not detected: {name}"
        expected = anchor[0] if at is None else at(k)
        assert (report.broken.entry_id, report.broken.fault) == (expected, fault), (name, report.broken)
        assert f"broken at entry {expected}" in report.describe()
        detected.append(name)
    assert len(detected) == len(CASES)
    assert verify_chain(factory, anchor=anchor).intact  # everything was rolled back, guards included
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(delete(EVENTS).where(EVENTS.c.id == k))


def test_concurrent_writers_never_fork_the_chain(factory, admin):
    before = verify_chain(factory).checked
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with unit_of_work(factory, admin, Action.MANAGE_USERS) as session:
                    session.add(Supplier(code=f"T{n}-{i}", name=f"Thread {n} supplier {i}"))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    report = verify_chain(factory)
    assert report.intact and report.checked == before + 40 and report.last_id == before + 40
    with factory() as session:
        prevs = session.scalars(select(AuditEvent.prev_hash)).all()
    assert len(prevs) == len(set(prevs))  # no two entries claim the same predecessor: no fork


def test_the_migration_chains_existing_rows_and_its_downgrade_lifts_the_guards(db_url):
    from alembic import command

    from app.db import make_engine
    from app.services import schema

    engine = make_engine(db_url)

    def migrate(step: Callable, target: str) -> None:
        config = schema._alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            step(config, target)

    migrate(command.upgrade, "0004")
    with engine.begin() as conn:  # rows as the code before 0005 wrote them: a gap from a rollback, no hashes
        for entry in (1, 2, 5):
            conn.execute(text("INSERT INTO audit_events (id, occurred_at, username, action, table_name, "
                              "row_id, new_values, reason) VALUES (:id, CURRENT_TIMESTAMP, 'system', "
                              "'create', 'suppliers', :row, :new, NULL)"),
                         {"id": entry, "row": f"r{entry}",
                          "new": json.dumps({"code": f"S{entry}", "n": 1.5})})
    migrate(command.upgrade, "head")
    factory = sessionmaker(engine)
    report = verify_chain(factory)
    assert report.intact and report.checked == 3 and report.last_id == 5
    with engine.begin() as conn:
        conn.execute(AuditEvent.__table__.insert(), [{"username": "system", "action": "check"}])
    assert verify_chain(factory).last_id == 6  # new rows continue the chain, gapless from the head
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(delete(EVENTS).where(EVENTS.c.id == 1))

    migrate(command.downgrade, "0004")
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET reason = 'lifted' WHERE id = 1"))
        assert "entry_hash" not in {c["name"] for c in inspect(conn).get_columns("audit_events")}
    migrate(command.upgrade, "head")
    assert verify_chain(factory).intact
    engine.dispose()
