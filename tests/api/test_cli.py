"""`threadline token create|list|revoke` and `threadline serve` as an administrator runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import httpx

from app.services.api_tokens import list_tokens
from tests.conftest import ADMIN_PASSWORD
from tests.test_cli import _SITE, threadline


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_tokens_from_the_terminal_and_a_served_request(db_url, admin, factory):
    # Each command is a real process (≈3 s of imports each): the few that show the commands end to end.
    created = threadline("token", "create", "wms", "--scope", "read:trace", "--scope", "write:shipments",
                         "--as", admin.username, db=db_url, stdin=f"{ADMIN_PASSWORD}\n")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("tl_") and len(secret) > 40

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "app", "--db", db_url, "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": _SITE})
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()  # printed once the database is open, before the server listens
        assert f"http://127.0.0.1:{port}/" in banner
        # The transport retries refused connections (with back-off) until uvicorn listens.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10,
                          transport=httpx.HTTPTransport(retries=8)) as http:
            assert "/api/v1/receipts" in http.get("/openapi.json").json()["paths"]
            answer = http.get("/api/v1/items/NOTHING", headers={"Authorization": f"Bearer {secret}"})
            assert answer.status_code == 404 and "Nothing is known as 'NOTHING'" in answer.json()["detail"]
    finally:
        server.terminate()
        server.communicate(timeout=10)

    listed = threadline("token", "list", db=db_url)
    assert "wms" in listed.stdout and "read:trace write:shipments" in listed.stdout
    assert "last used" in listed.stdout  # the served request was counted, not only created
    revoked = threadline("token", "revoke", "wms", "--as", admin.username, db=db_url,
                         stdin=f"{ADMIN_PASSWORD}\n")
    assert revoked.returncode == 0 and "Revoked API token wms" in revoked.stdout
    assert [t.revoked_at is not None for t in list_tokens(factory)] == [True]
