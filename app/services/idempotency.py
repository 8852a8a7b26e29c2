"""Idempotent writes: a client's `Idempotency-Key` is recorded in the same database transaction as the write
it guards, together with the response, so a retry gets the same answer and never a second receipt, order or
shipment.

One transaction means there is no moment at which the write is committed and the key is not (a crash then
loses both, and the retry writes once), and no key is left behind by a write that failed. A second request
racing on the same key inserts the same (token, key) row: the unique constraint makes it wait until the first
commits (PostgreSQL's unique index; SQLite's write lock, taken first) and then conflict, and it answers with
the first request's stored response. The guarded write's units of work run in SAVEPOINTs of that transaction
(the "join an external transaction" pattern that `receipt_batch.receive_all` uses).

The rows are the API's own bookkeeping, written with Core statements outside the audit trail; the writes they
guard are audited by their services.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.models.api import IdempotencyRecord
from app.models.base import uuid7
from app.services.errors import Conflict, ValidationError

# The guarded write: given a session factory joined to the key's transaction, it returns the JSON response.
Write = Callable[[sessionmaker[Session]], dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: dict[str, Any]
    replayed: bool  # True: the stored response of an earlier request with this key; nothing was written


def body_hash(body: Any) -> str:
    """The same JSON in another key order or spacing is the same request."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def run_once(factory: sessionmaker[Session], token_id: uuid.UUID, key: str, endpoint: str, digest: str,
             write: Write, status_code: int) -> Answer:
    """Run `write` once for (token, key): the first time in one transaction with the key's record, after
    that the stored answer. A write that raises leaves nothing behind, key included."""
    key = key.strip()
    if not key or len(key) > 200:
        raise ValidationError("The Idempotency-Key header must have 1 to 200 characters, e.g. a UUID.")
    stored = _stored(factory, token_id, key, endpoint, digest)  # the common retry: no write lock needed
    if stored is not None:
        return stored
    engine = factory.kw["bind"]
    assert isinstance(engine, Engine)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            if connection.dialect.name == "sqlite":
                # The write lock first, as every station write takes it: a racing request waits here, then
                # its INSERT below meets the committed key.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            record_id = _insert_key(connection, token_id, key, endpoint, digest)
        except IntegrityError:
            transaction.rollback()
            # Another request with this key committed first (the unique constraint): answer as it did.
            stored = _stored(factory, token_id, key, endpoint, digest)
            if stored is None:
                raise  # not the key after all (the token was deleted meanwhile): a plain failure
            return stored
        except BaseException:
            transaction.rollback()
            raise
        try:
            body = write(_joined(connection))
            connection.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == record_id)
                               .values(status_code=status_code, response=body))
        except BaseException:
            transaction.rollback()
            raise
        transaction.commit()
        return Answer(status_code, body, replayed=False)


def _insert_key(connection: Connection, token_id: uuid.UUID, key: str, endpoint: str,
                digest: str) -> uuid.UUID:
    record_id = uuid7()
    connection.execute(insert(IdempotencyRecord).values(
        id=record_id, token_id=token_id, key=key, endpoint=endpoint, request_sha256=digest))
    return record_id


def _joined(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose `begin()` is a SAVEPOINT of the key's transaction: the services' units of work nest."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


def _stored(factory: sessionmaker[Session], token_id: uuid.UUID, key: str, endpoint: str,
            digest: str) -> Answer | None:
    with factory() as session:
        found = session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.token_id == token_id,
                                                               IdempotencyRecord.key == key))
    if found is None:
        return None
    if found.request_sha256 != digest or found.endpoint != endpoint:
        raise Conflict(f"The Idempotency-Key '{key}' was already used for a different request "
                       f"({found.endpoint}); nothing was written. Use a new key for a new request.")
    if found.status_code is None:
        # Earlier versions recorded a key apart from its write; a key left open by them has no known outcome.
        raise Conflict(f"A request with the Idempotency-Key '{key}' was started but its outcome was not "
                       "recorded; nothing more was written. Check whether it landed, then use a new key.")
    return Answer(found.status_code, found.response or {}, replayed=True)
