"""Idempotent writes: a client's `Idempotency-Key` is claimed before the write runs, and the response is kept,
so a retry gets the same answer and never a second receipt, order or shipment.

The claim is a row with a unique (token, key); a second request racing on the same key finds the claim and is
told to retry. The rows are the API's own bookkeeping, written with Core statements outside the audit trail;
the writes they guard are audited by their services.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.models.api import IdempotencyRecord
from app.models.base import uuid7
from app.services.errors import Conflict, ValidationError


@dataclass(frozen=True)
class Stored:
    status_code: int
    body: dict[str, Any]


def body_hash(body: Any) -> str:
    """The same JSON in another key order or spacing is the same request."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def claim(factory: sessionmaker[Session], token_id: uuid.UUID, key: str, endpoint: str,
          digest: str) -> Stored | uuid.UUID:
    """The stored response of a finished request under `key`, or the id of a new claim to complete."""
    key = key.strip()
    if not key or len(key) > 200:
        raise ValidationError("The Idempotency-Key header must have 1 to 200 characters, e.g. a UUID.")
    with factory() as session:
        found = _find(session, token_id, key)
        if found is None:
            claim_id = uuid7()
            try:
                session.execute(insert(IdempotencyRecord).values(
                    id=claim_id, token_id=token_id, key=key, endpoint=endpoint, request_sha256=digest))
                session.commit()
                return claim_id
            except IntegrityError:
                session.rollback()
                found = _find(session, token_id, key)
                if found is None:
                    raise
        if found.request_sha256 != digest or found.endpoint != endpoint:
            raise Conflict(f"The Idempotency-Key '{key}' was already used for a different request "
                           f"({found.endpoint}); nothing was written. Use a new key for a new request.")
        if found.status_code is None:
            raise Conflict(f"A request with the Idempotency-Key '{key}' is still being processed; nothing "
                           "more was written. Retry in a moment to get its result.")
        return Stored(found.status_code, found.response or {})


def complete(factory: sessionmaker[Session], claim_id: uuid.UUID, status_code: int,
             body: dict[str, Any]) -> None:
    with factory() as session, session.begin():
        session.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == claim_id)
                        .values(status_code=status_code, response=body))


def release(factory: sessionmaker[Session], claim_id: uuid.UUID) -> None:
    """The write was refused and nothing was written: the key is free for a corrected request."""
    with factory() as session, session.begin():
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == claim_id))


def _find(session: Session, token_id: uuid.UUID, key: str) -> IdempotencyRecord | None:
    return session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.token_id == token_id,
                                                         IdempotencyRecord.key == key))
