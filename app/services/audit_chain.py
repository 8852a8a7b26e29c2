"""The hash chain of the audit trail: every row inserted into `audit_events` gets its id, the server's
time, the previous row's hash and its own hash at the moment it is inserted, whoever inserts it.

Why a Core `before_execute` hook and not code in each writer: audit rows come from the ORM flush hook,
from `session.add(AuditEvent(...))` (logins, signatures, NCR decisions) and from executemany inserts of
bulk services (10,000 serials on one receipt). Sealing them where every one of those paths meets — the
INSERT statement on its way to the database — means no writer can forget the chain, and the columns are
NOT NULL, so an INSERT that somehow bypassed the hook is refused by the database.

Why the chain cannot fork: appends are serialised. On PostgreSQL the hook takes a transaction-scoped
advisory lock before it reads the chain head, so a second station waits until the first commits and then
reads the head that station wrote (READ COMMITTED gives each statement a fresh snapshot). On SQLite the
transaction already holds the database's write lock (its domain rows were flushed first), and a
transaction that read an older head could not write anyway (SQLITE_BUSY_SNAPSHOT). Ids are assigned here,
head + 1, under that lock: they are gapless, so a deleted row shows as a gap.

The timestamp is the database server's clock, read once per INSERT statement together with the head
(one round trip per statement, not per row), and hashed as UTC with microseconds: both databases store
microseconds, so what verification reads back hashes exactly the same.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.sql.dml import Insert

from app.models import AuditEvent

GENESIS = "0" * 64
# Bumped if the canonical form ever changes; it is part of every hashed text.
CHAIN_VERSION = "tl-audit-v1"
_TABLE = AuditEvent.__table__
# Advisory lock (class id, object id): the object id is the schema, so two Threadline databases in one
# PostgreSQL cluster (or two test schemas) do not wait for each other.
_LOCK_CLASS = 0x7A4D17


# One encoder, built once: json.dumps with options builds a new one per call, a third of the cost of a row.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text. Audit values are JSON objects, so their keys are strings; a
    non-string key would be stored as a string and hash differently when read back."""
    return _CANONICAL.encode(value)


def canonical_time(value: datetime) -> str:
    """UTC, always with microseconds (`isoformat` alone drops a zero fraction):
    2026-11-28T10:00:00.000000+00:00."""
    if value.tzinfo is None:
        raise ValueError("audit time without a time zone")
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


# The hashed columns, in the order of the canonical text. Verification selects them in this order.
HASHED = ("id", "occurred_at", "user_id", "username", "action", "table_name", "row_id", "old_values",
          "new_values", "reason")


def digest(values: Sequence[Any], prev_hash: str, when: str | None = None) -> str:
    """SHA-256 (hex) of the canonical text of `values` (the HASHED columns, in order) and `prev_hash`."""
    entry_id, occurred_at, user_id, username, action, table, row_id, old, new, reason = values
    fields = [CHAIN_VERSION, entry_id, when or canonical_time(occurred_at),
              None if user_id is None else _uuid_text(user_id), username, action, table, row_id, old, new,
              reason, prev_hash]
    return hashlib.sha256(_CANONICAL.encode(fields).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=256)
def _uuid_text(value: Any) -> str:
    # A bulk statement has one actor for 10,000 rows: format their id once, not 10,000 times.
    return str(value)


def entry_hash(row: Mapping[str, Any], prev_hash: str, *, when: str | None = None) -> str:
    """The hash of one audit row given as a mapping of column names (missing optional columns are None).
    `when` is `canonical_time(row["occurred_at"])` when the caller already has it (one per statement)."""
    return digest([row.get(key) for key in HASHED], prev_hash, when)


def _head(conn: Connection) -> tuple[int, str, datetime]:
    """Lock the chain (PostgreSQL) and read its last id, last hash and the server's time."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:cls, hashtext(current_schema()))"),
                     {"cls": _LOCK_CLASS})
        now_sql = "clock_timestamp()"
    else:
        now_sql = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    last_id, last_hash, now = conn.execute(text(
        "SELECT (SELECT id FROM audit_events ORDER BY id DESC LIMIT 1), "
        f"(SELECT entry_hash FROM audit_events ORDER BY id DESC LIMIT 1), {now_sql}")).one()
    if isinstance(now, str):  # SQLite: UTC text with milliseconds
        now = datetime.fromisoformat(now)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return (last_id or 0), (last_hash or GENESIS), now


def seal(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of `rows` with id, occurred_at, prev_hash and entry_hash, appended after the chain head."""
    last_id, prev, now = _head(conn)
    when = canonical_time(now)
    sealed = []
    for number, row in enumerate(rows, start=last_id + 1):
        get = row.get
        values = (number, now, get("user_id"), row["username"], row["action"], get("table_name"),
                  get("row_id"), get("old_values"), get("new_values"), get("reason"))
        entry = digest(values, prev, when)
        sealed.append({**row, "id": number, "occurred_at": now, "prev_hash": prev, "entry_hash": entry})
        prev = entry
    return sealed


@event.listens_for(Engine, "before_execute", retval=True)
def _seal_audit_inserts(conn: Connection, clause: Any, multiparams: Any, params: Any,
                        _options: Any) -> tuple[Any, Any, Any]:
    # By name: `insert(AuditEvent)` carries an annotated copy of the table, and a hand-made Table counts too.
    if not isinstance(clause, Insert) or getattr(clause.table, "name", None) != _TABLE.name:
        return clause, multiparams, params
    if clause._values or clause._multi_values or getattr(clause, "select", None) is not None:
        raise ValueError("audit rows are inserted with parameters (insert(AuditEvent), rows) so that the "
                         "hash chain can seal them")
    if multiparams:
        return clause, seal(conn, list(multiparams)), {}
    return clause, [], seal(conn, [params])[0]


# The database refuses to change or delete audit rows, for the application and anyone else without the
# rights to drop these triggers. One definition, used by migration 0005 and by the tamper tests.
_REFUSAL = "audit_events is append-only: the audit trail cannot be changed or deleted"
_SQLITE_GUARDS = [
    f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END",
    f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END",
]
_SQLITE_UNGUARDS = ["DROP TRIGGER IF EXISTS audit_events_no_update",
                    "DROP TRIGGER IF EXISTS audit_events_no_delete"]
_PG_GUARDS = [
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    # No '%' placeholder: the driver would take it for a parameter mark.
    f"RAISE EXCEPTION USING MESSAGE = '{_REFUSAL} (' || TG_OP || ' refused)', "
    "ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
]
_PG_UNGUARDS = [
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
]


def install_guards(conn: Connection) -> None:
    for statement in _PG_GUARDS if conn.dialect.name == "postgresql" else _SQLITE_GUARDS:
        conn.exec_driver_sql(statement)


def remove_guards(conn: Connection) -> None:
    for statement in _PG_UNGUARDS if conn.dialect.name == "postgresql" else _SQLITE_UNGUARDS:
        conn.exec_driver_sql(statement)
