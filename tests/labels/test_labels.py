"""Labels for what goods in and serialize create, read back as a scanner would: the PDF rasterised at a
label printer's 203 dpi, each symbol decoded, the frame put through the station's scanner decoder and Lookup,
which must find exactly the labelled item. Real databases: SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.devices.scanner import ScanDecoder
from app.labels import LabelError, LabelRequest, LabelSheet, Symbology, make_labels, write_labels
from app.labels.gs1 import GS
from app.models import Item, ItemStatus, PartDefinition
from app.services.errors import NotFound
from app.services.lookup import lookup, match_items
from app.services.station import Receipt, SerializeRequest, receive, serialize
from tests.labels.scanning import Decoded, decode_pages, page_texts
from tests.station.conftest import BAR, BODY, SEAL, Plant

SEAL_GTIN = "00614141471102"
SYMBOLOGIES = {Symbology.DATAMATRIX: "]d2", Symbology.GS1_128: "]C1"}


def scanned(factory: sessionmaker[Session], decoded: Decoded) -> set[uuid.UUID]:
    """The items the bench finds for a scan: the scanner's frame through the station's decoder (which
    refuses malformed GS1), then Lookup's matching."""
    scan = ScanDecoder()(decoded.frame.encode())[0]
    with factory() as session:
        match = match_items(session, scan.symbology + scan.data)
        return set(session.scalars(match.item_ids)) if match else set()


def read_back(sheet: LabelSheet) -> list[Decoded]:
    """One symbol per page, decoded as GS1 with the right identifier, carrying the label's element string."""
    pages = decode_pages(sheet.pdf)
    assert len(pages) == len(sheet.labels)
    symbols = []
    for label, found in zip(sheet.labels, pages, strict=True):
        [decoded] = found
        assert decoded.symbology == SYMBOLOGIES[sheet.symbology], decoded
        assert decoded.gs1, "zxing did not see FNC1 in first position"
        assert decoded.data == label.element.data
        symbols.append(decoded)
    return symbols


@pytest.mark.parametrize("symbology", list(Symbology))
def test_a_received_bar_lot_is_labelled_with_part_lot_and_heat(plant: Plant, symbology):
    received = receive(plant.factory, plant.operator, Receipt(
        part_number=BAR, supplier="ACME", supplier_lot="S-77812", quantity=12.5, heat_number="H-24B4716",
        material_cert_ref="certs/3.1-4711.pdf"))
    lot = received.lot
    sheet = make_labels(plant.factory, [lot.id], symbology=symbology)
    [decoded] = read_back(sheet)
    # No GTIN on the bar: the part number in (240), then FNC1 (GS) before the variable-length (10).
    assert decoded.data == f"240{BAR}{GS}10{lot.code}"
    assert scanned(plant.factory, decoded) == {lot.id}
    [text] = page_texts(sheet.pdf)
    for shown in (BAR, "rev A", "Round bar 316L Ø40", f"Lot {lot.code}", "Qty 12.5 m", "Heat H-24B4716",
                  "Supplier lot S-77812", "Supplier ACME", f"(240){BAR}(10){lot.code}"):
        assert shown in text, f"{shown!r} not on the label:\n{text}"


@pytest.mark.parametrize("symbology", list(Symbology))
def test_new_serials_are_labelled_one_per_page_and_each_scan_finds_its_serial(plant: Plant, symbology):
    produced = serialize(plant.factory, plant.operator, SerializeRequest(count=3, work_order="WO-BODY"))
    sheet = make_labels(plant.factory, [view.id for view in produced.created], symbology=symbology)
    texts = page_texts(sheet.pdf)
    for view, decoded, text in zip(produced.created, read_back(sheet), texts, strict=True):
        assert decoded.data == f"240{BODY}{GS}21{view.code}"
        assert scanned(plant.factory, decoded) == {view.id}
        assert f"Serial {view.code}" in text and "Work order WO-BODY" in text and "Valve body" in text
    # The work order names the same serials, in serial order.
    by_order = make_labels(plant.factory, LabelRequest(work_order="WO-BODY"), symbology=symbology)
    assert [label.element for label in by_order.labels] == [label.element for label in sheet.labels]


