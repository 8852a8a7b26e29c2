"""A real HTTP server for the API tests: uvicorn in a thread on a free loopback port, over the test's
database (SQLite or PostgreSQL), with the station tests' small plant and tokens made through the service."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from app.api import create_app
from app.services.api_tokens import SCOPES, create_token
from app.services.audit import ACTOR_KEY
from app.services.permissions import SYSTEM, Actor
from tests.station.conftest import build_plant


class LiveServer:
    """uvicorn serving `create_app(factory)` on 127.0.0.1:<free port> until `stop`."""

    def __init__(self, factory: sessionmaker[Session], **tls: str) -> None:
        """`tls`: uvicorn's ssl_certfile and ssl_keyfile, to serve HTTPS as `threadline serve` does."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))  # the kernel picks a free port; no race with another process
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(create_app(factory), log_level="warning", lifespan="off", access_log=False,
                                **tls)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        ready = threading.Event()
        for _ in range(500):  # up to 5 s, woken as soon as the server says it started
            if self.server.started:
                break
            ready.wait(0.01)
        assert self.server.started, "the API server did not start"
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@dataclass
class Api:
    url: str
    factory: sessionmaker[Session]
    actors: dict[str, Actor]
    tokens: dict[str, str]  # name → secret

    def client(self, token: str | None = "erp", **kwargs) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)


@pytest.fixture
def api(factory: sessionmaker[Session]) -> Iterator[Api]:
    with factory() as session, session.begin():
        session.info[ACTOR_KEY] = SYSTEM
        actors = build_plant(session)
    admin = actors["adm"]
    tokens = {
        "erp": create_token(factory, admin, "erp", sorted(SCOPES)).secret,
        "reader": create_token(factory, admin, "reader", ["read:trace"]).secret,
    }
    server = LiveServer(factory).start()
    try:
        yield Api(server.url, factory, actors, tokens)
    finally:
        server.stop()
