"""Writes over real HTTP: idempotent retries, scopes, bad payloads naming the field with nothing written,
and the audit trail naming the token."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from app.models import AuditEvent, Item, Supplier, WorkOrder
from app.services.audit_verify import verify_chain
from app.services.station import release
from tests.station.conftest import BAR, BODY, snapshot

RECEIPT = {"part_number": BAR, "supplier": "ACME", "supplier_lot": "S-7781", "quantity": 12.5,
           "heat_number": "H-90210", "material_cert_ref": "3.1/ACME/7781"}


def _lots(api, supplier_lot: str) -> list[Item]:
    with api.factory() as session:
        return list(session.scalars(select(Item).where(Item.supplier_lot == supplier_lot)))


def test_a_retried_receipt_is_written_once_and_answered_the_same(api):
    key = str(uuid.uuid4())
    with api.client() as http:
        first = http.post("/api/v1/receipts", json=RECEIPT, headers={"Idempotency-Key": key})
        again = http.post("/api/v1/receipts", json=dict(reversed(list(RECEIPT.items()))),
                          headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replay"] == "true"
    lots = _lots(api, "S-7781")
    assert [lot.code for lot in lots] == [first.json()["lot"]["code"]]
    lot = lots[0]
    assert (lot.status.value, lot.quantity, lot.heat_number, lot.material_cert_ref) == \
        ("quarantined", 12.5, "H-90210", "3.1/ACME/7781")
    assert "in quarantine" in first.json()["message"]


def test_a_key_reused_for_another_body_is_refused_and_writes_nothing(api):
    key = str(uuid.uuid4())
    with api.client() as http:
        first = http.post("/api/v1/receipts", json=RECEIPT, headers={"Idempotency-Key": key})
        assert first.status_code == 201
        before = snapshot(api.factory)
        other = http.post("/api/v1/receipts", json={**RECEIPT, "quantity": 99},
                          headers={"Idempotency-Key": key})
    assert other.status_code == 409
    assert "already used for a different request" in other.json()["detail"]
    assert snapshot(api.factory) == before


def test_a_refused_write_frees_its_key_for_the_corrected_request(api):
    key = str(uuid.uuid4())
    with api.client() as http:
        refused = http.post("/api/v1/receipts", json={**RECEIPT, "supplier": "NOPE"},
                            headers={"Idempotency-Key": key})
        assert refused.status_code == 404 and "no supplier with the code 'NOPE'" in refused.json()["detail"]
        assert _lots(api, "S-7781") == []
        fixed = http.post("/api/v1/receipts", json={**RECEIPT, "supplier": "NOPE"} | {"supplier": "ACME"},
                          headers={"Idempotency-Key": key})
    assert fixed.status_code == 201
    assert len(_lots(api, "S-7781")) == 1


def test_scopes_and_tokens_are_enforced_with_a_sentence(api):
    before = snapshot(api.factory)
    with api.client("reader") as http:
        denied = http.post("/api/v1/receipts", json=RECEIPT)
    assert denied.status_code == 403
    assert "does not have the scope write:receipts" in denied.json()["detail"]
    with api.client(None) as http:
        anonymous = http.post("/api/v1/receipts", json=RECEIPT)
        wrong = http.get("/api/v1/items/X", headers={"Authorization": "Bearer tl_not-a-token"})
    assert anonymous.status_code == 401 and wrong.status_code == 401
    assert "Authorization: Bearer" in anonymous.json()["detail"]
    assert snapshot(api.factory) == before


def test_a_revoked_token_is_refused_at_once(api):
    from app.services.api_tokens import revoke_token

    with api.client("reader") as http:
        assert http.get("/api/v1/items/ACME").status_code in (200, 404)
        revoke_token(api.factory, api.actors["adm"], "reader")
        assert http.get("/api/v1/items/ACME").status_code == 401


def test_bad_payloads_name_the_field_and_write_nothing(api):
    before = snapshot(api.factory)
    with api.client() as http:
        missing = http.post("/api/v1/receipts", json={k: v for k, v in RECEIPT.items() if k != "quantity"})
        negative = http.post("/api/v1/receipts", json={**RECEIPT, "quantity": -3})
        typo = http.post("/api/v1/receipts", json={**RECEIPT, "heat_no": "H-1"})
        batch = http.post("/api/v1/receipts/batch",
                          json={"receipts": [RECEIPT, {**RECEIPT, "supplier_lot": ""}]})
        not_json = http.post("/api/v1/receipts", content=b"{nope",
                             headers={"Content-Type": "application/json"})
        unknown_part = http.post("/api/v1/receipts", json={**RECEIPT, "part_number": "NO-SUCH"})
    for response, field in ((missing, "quantity"), (negative, "quantity"), (typo, "heat_no"),
                            (batch, "receipts[1].supplier_lot")):
        assert response.status_code == 422, response.text
        assert field in response.json()["detail"], response.json()
        assert "nothing was written" in response.json()["detail"]
    assert not_json.status_code == 422
    assert unknown_part.status_code == 404
    assert "There is no part number NO-SUCH" in unknown_part.json()["detail"]
    assert snapshot(api.factory) == before


def test_writes_are_audited_under_the_token_identity(api):
    with api.client() as http:
        lot = http.post("/api/v1/receipts", json=RECEIPT).json()["lot"]
        supplier = http.post("/api/v1/suppliers",
                             json={"code": "BOSS", "name": "Boss Forgings", "country": "it"})
    assert supplier.status_code == 201 and supplier.json()["created"] is True
    with api.factory() as session:
        users = set(session.scalars(select(AuditEvent.username).where(
            AuditEvent.table_name.in_(("items", "suppliers")),
            AuditEvent.row_id.in_((str(uuid.UUID(lot["id"])), supplier.json()["id"])))))
    assert users == {"api:erp"}


def test_suppliers_orders_and_a_shipment_flow_through_the_api(api):
    with api.client() as http:
        updated = http.put("/api/v1/suppliers/ACME", json={"name": "Acme Steel AG", "country": "CH"})
        order = http.post("/api/v1/customer-orders", json={"number": "SO-77", "customer": "NEWCO",
                                                          "customer_name": "New Valve Co"})
        twice = http.post("/api/v1/customer-orders", json={"number": "SO-77", "customer": "NEWCO"})
        work = http.post("/api/v1/work-orders", json={"number": "WO-77", "part_number": BODY, "quantity": 3,
                                                     "customer_order": "SO-77", "due_on": "2027-01-15"})
        received = http.post("/api/v1/receipts", json={"part_number": BODY, "supplier": "ACME",
                                                       "supplier_lot": "BX-1", "quantity": 2,
                                                       "serials": ["SB-001", "SB-002"]})
        assert received.status_code == 201, received.text
        held = http.post("/api/v1/shipments", json={"customer_order": "SO-77", "items": ["SB-001"]})
        release(api.factory, api.actors["insp"], received.json()["lot"]["code"])
        packing = {"customer_order": "SO-77", "items": ["SB-001", "SB-002"], "sscc": "340123450000000017"}
        shipped = http.post("/api/v1/shipments", json=packing, headers={"Idempotency-Key": "ship-1"})
        replay = http.post("/api/v1/shipments", json=packing, headers={"Idempotency-Key": "ship-1"})
        forward = http.get(f"/api/v1/trace/forward/{received.json()['lot']['code']}").json()
    assert updated.status_code == 200 and updated.json()["created"] is False
    assert order.status_code == 201 and order.json()["customer"] == "New Valve Co"
    assert twice.status_code == 409 and "SO-77 already exists" in twice.json()["detail"]
    assert work.status_code == 201
    assert (work.json()["status"], work.json()["customer_order"]) == ("released", "SO-77")
    assert held.status_code == 400 and "quarantine" in held.json()["detail"].lower()
    assert shipped.status_code == 201, shipped.text
    assert replay.json() == shipped.json()
    assert {n["identifier"]: n["status"] for n in forward["nodes"] if n["kind"] == "serial"} == \
        {"SB-001": "shipped", "SB-002": "shipped"}
    assert {s["number"] for n in forward["nodes"] for s in n["shipments"]} == {shipped.json()["number"]}
    with api.factory() as session:
        assert session.scalar(select(Supplier.name).where(Supplier.code == "ACME")) == "Acme Steel AG"
        orders = select(func.count()).select_from(WorkOrder).where(WorkOrder.number == "WO-77")
        assert session.scalar(orders) == 1


def test_a_batch_of_receipts_lands_whole_or_not_at_all(api):
    good = [{**RECEIPT, "supplier_lot": f"B-{n}"} for n in range(5)]
    bad = [*good[:2], {**RECEIPT, "supplier_lot": "B-X", "supplier": "NOPE"}, *good[2:],
           {**RECEIPT, "supplier_lot": "B-Y", "part_number": "NO-SUCH"}]
    before = snapshot(api.factory)
    with api.client() as http:
        refused = http.post("/api/v1/receipts/batch", json={"receipts": bad},
                            headers={"Idempotency-Key": "b-1"})
        assert refused.status_code == 422, refused.text
        assert snapshot(api.factory) == before  # the two receipts before the refused one were rolled back too
        key = {"Idempotency-Key": "b-2"}
        accepted = http.post("/api/v1/receipts/batch", json={"receipts": good}, headers=key)
        replay = http.post("/api/v1/receipts/batch", json={"receipts": good}, headers=key)
    body = refused.json()
    assert "2 of 7 receipts were refused, so none was written" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["receipts[2]", "receipts[6]"]
    assert "no supplier with the code 'NOPE'" in body["errors"][0]["message"]
    assert accepted.status_code == 201 and accepted.json()["received"] == 5
    assert replay.json() == accepted.json()
    codes = [r["lot"]["code"] for r in accepted.json()["results"]]
    assert len(set(codes)) == 5
    assert sorted(lot.code for n in range(5) for lot in _lots(api, f"B-{n}")) == sorted(codes)
    with api.factory() as session:
        users = set(session.scalars(select(AuditEvent.username).where(AuditEvent.table_name == "items")))
    assert users == {"api:erp"}
    assert verify_chain(api.factory).intact  # the rolled-back savepoints left no hole in the hash chain
