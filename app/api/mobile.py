"""The phone trace page: server-rendered HTML a QR code on a label or certificate can open
(/m/item/{identifier}, /m/certificate/{number}, /m/verify?id=…&sha256=…). Read-only; a token given once (QR `?token=` or the form)
is kept in a cookie, and its scopes limit what is shown."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from app.api.deps import COOKIE, secret_from
from app.api.errors import status_for
from app.services.api_tokens import TokenActor, authenticate
from app.services.certificate_status import certificate_status, certificates_for_item
from app.services.errors import AuthenticationFailed, DomainError, PermissionDenied
from app.services.lookup import lookup
from app.services.trace import trace
from app.trace import Direction

router = APIRouter(prefix="/m", include_in_schema=False)
_env = Environment(loader=PackageLoader("app.api", "templates"), autoescape=select_autoescape(["html"]))
MAX_TREE_NODES = 400  # a phone page, not a report: beyond this the tree says how many more there are


def _render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status)


def _token(request: Request, scope: str) -> TokenActor:
    token = authenticate(request.app.state.factory, secret_from(request))
    if scope not in token.scopes:
        raise PermissionDenied(f"This token ({token.name}) may not show this page: it lacks {scope}. Ask an "
                               "administrator for a token with that scope.")
    return token


def _keep_token(response: Response, request: Request, secret: str) -> None:
    # Secure whenever the page came over HTTPS, so the browser never sends the token over plain HTTP: uvicorn
    # serving api.tls_cert itself says https, and so does a reverse proxy's `X-Forwarded-Proto: https` from an
    # address uvicorn trusts (FORWARDED_ALLOW_IPS, loopback by default).
    response.set_cookie(COOKIE, secret, httponly=True, samesite="strict", max_age=30 * 24 * 3600,
                        secure=request.url.scheme == "https")


def _remember(response: Response, request: Request) -> Response:
    given = request.query_params.get("token")
    if given:  # a QR link carried the token: keep it so the next scans need no token in the URL
        _keep_token(response, request, given)
    return response


def _refused(exc: DomainError, request: Request) -> HTMLResponse:
    page = _render("login.html", status=status_for(exc), message=str(exc), next=request.url.path,
                   ask_token=isinstance(exc, (AuthenticationFailed, PermissionDenied)))
    return page if isinstance(exc, AuthenticationFailed) else _remember(page, request)


@router.get("", response_class=HTMLResponse)
def home(request: Request, q: str | None = None) -> Response:
    try:
        _token(request, "read:trace")
    except DomainError as exc:
        return _refused(exc, request)
    if q and q.strip():
        return RedirectResponse(f"/m/item/{quote(q.strip(), safe='')}", status_code=303)
    return _remember(_render("search.html", query=""), request)


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=200)],
          next: Annotated[str, Form(max_length=400)] = "/m") -> Response:
    try:
        authenticate(request.app.state.factory, token)
    except DomainError as exc:
        return _refused(exc, request)
    target = next if next.startswith("/m") else "/m"  # never redirect off this site
    response = RedirectResponse(target, status_code=303)
    _keep_token(response, request, token.strip())
    return response


@router.get("/item/{identifier}", response_class=HTMLResponse)
def item_page(identifier: str, request: Request) -> Response:
    try:
        token = _token(request, "read:trace")
        factory = request.app.state.factory
        result = lookup(factory, identifier)
        if result.history is None:
            return _remember(_render("search.html", status=404 if not result.found else 200, query=identifier,
                                     heading=result.heading, items=result.items, hint=result.hint), request)
        history = result.history
        tree = trace(factory, history.item.code, Direction.REVERSE, process_context=False)
        roots = [n for n in tree.roots if n.id == history.item.id] or tree.roots
        certificates = certificates_for_item(factory, history.item.id) \
            if "read:certificates" in token.scopes else None
    except DomainError as exc:
        return _refused(exc, request)
    left = [MAX_TREE_NODES]

    def children(node_id: Any) -> list[Any]:
        found = tree.children(node_id)
        shown = found[:max(left[0], 0)]
        left[0] -= len(found)  # below zero: some were left out, and the page says so
        return shown

    page = _render("item.html", h=history, roots=roots, children=children, total=len(tree.nodes),
                   certificates=certificates, cut=lambda: left[0] < 0, limit=MAX_TREE_NODES)
    return _remember(page, request)


@router.get("/certificate/{number}", response_class=HTMLResponse)
def certificate_page(number: str, request: Request) -> Response:
    try:
        _token(request, "read:certificates")
        status = certificate_status(request.app.state.factory, number)
    except DomainError as exc:
        return _refused(exc, request)
    return _remember(_render("certificate.html", c=status, hash_matches=None), request)


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, id: str, sha256: str = "") -> Response:  # noqa: A002 - the QR's own name
    """Where a certificate's QR code leads when `certificates.verify_url` is this page: the issued record, and
    whether the hash printed on the paper is the hash of what was issued."""
    try:
        _token(request, "read:certificates")
        status = certificate_status(request.app.state.factory, id)
    except DomainError as exc:
        return _refused(exc, request)
    matches = sha256.strip().lower() == status.content_sha256.lower() if sha256.strip() else None
    return _remember(_render("certificate.html", c=status, hash_matches=matches), request)
