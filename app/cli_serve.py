"""`threadline serve`: the integration API and the phone trace page over HTTP, on the same database as the
desktop application. Loopback unless configured (api.host); TLS by api.tls_cert/api.tls_key or a proxy."""

from __future__ import annotations

import argparse
from typing import TextIO

from app.cli_common import open_database
from app.config import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the HTTP API and the phone trace page")
    serve.add_argument("--host", help="address to listen on (default: the api.host setting, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default: the api.port setting, 8765)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    import uvicorn  # only the server command needs it

    from app.api import create_app

    settings = Settings()
    host = args.host or settings.get("api.host")
    port = args.port or settings.get("api.port")
    cert, key = settings.get("api.tls_cert"), settings.get("api.tls_key")
    factory = open_database(args)
    scheme = "https" if cert else "http"
    print(f"Threadline API on {scheme}://{host}:{port}/ (OpenAPI: /openapi.json, phone page: /m). "
          "Ctrl+C stops it.", file=out, flush=True)
    uvicorn.run(create_app(factory), host=host, port=port, log_level="warning",
                ssl_certfile=cert or None, ssl_keyfile=key or None)
    return 0
