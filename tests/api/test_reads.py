"""Reads over real HTTP: a large forward trace walked page by page, recall lists, items, inspections and
certificate status, each behind its scope."""

from __future__ import annotations

import zxingcpp
from PIL import Image

from app.models.certificates import CertificateSubject
from app.reports.page import Company
from app.services.certificates.issuing import Subject, issue_certificate
from app.services.certificates.signing import create_trial_key
from app.services.station import Receipt, receive, release
from app.services.trace import trace
from app.trace import Direction
from tests.certificates.conftest import render_pages
from tests.station.conftest import BODY


def test_every_page_of_a_large_forward_trace_is_walked_without_gaps_or_repeats(api):
    # 1,200 serials received from one delivery: a forward trace of 1,201 nodes.
    delivery = Receipt(part_number=BODY, supplier="ACME", supplier_lot="BIG-1", quantity=1200, serials=1200)
    lot = receive(api.factory, api.actors["op"], delivery).lot.code
    traced = trace(api.factory, lot, Direction.FORWARD, process_context=False)
    expected = {str(n.id) for n in traced.nodes.values()}
    assert len(expected) == 1201
    seen: list[str] = []
    pages, cursor = 0, None
    with api.client("reader") as http:
        while True:
            params = {"limit": 97} | ({"cursor": cursor} if cursor else {})
            page = http.get(f"/api/v1/trace/forward/{lot}", params=params)
            assert page.status_code == 200, page.text
            body = page.json()
            assert body["total"] == 1201 and len(body["nodes"]) <= 97
            seen += [n["id"] for n in body["nodes"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        bad = http.get(f"/api/v1/trace/forward/{lot}", params={"cursor": "garbage!"})
        too_big = http.get(f"/api/v1/trace/forward/{lot}", params={"limit": 5000})
    assert pages == 13
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert bad.status_code == 422 and "cursor" in bad.json()["detail"]
    assert too_big.status_code == 422 and "limit" in too_big.json()["detail"]


def test_items_recall_and_inspections_read_back(api):
    received = receive(api.factory, api.actors["op"], Receipt(part_number=BODY, supplier="ACME",
                                                              supplier_lot="RC-1", quantity=3, serials=3,
                                                              heat_number="H-RECALL"))
    release(api.factory, api.actors["insp"], received.lot.code)
    with api.client("reader") as http:
        item = http.get(f"/api/v1/items/{received.serials[0]}")
        heat = http.get("/api/v1/items/H-RECALL")
        recall = http.get("/api/v1/recall", params={"identifier": received.lot.code})
        inspections = http.get(f"/api/v1/items/{received.serials[0]}/inspections")
        reverse = http.get(f"/api/v1/trace/reverse/{received.serials[1]}")
        unknown = http.get("/api/v1/items/NOTHING-HERE")
        certificate = http.get("/api/v1/certificates/C-26-00001")
    assert item.status_code == 200
    assert item.json()["history"]["item"]["code"] == received.serials[0]
    assert item.json()["history"]["origin"]["heat_number"] == "H-RECALL"
    assert heat.json()["total"] == 4  # the lot and its three serials share the heat
    assert recall.status_code == 200
    assert sorted(line["identifier"] for line in recall.json()["lines"]) == sorted(
        [received.lot.code, *received.serials])
    assert inspections.status_code == 200 and inspections.json() == {
        "item": received.serials[0], "records": [], "inspections": []}
    assert [n["identifier"] for n in reverse.json()["nodes"]] == [received.serials[1], received.lot.code]
    assert unknown.status_code == 404 and "Nothing is known as 'NOTHING-HERE'" in unknown.json()["detail"]
    assert certificate.status_code == 403 and "read:certificates" in certificate.json()["detail"]
    with api.client() as http:
        missing = http.get("/api/v1/certificates/C-26-00001")
        empty = http.post("/api/v1/certificates/verify", content=b"",
                          headers={"Content-Type": "application/pdf"})
        junk = http.post("/api/v1/certificates/verify", content=b"%PDF-1.7 not really",
                         headers={"Content-Type": "application/pdf"})
    assert missing.status_code == 404 and "No certificate C-26-00001 was issued" in missing.json()["detail"]
    assert empty.status_code == 422 and "PDF" in empty.json()["detail"]
    assert junk.status_code == 200 and junk.json()["valid"] is False



def test_the_certificate_qr_link_opens_the_record_and_checks_the_printed_hash(api, tmp_path):
    received = receive(api.factory, api.actors["op"], Receipt(part_number=BODY, supplier="ACME",
                                                              supplier_lot="QR-1", quantity=1, serials=1))
    release(api.factory, api.actors["insp"], received.lot.code)
    key = create_trial_key(tmp_path / "organisation.p12", "Acme Valves GmbH", "trial-passphrase-1")
    issued = issue_certificate(api.factory, api.actors["sup"],
                               Subject(CertificateSubject.SERIAL, received.serials[0]), tmp_path / "cert.pdf",
                               signing_key=key, company=Company("Acme Valves GmbH"),
                               verify_url=f"{api.url}/m/verify")
    # The QR code read back from the printed page, as a customer's phone would.
    [code] = zxingcpp.read_barcodes(Image.open(render_pages(issued.path, tmp_path, dpi=150)[0]))
    assert code.text == f"{api.url}/m/verify?id={issued.id}&sha256={issued.content_sha256}"
    forged_link = code.text.replace(issued.content_sha256, "0" * 64)
    with api.client(None) as http:
        unauthorised = http.get(code.text)
        genuine = http.get(f"{code.text}&token={api.tokens['erp']}")
        forged = http.get(f"{forged_link}&token={api.tokens['erp']}")
    assert "token" in unauthorised.text.lower() and issued.number not in unauthorised.text
    assert genuine.status_code == 200 and issued.number in genuine.text and received.serials[0] in genuine.text
    assert "Matches" in genuine.text and "Does not match" not in genuine.text
    assert forged.status_code == 200 and "Does not match" in forged.text
