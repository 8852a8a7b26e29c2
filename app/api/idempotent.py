"""Run a write once per `Idempotency-Key`: a retry with the same body gets the stored response, a reused key
with another body gets 409, and a refused write frees the key (nothing was written)."""

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
from app.services.errors import DomainError

HEADER = "Idempotency-Key"


def run_write(request: Request, token: TokenActor, payload: BaseModel | dict[str, Any],
              write: Callable[[], dict[str, Any]], *, status_code: int = 201) -> JSONResponse:
    factory: sessionmaker[Session] = request.app.state.factory
    key = request.headers.get(HEADER)
    if key is None:
        return JSONResponse(jsonable_encoder(write()), status_code=status_code)
    body = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    endpoint = f"{request.method} {request.url.path}"
    claimed = idempotency.claim(factory, token.token_id, key, endpoint, idempotency.body_hash(body))
    if isinstance(claimed, idempotency.Stored):
        return JSONResponse(claimed.body, status_code=claimed.status_code,
                            headers={"Idempotent-Replay": "true"})
    # Only a refusal by a service frees the key: after any other failure it is unknown whether the write
    # landed, so the key stays claimed and a retry is told so rather than risking a duplicate.
    try:
        result = jsonable_encoder(write())
    except DomainError:
        idempotency.release(factory, claimed)
        raise
    idempotency.complete(factory, claimed, status_code, result)
    return JSONResponse(result, status_code=status_code)
