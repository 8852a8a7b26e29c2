"""The Idempotency-Key and the write it guards are one transaction: two requests racing on one key write once
and get the same answer, and a write that fails at any point leaves no key behind, so its retry writes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select

from app.models import Item
from app.models.api import IdempotencyRecord
from tests.api.test_writes import RECEIPT, _lots
from tests.station.conftest import snapshot


@contextmanager
def on_statement(api, hook) -> Iterator[None]:
    """Call `hook(statement)` before every SQL statement the server's engine runs, on the running thread."""
    engine = api.factory.kw["bind"]

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        hook(statement.lstrip())

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _keys(api) -> int:
    with api.factory() as session:
        return session.scalar(select(func.count()).select_from(IdempotencyRecord))


def test_two_requests_racing_on_one_key_write_once_and_get_the_same_answer(api):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first_writing, second_at_key = threading.Event(), threading.Event()
    stalled: list[str] = []

    def hold_the_first_until_the_second_reaches_the_key(statement: str) -> None:
        if statement.startswith("INSERT INTO items") and not first_writing.is_set():
            first_writing.set()  # the first request's lot is written, its transaction still open
            if not second_at_key.wait(10):
                stalled.append("the second request never reached the key")
        elif first_writing.is_set() and statement.startswith(("BEGIN IMMEDIATE",
                                                               "INSERT INTO api_idempotency")):
            # The second request got past the read of stored answers and now claims the key itself: SQLite
            # waits for the write lock, PostgreSQL for the first transaction holding the same unique key.
            second_at_key.set()

    def post() -> httpx.Response:
        with api.client() as http:
            return http.post("/api/v1/receipts", json=RECEIPT, headers=key)

    with api.client() as http:  # the token is touched now, so neither request below writes outside its key
        assert http.get("/api/v1/items/NO-SUCH").status_code == 404
    with on_statement(api, hold_the_first_until_the_second_reaches_the_key), ThreadPoolExecutor(2) as pool:
        first = pool.submit(post)
        assert first_writing.wait(20), "the first request did not start writing"
        second = pool.submit(post).result(timeout=30)
        first_answer = first.result(timeout=30)
    assert stalled == []
    assert first_answer.status_code == second.status_code == 201, (first_answer.text, second.text)
    assert second.json() == first_answer.json()
    assert "Idempotent-Replay" not in first_answer.headers and second.headers["Idempotent-Replay"] == "true"
    assert [lot.code for lot in _lots(api, RECEIPT["supplier_lot"])] == [first_answer.json()["lot"]["code"]]
    assert _keys(api) == 1


@pytest.mark.parametrize("failing", ["INSERT INTO audit_events", "UPDATE api_idempotency"],
                         ids=["inside the write", "between the write and the key's answer"])
def test_a_write_that_fails_leaves_no_key_and_its_retry_writes_once(api, failing):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    before = snapshot(api.factory)

    def crash(statement: str) -> None:
        if statement.startswith(failing):
            raise RuntimeError("the server died here")

    with api.client() as http:
        with on_statement(api, crash):
            try:
                status = http.post("/api/v1/receipts", json=RECEIPT, headers=key).status_code
            except httpx.TransportError:  # uvicorn may drop the connection of a request that raised
                status = 500
        assert status == 500
    assert snapshot(api.factory) == before and _keys(api) == 0  # neither the lot nor the key survived
    with api.client() as http:  # a new connection: the server closed the one whose request raised
        retried = http.post("/api/v1/receipts", json=RECEIPT, headers=key)
        replayed = http.post("/api/v1/receipts", json=RECEIPT, headers=key)
    assert retried.status_code == 201 and "Idempotent-Replay" not in retried.headers, retried.text
    assert replayed.json() == retried.json() and replayed.headers["Idempotent-Replay"] == "true"
    with api.factory() as session:
        lots = session.scalars(select(Item.code).where(Item.supplier_lot == RECEIPT["supplier_lot"])).all()
    assert lots == [retried.json()["lot"]["code"]]
    assert _keys(api) == 1
