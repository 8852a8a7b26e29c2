"""What every endpoint needs: the session factory and the calling token, checked against a scope."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.services.api_tokens import SCOPES, TokenActor, authenticate
from app.services.errors import PermissionDenied, ValidationError
from app.services.integration_schemas import CONTROL

COOKIE = "threadline_token"


def plain_text(request: Request) -> None:
    """Refuse control characters in the path and query: PostgreSQL cannot even compare text holding NUL, and
    no identifier has one."""
    for name, value in (("path", request.url.path), *request.query_params.multi_items()):
        if CONTROL.search(value):
            raise ValidationError(f"The {name} contains a control character (such as NUL); nothing was "
                                  "read or written. Send the identifier as plain text.")


def factory(request: Request) -> sessionmaker[Session]:
    return request.app.state.factory


def secret_from(request: Request) -> str:
    """The bearer header for integrations; for the phone page a `token` query parameter (from a QR link)
    or the cookie set after it was entered once."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("token") or request.cookies.get(COOKIE) or ""


def caller(request: Request) -> TokenActor:
    return authenticate(factory(request), secret_from(request))


def require_scope(scope: str) -> Callable[..., TokenActor]:
    assert scope in SCOPES, scope

    def check(token: TokenActor = Depends(caller)) -> TokenActor:
        if scope not in token.scopes:
            raise PermissionDenied(f"The API token {token.name} does not have the scope {scope} "
                                   f"({SCOPES[scope]}). Ask an administrator for a token with that scope.")
        return token

    return check
