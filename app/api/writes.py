"""Writes from the ERP and the WMS: suppliers, purchase receipts, work orders, customer orders, shipments.
Each goes through its service as the calling token's Actor, so the audit trail names the integration."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from app.api.deps import require_scope
from app.api.idempotent import run_write
from app.services import integration
from app.services.api_tokens import TokenActor
from app.services.integration_schemas import (
    CustomerOrderIn,
    ReceiptBatchIn,
    ReceiptIn,
    ShipmentIn,
    SupplierIn,
    SupplierUpdate,
    WorkOrderIn,
)
from app.services.lookup_views import to_json
from app.services.receipt_batch import receive_all
from app.services.station import Receipt, ShipRequest, receive, ship

router = APIRouter(prefix="/api/v1", tags=["writes"])
IdemKey = Header(default=None, alias="Idempotency-Key", max_length=200,
                 description="a client key (e.g. a UUID) that makes a retry return the first answer")
_ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"description": d} for s, d in ((401, "no valid token"), (403, "token lacks the scope"),
                                       (404, "an unknown part, supplier, order or item"),
                                       (409, "a conflict, or an Idempotency-Key reused for another request"),
                                       (422, "a field is missing or invalid; the message names it"))}


def _receipt(body: ReceiptIn) -> Receipt:
    serials: int | tuple[str, ...] = tuple(body.serials) if body.serials else 0
    if body.number_serials and not body.serials:
        serials = int(body.quantity) if body.quantity == int(body.quantity) else -1
    return Receipt(part_number=body.part_number, revision=body.revision, supplier=body.supplier,
                   supplier_lot=body.supplier_lot, quantity=body.quantity, heat_number=body.heat_number,
                   material_cert_ref=body.material_cert_ref, serials=serials, expires_on=body.expires_on,
                   delivery_note=body.delivery_note)


def _received(factory: sessionmaker[Session], token: TokenActor, body: ReceiptIn) -> dict[str, Any]:
    done = receive(factory, token.actor, _receipt(body))
    return {"lot": to_json(done.lot), "serials": list(done.serials), "step_id": str(done.step_id),
            "message": done.message}


@router.post("/suppliers", status_code=201, responses=_ERRORS)
def create_supplier(body: SupplierIn, request: Request, _key: str | None = IdemKey,
                    token: TokenActor = Depends(require_scope("write:suppliers"))) -> JSONResponse:
    """Create a supplier, or update it if the code exists (`created` says which)."""
    return run_write(request, token, body, lambda factory: asdict(integration.save_supplier(
        factory, token.actor, code=body.code, name=body.name, country=body.country)))


@router.put("/suppliers/{code}", status_code=200, responses=_ERRORS)
def update_supplier(code: str, body: SupplierUpdate, request: Request, _key: str | None = IdemKey,
                    token: TokenActor = Depends(require_scope("write:suppliers"))) -> JSONResponse:
    return run_write(request, token, {"code": code, **body.model_dump(mode="json")}, lambda factory: asdict(
        integration.save_supplier(factory, token.actor, code=code, name=body.name, country=body.country)),
        status_code=200)


@router.post("/receipts", status_code=201, responses=_ERRORS)
def create_receipt(body: ReceiptIn, request: Request, _key: str | None = IdemKey,
                   token: TokenActor = Depends(require_scope("write:receipts"))) -> JSONResponse:
    """A delivery becomes a lot in quarantine (GR-yy-nnnnn), with its serials for a serial-tracked part."""
    return run_write(request, token, body, lambda factory: _received(factory, token, body))


@router.post("/receipts/batch", status_code=201, responses=_ERRORS)
def create_receipts(body: ReceiptBatchIn, request: Request, _key: str | None = IdemKey,
                    token: TokenActor = Depends(require_scope("write:receipts"))) -> JSONResponse:
    """Many deliveries in one transaction: all are received, or none is. A refusal answers 422 with
    `errors`, one per refused receipt (`receipts[i]` and the sentence), and writes nothing."""

    def write(factory: sessionmaker[Session]) -> dict[str, Any]:
        done = receive_all(factory, token.actor, [_receipt(r) for r in body.receipts])
        return {"received": len(done), "results": [
            {"lot": to_json(d.lot), "serials": list(d.serials), "step_id": str(d.step_id),
             "message": d.message} for d in done]}

    return run_write(request, token, body, write)


@router.post("/work-orders", status_code=201, responses=_ERRORS)
def create_work_order(body: WorkOrderIn, request: Request, _key: str | None = IdemKey,
                      token: TokenActor = Depends(require_scope("write:orders"))) -> JSONResponse:
    return run_write(request, token, body, lambda factory: asdict(integration.create_work_order(
        factory, token.actor, number=body.number, part_number=body.part_number,
        revision=body.revision, quantity=body.quantity, due_on=body.due_on,
        customer_order=body.customer_order, released=body.released)))


@router.post("/customer-orders", status_code=201, responses=_ERRORS)
def create_customer_order(body: CustomerOrderIn, request: Request, _key: str | None = IdemKey,
                          token: TokenActor = Depends(require_scope("write:orders"))) -> JSONResponse:
    return run_write(request, token, body, lambda factory: asdict(integration.create_customer_order(
        factory, token.actor, number=body.number, customer=body.customer,
        customer_name=body.customer_name, ordered_at=body.ordered_at)))


@router.post("/shipments", status_code=201, responses=_ERRORS)
def create_shipment(body: ShipmentIn, request: Request, _key: str | None = IdemKey,
                    token: TokenActor = Depends(require_scope("write:shipments"))) -> JSONResponse:
    """Ship released items against a customer order; an item on hold or in quarantine refuses all of it."""

    def write(factory: sessionmaker[Session]) -> dict[str, Any]:
        done = ship(factory, token.actor,
                    ShipRequest(customer_order=body.customer_order, items=tuple(body.items), sscc=body.sscc))
        return {"id": str(done.id), "number": done.number, "customer": done.customer,
                "customer_order": done.customer_order, "sscc": done.sscc,
                "items": [to_json(i) for i in done.items], "message": done.message}

    return run_write(request, token, body, write)
