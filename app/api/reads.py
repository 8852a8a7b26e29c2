"""Reads for integrations: items, forward/reverse trace (paginated), recall lists, inspection results,
certificate status and verification."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from app.api import paging
from app.api.deps import require_scope
from app.services.api_tokens import TokenActor
from app.services.audit import jsonable
from app.services.certificate_status import certificate_status
from app.services.certificates import verify_certificate
from app.services.errors import Conflict, NotFound, ValidationError
from app.services.inspection.history import records_for_item
from app.services.lookup import lookup
from app.services.lookup_views import LookupResult, to_json
from app.services.recall import recall_from_items
from app.services.trace import trace
from app.trace import Direction

router = APIRouter(prefix="/api/v1", tags=["reads"])
_ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "no valid token"},
                                            403: {"description": "token lacks the scope"},
                                            404: {"description": "nothing known by that identifier"}}
Identifier = Annotated[str, Query(min_length=1, max_length=200)]


def one_item(request: Request, identifier: str) -> LookupResult:
    """The single item an identifier names, or a sentence saying why there is not exactly one."""
    result = lookup(request.app.state.factory, identifier)
    if not result.found:
        raise NotFound(f"{result.heading}. {result.hint}".strip())
    if result.history is None:
        raise Conflict(f"{result.heading}: ask for one of them by its serial or lot number, or use the trace "
                       "endpoints for all of them.")
    return result


@router.get("/items/{identifier}", responses=_ERRORS)
def get_item(identifier: str, request: Request,
             _token: TokenActor = Depends(require_scope("read:trace"))) -> dict[str, Any]:
    """What an identifier names: the item's history, or the list of items it matches (an order, a heat…)."""
    result = lookup(request.app.state.factory, identifier)
    if not result.found:
        raise NotFound(f"{result.heading}. {result.hint}".strip())
    return to_json(result)


@router.get("/items/{identifier}/inspections", responses=_ERRORS)
def get_inspections(identifier: str, request: Request,
                    _token: TokenActor = Depends(require_scope("read:trace"))) -> dict[str, Any]:
    history = one_item(request, identifier).history
    assert history is not None
    records = records_for_item(request.app.state.factory, history.item.id)
    return {"item": history.item.code, "records": to_json(records),
            "inspections": to_json(history.inspections)}


@router.get("/trace/{direction}/{identifier}", responses=_ERRORS)
def get_trace(direction: Direction, identifier: str, request: Request,
              limit: Annotated[int, Query(ge=1, le=paging.MAX_LIMIT)] = 200,
              cursor: Annotated[str | None, Query(max_length=400)] = None,
              _token: TokenActor = Depends(require_scope("read:trace"))) -> dict[str, Any]:
    """One page of the nodes reached from `identifier` (forward: descendants and their shipments; reverse:
    ancestors), each with the links leaving it in the trace direction. Follow `next_cursor` to the end."""
    result = trace(request.app.state.factory, identifier, direction, process_context=False)
    nodes, next_cursor = paging.page(list(result.nodes.values()), limit, cursor)
    name = {n.id: n.identifier for n in result.nodes.values()}
    on_page = {n.id for n in nodes}
    along = (lambda e: e.parent) if direction is Direction.FORWARD else (lambda e: e.child)
    edges = [{"from": name[e.parent], "to": name[e.child], "from_id": str(e.parent), "to_id": str(e.child),
              "quantity": e.quantity} for e in result.graph.edges if along(e) in on_page]
    return {
        "root": result.query, "match": result.match, "direction": direction.value,
        "roots": [name[r] for r in result.graph.roots], "total": len(result.nodes),
        "nodes": [{**to_json(n), "id": str(n.id), "kind": n.kind,
                   "shipments": to_json(result.shipments.get(n.id, [])),
                   "nonconformances": to_json(result.nonconformances.get(n.id, []))} for n in nodes],
        "edges": edges, "next_cursor": next_cursor,
    }


@router.get("/recall", responses=_ERRORS)
def get_recall(request: Request, identifier: Annotated[list[str], Query(min_length=1, max_length=100)],
               _token: TokenActor = Depends(require_scope("read:trace"))) -> dict[str, Any]:
    """Everything made from the suspect items, where it is, and which customers received it."""
    return recall_from_items(request.app.state.factory, identifier).as_json()


@router.get("/certificates/{number}", responses=_ERRORS)
def get_certificate(number: str, request: Request,
                    _token: TokenActor = Depends(require_scope("read:certificates"))) -> dict[str, Any]:
    status = certificate_status(request.app.state.factory, number)
    return {**{k: jsonable(v) for k, v in asdict(status).items()}, "items": list(status.items),
            "status": status.status}


_PDF_BODY = {"requestBody": {"required": True, "content": {"application/pdf": {"schema": {
    "type": "string", "format": "binary"}}}}}


@router.post("/certificates/verify", responses=_ERRORS, openapi_extra=_PDF_BODY)
async def verify(request: Request,
                 _token: TokenActor = Depends(require_scope("read:certificates"))) -> dict[str, Any]:
    """Check a certificate PDF (the request body): its signature, its record here, and that its content is
    what was issued."""
    pdf = await request.body()
    if not pdf:
        raise ValidationError("Send the certificate PDF as the request body (Content-Type: application/pdf).")
    return await run_in_threadpool(_verify_bytes, request.app.state.factory, pdf)


def _verify_bytes(factory: Any, pdf: bytes) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="threadline-verify-") as folder:
        path = Path(folder) / f"{uuid.uuid4().hex}.pdf"
        path.write_bytes(pdf)
        result = verify_certificate(path, factory).as_json()
    result.pop("file", None)
    return result
