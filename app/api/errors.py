"""Domain errors become HTTP answers carrying the service's sentence; the status says what kind of refusal."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.services.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationError,
)

log = logging.getLogger(__name__)

_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (AuthenticationFailed, 401), (PermissionDenied, 403), (NotFound, 404), (Conflict, 409),
    (ValidationError, 422),
)


def status_for(exc: DomainError) -> int:
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    return 400  # any other refusal by a service rule (item on hold, wrong status…)


def domain_response(exc: DomainError) -> JSONResponse:
    status = status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body: dict[str, object] = {"detail": str(exc), "error": type(exc).__name__}
    rows = getattr(exc, "rows", None)  # a refused batch: every refused row, by its place in the request
    if rows:
        body["errors"] = [{"field": f"receipts[{r.row}]", "message": r.message} for r in rows]
    return JSONResponse(body, status_code=status, headers=headers)


def _field(loc: tuple) -> str:
    # ("body", "lots", 0, "quantity") → "lots[0].quantity": the name an integrator finds in their payload.
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        return domain_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": _field(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        sentence = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return JSONResponse({"detail": f"The request was not accepted, nothing was written. {sentence}.",
                             "errors": problems}, status_code=422)