def test_a_gtin_lot_with_a_shelf_life_carries_its_expiry_and_scans_without_an_identifier(plant: Plant):
    def give_seals_a_gtin(session: Session) -> None:
        part = session.scalars(select(PartDefinition).where(PartDefinition.part_number == SEAL)).one()
        part.gtin = SEAL_GTIN
    plant.edit(give_seals_a_gtin)
    lot = receive(plant.factory, plant.operator,
                  Receipt(part_number=SEAL, supplier="ACME", supplier_lot="SK-9", quantity=50)).lot
    expires = plant.item(lot.code).expires_on
    assert isinstance(expires, date)
    for symbology in Symbology:
        sheet = make_labels(plant.factory, [lot.code], symbology=symbology)
        [decoded] = read_back(sheet)
        # Fixed-length (01) and (17) first: the one variable-length field ends the data, no separator.
        assert decoded.data == f"01{SEAL_GTIN}17{expires:%y%m%d}10{lot.code}"
        assert scanned(plant.factory, decoded) == {lot.id}
        # The main window hands pages the scan without its identifier; a GTIN label still resolves.
        result = lookup(plant.factory, decoded.data)
        assert result.history is not None and result.history.item.id == lot.id
        [text] = page_texts(sheet.pdf)
        assert f"Use by {expires:%Y-%m-%d}" in text
        assert f"(01){SEAL_GTIN}(17){expires:%y%m%d}(10){lot.code}" in text


def test_serials_received_in_goods_in_are_labelled_by_number_and_part(plant: Plant):
    received = receive(plant.factory, plant.operator, Receipt(
        part_number=BODY, supplier="ACME", supplier_lot="SUP-51", quantity=2, serials=("CB-0001", "CB-0002")))
    sheet = make_labels(plant.factory, LabelRequest(serials=received.serials, part_number=BODY))
    for code, decoded, text in zip(received.serials, read_back(sheet), page_texts(sheet.pdf), strict=True):
        item = plant.item(code)
        assert scanned(plant.factory, decoded) == {item.id}
        assert f"Serial {code}" in text and "Supplier lot SUP-51" in text


def test_an_unknown_serial_is_a_sentence_and_leaves_no_file(plant: Plant, out_dir):
    [known] = plant.bodies(1)
    target = out_dir / "labels.pdf"
    with pytest.raises(NotFound) as caught:
        write_labels(plant.factory, LabelRequest(serials=(known, "BODY-1-999999")), target)
    assert str(caught.value).startswith("There is no serial BODY-1-999999, so no labels were made.")
    assert list(out_dir.iterdir()) == []
    # An older file of that name stays as it was.
    target.write_bytes(b"yesterday's labels")
    with pytest.raises(NotFound):
        write_labels(plant.factory, LabelRequest(lots=("GR-00-99999",)), target)
    assert target.read_bytes() == b"yesterday's labels" and list(out_dir.iterdir()) == [target]


def test_a_serial_a_gs1_code_cannot_carry_is_refused_by_name(plant: Plant, out_dir):
    def odd_serial(session: Session) -> None:
        part = session.scalars(select(PartDefinition).where(PartDefinition.part_number == BODY)).one()
        session.add(Item(part_id=part.id, code="BODY 7", is_serial=True, quantity=1.0, initial_quantity=1.0,
                         status=ItemStatus.RELEASED))
    plant.edit(odd_serial)
    with pytest.raises(LabelError, match=r"^Serial BODY 7: the serial number 'BODY 7' holds ' '"):
        write_labels(plant.factory, LabelRequest(serials=("BODY 7",)), out_dir / "x.pdf")
    assert list(out_dir.iterdir()) == []


def test_written_labels_are_the_pdf_made(plant: Plant, out_dir):
    codes = plant.bodies(2)
    target = out_dir / "labels.pdf"
    sheet = write_labels(plant.factory, LabelRequest(serials=tuple(codes)), target)
    assert target.read_bytes() == sheet.pdf and sheet.pdf.startswith(b"%PDF")
    assert sheet.summary == f"2 labels (datamatrix, 100×50 mm): Serial {codes[0]}, Serial {codes[1]}"
