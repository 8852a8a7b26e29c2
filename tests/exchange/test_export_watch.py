"""Exports that import again as the same objects, and the watched folder."""

from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import select

from app.models import Item
from app.services.exchange import export_items, export_receipts, import_file, process_folder, write_table
from app.services.station import Receipt, receive
from tests.exchange.conftest import counts, run_cli


def _receipts(factory, actor) -> None:
    receive(factory, actor, Receipt(part_number="BAR-40", supplier="ACME", supplier_lot="RT-1", quantity=7.25,
                                    heat_number="H-9", material_cert_ref="c/9.pdf"))
    receive(factory, actor, Receipt(part_number="BODY-1", supplier="ACME", supplier_lot="RT-2", quantity=2,
                                    serials=("RS-1", "RS-2")))
    receive(factory, actor, Receipt(part_number="SEAL-KIT", supplier="ACME", supplier_lot="RT-3",
                                    quantity=50))


def _shape(rows: list[dict]) -> list[tuple]:
    return sorted((r["part_number"], r["supplier_lot"], float(r["quantity"]), r["heat_number"] or None,
                   r["serials"] or None, str(r["expires_on"] or "")) for r in rows)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_exported_receipts_import_as_the_same_deliveries(plant, tmp_path, suffix, engine):
    _receipts(plant.factory, plant.operator)
    exported = export_receipts(plant.factory)
    path = tmp_path / f"receipts{suffix}"
    assert write_table(exported, path) == 3
    # Import into the same plant under new supplier lots: the same serials would be duplicates.
    if suffix == ".json":
        data = json.loads(path.read_text())
        for row in data:
            row["supplier_lot"] += "-again"
            row["serials"] = [s + "-again" for s in row["serials"]] if row["serials"] else None
        path.write_text(json.dumps(data))
    else:
        with path.open(newline="") as stream:
            data = list(csv.DictReader(stream))
        for row in data:
            row["supplier_lot"] += "-again"
            serials = row["serials"].split(";") if row["serials"] else []
            row["serials"] = ";".join(s + "-again" for s in serials)
        with path.open("w", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(data[0]))
            writer.writeheader()
            writer.writerows(data)
    assert import_file(plant.factory, plant.operator, "receipts", path).rows == 3
    again = [r for r in export_receipts(plant.factory).rows if r["supplier_lot"].endswith("-again")]
    strip = [{**r, "supplier_lot": r["supplier_lot"].removesuffix("-again"),
              "serials": [s.removesuffix("-again") for s in r["serials"]] if r["serials"] else None}
             for r in again]
    assert _shape(strip) == _shape(exported.rows)


def test_items_and_trace_exports(admin, plant, db_url, monkeypatch, tmp_path):
    _receipts(plant.factory, plant.operator)
    target = tmp_path / "items.csv"
    code, out, err = run_cli(monkeypatch, db_url, "export", "items", "--part", "BODY-1", "-o", str(target))
    assert code == 0, err
    with target.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    # The delivery's lot (taken apart into its serials at goods in, so consumed) and the two serials.
    assert [(r["code"][:3], r["kind"], r["status"], r["quantity"], r["supplier_lot"]) for r in rows] == [
        ("GR-", "lot", "consumed", "0", "RT-2"), ("RS-", "serial", "quarantined", "1", "RT-2"),
        ("RS-", "serial", "quarantined", "1", "RT-2")]
    assert len(export_items(plant.factory).rows) == 5  # three delivered lots and two serials
    trace = tmp_path / "trace.json"
    code, out, err = run_cli(monkeypatch, db_url, "export", "trace", rows[0]["code"], "-o", str(trace))
    assert code == 0, err
    nodes = json.loads(trace.read_text())
    lot = rows[0]["code"]
    assert [(n["depth"], n["identifier"], n["from"]) for n in nodes] == [(0, lot, []), (1, "RS-1", [lot]),
                                                                         (1, "RS-2", [lot])]


def test_watch_once_moves_files_to_done_and_failed(admin, plant, db_url, monkeypatch, tmp_path):
    inbox = tmp_path / "x" / "in"
    inbox.mkdir(parents=True)
    (inbox / "suppliers-1.csv").write_text("code,name,country\nZED,Zed Metals,FR\n")
    (inbox / "work-orders-1.json").write_text(json.dumps([{"number": "WO-Z", "part_number": "NONE",
                                                            "quantity": 1}]))
    (inbox / "notes.txt").write_text("hello")
    (inbox / "receipts.csv.tmp").write_text("still being written")
    before = counts(plant.factory)
    code, out, err = run_cli(monkeypatch, db_url, "watch", str(tmp_path / "x"), "--as", "admin", "--once",
                             "--settle", "0")
    assert code == 0, err
    assert "suppliers-1.csv: imported 1 suppliers" in out
    done = tmp_path / "x" / "done"
    failed = tmp_path / "x" / "failed"
    assert sorted(p.name for p in done.iterdir()) == ["suppliers-1.csv"]
    assert sorted(p.name for p in failed.iterdir()) == [
        "notes.txt", "notes.txt.errors.txt", "work-orders-1.json", "work-orders-1.json.errors.txt"]
    assert "row 1: " in (failed / "work-orders-1.json.errors.txt").read_text()
    assert "must start with what it holds" in (failed / "notes.txt.errors.txt").read_text()
    assert [p.name for p in inbox.iterdir()] == ["receipts.csv.tmp"]  # a file still being written waits
    after = counts(plant.factory)
    assert after["suppliers"] == before["suppliers"] + 1 and after["work_orders"] == before["work_orders"]
    # A second file of the same name is kept beside the first, not written over it.
    (inbox / "suppliers-1.csv").write_text("code,name\nZED,Zed Metals SA\n")
    assert [o.result.rows for o in process_folder(plant.factory, plant.supervisor, tmp_path / "x",
                                                  settle_seconds=0)] == [1]
    assert len(list(done.iterdir())) == 2
    with plant.factory() as session:
        assert session.scalar(select(Item.id).limit(1)) is None  # nothing else slipped in
