"""`threadline label` through the real entry point, on a demo plant built by `threadline demo`: the PDF it
writes scans back to the demo's serials and lots; a bad request is a sentence, exit status 1, and no file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.db import make_engine, make_session_factory
from app.models import IdentifierKind, Item, ItemIdentifier
from tests.labels.scanning import decode_pages, page_texts
from tests.labels.test_labels import scanned
from tests.test_cli import threadline


@pytest.fixture
def demo(db_url):
    built = threadline("demo", "--units", "20", "--seed", "5", "--json", db=db_url)
    assert built.returncode == 0, built.stderr
    return json.loads(built.stdout)["examples"]


def test_labels_for_demo_serials_and_lots_scan_back_to_them(db_url, demo, out_dir):
    serials = [demo["finished_serial"], demo["component_serial"]]
    out = out_dir / "serials.pdf"
    made = threadline("label", "--serial", *serials, "-o", str(out), db=db_url)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"Wrote 2 labels (datamatrix, 100×50 mm): Serial {serials[0]}, Serial "
                                  f"{serials[1]} to {out}")
    lots = out_dir / "lots.pdf"
    made = threadline("label", "--lot", demo["raw_material_lot"], "--format", "gs1-128", "-o", str(lots),
                      db=db_url)
    assert made.returncode == 0, made.stderr

    engine = make_engine(db_url)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            ids = {code: session.scalars(select(Item.id).where(Item.code == code)).one()
                   for code in [*serials, demo["raw_material_lot"]]}
            nameplate = session.scalars(select(ItemIdentifier.value).where(
                ItemIdentifier.item_id == ids[serials[0]],
                ItemIdentifier.kind == IdentifierKind.BARCODE)).one()
        pages = decode_pages(out.read_bytes()) + decode_pages(lots.read_bytes())
        assert [[d.symbology for d in page] for page in pages] == [["]d2"], ["]d2"], ["]C1"]]
        for code, [decoded] in zip([*serials, demo["raw_material_lot"]], pages, strict=True):
            assert decoded.gs1
            assert scanned(factory, decoded) == {ids[code]}
        # The finished valve has a GTIN: its label carries what the demo's nameplate DataMatrix carries.
        assert pages[0][0].data == nameplate
    finally:
        engine.dispose()
    [lot_text] = page_texts(lots.read_bytes())
    assert f"Heat {demo['heat_number']}" in lot_text and f"Supplier lot {demo['supplier_lot']}" in lot_text


def test_an_unknown_serial_exits_1_with_a_sentence_and_writes_nothing(db_url, demo, out_dir):
    out = out_dir / "labels.pdf"
    refused = threadline("label", "--serial", demo["finished_serial"], "VA-9999999", "-o", str(out),
                         db=db_url)
    assert refused.returncode == 1
    assert refused.stderr.startswith("threadline: There is no serial VA-9999999, so no labels were made.")
    assert "Traceback" not in refused.stderr
    assert list(out_dir.iterdir()) == []


def test_serial_lot_and_work_order_are_alternatives():
    both = threadline("label", "--serial", "A", "--work-order", "WO-1", "-o", "x.pdf")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
