"""Run a write once per `Idempotency-Key`: a retry with the same body gets the stored response, a reused key
with another body gets 409, and a write that fails (refused or not) leaves the key free, since the key is
recorded in the write's own transaction (see app.services.idempotency)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from app.services import idempotency
from app.services.api_tokens import TokenActor

HEADER = "Idempotency-Key"


def run_write(request: Request, token: TokenActor, payload: BaseModel | dict[str, Any],
              write: Callable[[sessionmaker[Session]], Any], *, status_code: int = 201) -> JSONResponse:
    """`write` gets the session factory to write through: the app's, or one joined to the key's
    transaction."""
    factory: sessionmaker[Session] = request.app.state.factory
    key = request.headers.get(HEADER)
    if key is None:
        return JSONResponse(jsonable_encoder(write(factory)), status_code=status_code)
    body = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    answer = idempotency.run_once(factory, token.token_id, key, f"{request.method} {request.url.path}",
                                  idempotency.body_hash(body), lambda joined: jsonable_encoder(write(joined)),
                                  status_code)
    headers = {"Idempotent-Replay": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)
