"""Importing CSV and JSON files: whole files land through the API's services, or nothing of them does."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.models import AuditEvent, Item, Supplier, WorkOrder
from app.services.exchange import ImportRefused, import_file
from tests.exchange.conftest import counts, run_cli

RECEIPTS_CSV = """part_number,supplier,supplier_lot,quantity,heat_number,material_cert_ref,serials
BAR-40,ACME,SL-100,12.5,H-77,certs/3.1-77.pdf,
SEAL-KIT,ACME,SK-9,40,,,
BODY-1,ACME,SB-1,3,,,B-1;B-2;B-3
"""


def test_a_good_csv_of_receipts_lands_with_its_audit_trail(admin, plant, db_url, monkeypatch, tmp_path):
    path = tmp_path / "receipts.csv"
    path.write_text(RECEIPTS_CSV, encoding="utf-8-sig")  # as Excel saves "CSV UTF-8", with the BOM
    code, out, err = run_cli(monkeypatch, db_url, "import", "receipts", str(path), "--as", "admin", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["imported"] == 3 and answer["messages"][0].startswith("Received lot GR-")
    with plant.factory() as session:
        bar = session.scalar(select(Item).where(Item.supplier_lot == "SL-100"))
        assert (bar.quantity, bar.heat_number, bar.material_cert_ref) == (12.5, "H-77", "certs/3.1-77.pdf")
        serials = session.scalars(select(Item.code).where(Item.code.like("B-%")))
        assert sorted(serials) == ["B-1", "B-2", "B-3"]
        who = session.scalars(select(AuditEvent.username).where(AuditEvent.table_name == "items",
                                                                AuditEvent.row_id == str(bar.id)))
        assert set(who) == {"admin"}


def test_a_good_json_of_suppliers_and_orders(plant, tmp_path):
    suppliers = tmp_path / "suppliers.json"
    suppliers.write_text(json.dumps([{"code": "ACME", "name": "Acme Steel GmbH", "country": "de"},
                                     {"code": "NEWCO", "name": "New Co"}]))
    result = import_file(plant.factory, plant.supervisor, "suppliers", suppliers)
    assert result.messages == ("Supplier ACME (Acme Steel GmbH) updated.", "Supplier NEWCO (New Co) created.")
    orders = tmp_path / "customer-orders.csv"
    orders.write_text("number,customer,customer_name\nSO-7,NEWCUST,New Customer Ltd\n")
    assert import_file(plant.factory, plant.supervisor, "customer-orders", orders).rows == 1
    work = tmp_path / "work-orders.json"
    work.write_text(json.dumps([{"number": "WO-7", "part_number": "VALVE-1", "quantity": 5,
                                 "customer_order": "SO-7", "due_on": "2027-01-31"}]))
    assert import_file(plant.factory, plant.supervisor, "work-orders", work).rows == 1
    with plant.factory() as session:
        assert session.scalar(select(Supplier.name).where(Supplier.code == "ACME")) == "Acme Steel GmbH"
        order = session.scalar(select(WorkOrder).where(WorkOrder.number == "WO-7"))
        assert (order.quantity, str(order.due_on), order.status.value) == (5, "2027-01-31", "released")


def test_two_bad_rows_are_both_reported_and_nothing_is_written(admin, plant, db_url, monkeypatch, tmp_path):
    rows = [f"BAR-40,ACME,L-{n},{n},H-{n}" for n in range(1, 10)]
    rows[3] = "BAR-40,ACME,L-4,-2,H-4"  # spreadsheet row 5: a negative quantity
    rows[5] = "BAR-40,ACME,L-6,6," + "H" * 65  # spreadsheet row 7: a heat number too long
    path = tmp_path / "receipts.csv"
    path.write_text("part_number,supplier,supplier_lot,quantity,heat_number\n" + "\n".join(rows) + "\n")
    before = counts(plant.factory)
    code, out, err = run_cli(monkeypatch, db_url, "import", "receipts", str(path), "--as", "admin")
    assert code == 1 and out == ""
    assert "2 of 9 rows were refused, so nothing was imported" in err
    assert "row 5, field quantity: Input should be greater than 0" in err
    assert "row 7, field heat_number: String should have at most 64 characters" in err
    assert counts(plant.factory) == before


def test_rows_the_services_refuse_roll_back_the_rows_they_accepted(plant, tmp_path):
    # Well-formed rows, refused by the service: the good rows before them were written in the same
    # transaction and must be rolled back with them.
    path = tmp_path / "work-orders.json"
    path.write_text(json.dumps([{"number": "WO-A", "part_number": "BODY-1", "quantity": 2},
                                {"number": "WO-B", "part_number": "NO-SUCH", "quantity": 2},
                                {"number": "WO-A", "part_number": "BODY-1", "quantity": 3}]))
    before = counts(plant.factory)
    try:
        import_file(plant.factory, plant.supervisor, "work-orders", path)
    except ImportRefused as exc:
        problems = exc.problems
    else:
        raise AssertionError("the file was imported")
    assert [p.row for p in problems] == [2, 3]
    assert "NO-SUCH" in problems[0].message and "WO-A already exists" in problems[1].message
    assert counts(plant.factory) == before

    receipts = tmp_path / "receipts.json"
    receipts.write_text(json.dumps([
        {"part_number": "BAR-40", "supplier": "ACME", "supplier_lot": "X", "quantity": 1},
        {"part_number": "BAR-40", "supplier": "NOPE", "supplier_lot": "Y", "quantity": 1}]))
    try:
        import_file(plant.factory, plant.operator, "receipts", receipts)
    except ImportRefused as exc:
        assert [p.row for p in exc.problems] == [2] and "NOPE" in exc.problems[0].message
    else:
        raise AssertionError("the file was imported")
    assert counts(plant.factory) == before


def test_a_wrong_column_is_reported_once_for_the_header(plant, tmp_path):
    path = tmp_path / "receipts.csv"
    path.write_text("part_number,supplier,supplier_lot,quantity,heat_no\nBAR-40,ACME,L,1,H\n")
    try:
        import_file(plant.factory, plant.operator, "receipts", path)
    except ImportRefused as exc:
        assert len(exc.problems) == 1 and exc.problems[0].row == 1
        assert "1 of 1 rows were refused" in str(exc)
        assert "row 1: unknown column heat_no; the columns are: part_number, revision" in str(exc)
    else:
        raise AssertionError("the file was imported")
