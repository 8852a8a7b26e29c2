"""File exchange for systems without an API: CSV or JSON files of the objects the HTTP API takes
(suppliers, receipts, work orders, customer orders), imported whole or not at all, and exports of items,
trace and receipts.

A file row is checked against the API's own request schemas (app.services.integration_schemas), so a
column has the API field's name, limits and error wording; then every row goes through the same service the
API calls, inside one transaction (each row in a SAVEPOINT, as `receipt_batch.receive_all` does), so every
refused row is reported and a single refusal rolls the whole file back."""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as day_start
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as SchemaError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.models import GenealogyLink, Item, PartDefinition, Supplier, WorkOrder
from app.services import integration
from app.services.audit import jsonable
from app.services.errors import DomainError, ValidationError
# The wire contract of the API is the file contract too: one definition of every field's name and limits.
from app.services.integration_schemas import CustomerOrderIn, ReceiptIn, SupplierIn, WorkOrderIn
from app.services.permissions import Actor
from app.services.receipt_batch import BatchRefused, receive_all
from app.services.station import Receipt
from app.services.trace import trace
from app.trace import Direction

SCHEMAS: dict[str, type[BaseModel]] = {"receipts": ReceiptIn, "suppliers": SupplierIn,
                                       "work-orders": WorkOrderIn, "customer-orders": CustomerOrderIn}
EXPORTS = ("items", "trace", "receipts")
LIST_SEPARATOR = ";"  # a list in one CSV cell (a receipt's serials): "S-1;S-2;S-3"
log = logging.getLogger(__name__)
_SHOWN = 20  # problems in the exception's sentence; all of them are in `problems`


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet shows it (header = row 1) for CSV; the object's 1-based position for JSON
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field}: {self.message}" if self.field else \
            f"row {self.row}: {self.message}"


class ImportRefused(ValidationError):
    """Rows of the file were refused: nothing of it was written. `problems` lists every one."""

    def __init__(self, name: str, problems: Sequence[RowProblem], total: int) -> None:
        self.problems = tuple(problems)
        rows = len({p.row for p in self.problems})
        shown = "\n".join(f"  {p}" for p in self.problems[:_SHOWN])
        more = f"\n  … and {len(self.problems) - _SHOWN} more" if len(self.problems) > _SHOWN else ""
        super().__init__(f"{name}: {rows} of {total} rows were refused, so nothing was imported. Correct "
                         f"these rows and import the whole file again:\n{shown}{more}")


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int
    messages: tuple[str, ...]  # one sentence per row, in file order


# -- reading a file -------------------------------------------------------------------------------------


def kind_of(name: str) -> str | None:
    """The object kind a file name starts with (`receipts-2026-11-28.csv` → receipts): the watched folder's
    rule, since a folder of files has no other place to say what each holds."""
    stem = name.lower()
    found = [k for k in SCHEMAS if stem.startswith(k) or stem.startswith(k.replace("-", "_"))]
    return max(found, key=len) if found else None


def read_rows(path: Path, kind: str) -> list[tuple[int, dict[str, Any]]]:
    """(row number, raw fields) of a .csv (header row, API field names) or .json (a list of objects)."""
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel writes a byte-order mark; it is not a column
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name} is not UTF-8 text (byte {exc.start}). Save it as 'CSV UTF-8' or "
                              "JSON.") from exc
    if suffix == ".json":
        return _json_rows(path.name, text)
    if suffix == ".csv":
        return _csv_rows(path.name, text, kind)
    raise ValidationError(f"{path.name}: Threadline imports .csv or .json files, not "
                          f"'{suffix or 'no suffix'}'.")


def _json_rows(name: str, text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                              f"{exc.msg}).") from exc
    if not isinstance(data, list):
        raise ValidationError(f"{name}: expected a JSON list of objects, one per row, "
                              "e.g. [{\"code\": …}].")
    problems = [RowProblem(n, None, "expected an object with field names") for n, row in enumerate(data, 1)
                if not isinstance(row, dict)]
    if problems:
        raise ImportRefused(name, problems, len(data))
    return list(enumerate(data, 1))


def _csv_rows(name: str, text: str, kind: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    known = SCHEMAS[kind].model_fields
    unknown = [h for h in header if h not in known]
    if not header or unknown:
        # A wrong column is wrong on every row: say it once, about the header, with the names that work.
        what = f"unknown column {', '.join(unknown)}" if unknown else "the header row is missing"
        problem = RowProblem(1, None, f"{what}; the columns are: {', '.join(known)}")
        raise ImportRefused(name, [problem], sum(1 for _ in reader))
    reader.fieldnames = header
    rows = []
    for number, raw in enumerate(reader, start=2):  # spreadsheet rows: the header is row 1
        fields: dict[str, Any] = {k: v.strip() for k, v in raw.items() if k is not None and v and v.strip()}
        if None in raw:
            fields["(extra cells)"] = raw[None]  # more cells than columns: the schema names it
        if "serials" in known and "serials" in fields:
            fields["serials"] = [s.strip() for s in fields["serials"].split(LIST_SEPARATOR) if s.strip()]
        rows.append((number, fields))
    return rows


def validate(kind: str, rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[tuple[int, BaseModel]],
                                                                          list[RowProblem]]:
    schema = SCHEMAS[kind]
    good, problems = [], []
    for number, fields in rows:
        try:
            good.append((number, schema.model_validate(fields)))
        except SchemaError as exc:
            for e in exc.errors():
                field = ".".join(str(p) for p in e["loc"]) or None
                problems.append(RowProblem(number, field, e["msg"]))
    return good, problems


# -- importing ------------------------------------------------------------------------------------------


def import_file(factory: sessionmaker[Session], actor: Actor, kind: str, path: Path) -> ImportResult:
    """Import every row of `path` as `kind`, or nothing: ImportRefused lists every refused row."""
    if kind not in SCHEMAS:
        raise ValidationError(f"Threadline imports {', '.join(SCHEMAS)}, not '{kind}'.")
    rows = read_rows(path, kind)
    if not rows:
        raise ValidationError(f"{path.name} has no rows to import.")
    good, problems = validate(kind, rows)
    if problems:
        # A malformed row cannot be tried in the database; the well-formed ones are checked on the next try.
        raise ImportRefused(path.name, problems, len(rows))
    numbers = [number for number, _ in good]
    if kind == "receipts":
        receipts = [_receipt(body) for _, body in good]  # type: ignore[arg-type]
        try:
            done = receive_all(factory, actor, receipts)
        except BatchRefused as exc:
            raise ImportRefused(path.name, [RowProblem(numbers[e.row], None, e.message) for e in exc.rows],
                                len(rows)) from exc
        return ImportResult(kind, len(done), tuple(d.message for d in done))
    write = _WRITERS[kind]
    calls = [(n, lambda f, b=body: write(f, actor, b)) for n, body in good]
    messages = _all_or_nothing(factory, path.name, calls)
    return ImportResult(kind, len(messages), tuple(messages))


def _receipt(body: ReceiptIn) -> Receipt:
    # As the API maps a ReceiptIn (app/api/writes.py), so a file and a request mean the same delivery.
    serials: int | tuple[str, ...] = tuple(body.serials) if body.serials else 0
    if body.number_serials and not body.serials:
        serials = int(body.quantity) if body.quantity == int(body.quantity) else -1
    return Receipt(part_number=body.part_number, revision=body.revision, supplier=body.supplier,
                   supplier_lot=body.supplier_lot, quantity=body.quantity, heat_number=body.heat_number,
                   material_cert_ref=body.material_cert_ref, serials=serials, expires_on=body.expires_on,
                   delivery_note=body.delivery_note)


def _supplier(factory: sessionmaker[Session], actor: Actor, b: Any) -> str:
    v = integration.save_supplier(factory, actor, code=b.code, name=b.name, country=b.country)
    return f"Supplier {v.code} ({v.name}) {'created' if v.created else 'updated'}."


def _work_order(factory: sessionmaker[Session], actor: Actor, b: Any) -> str:
    v = integration.create_work_order(factory, actor, number=b.number, part_number=b.part_number,
                                      revision=b.revision, quantity=b.quantity, due_on=b.due_on,
                                      customer_order=b.customer_order, released=b.released)
    return f"Work order {v.number}: {v.quantity:g} × {v.part_number} rev {v.revision} ({v.status})."


def _customer_order(factory: sessionmaker[Session], actor: Actor, b: Any) -> str:
    v = integration.create_customer_order(factory, actor, number=b.number, customer=b.customer,
                                          customer_name=b.customer_name, ordered_at=b.ordered_at)
    return f"Customer order {v.number} for {v.customer}."


_WRITERS: dict[str, Callable[[sessionmaker[Session], Actor, Any], str]] = {
    "suppliers": _supplier, "work-orders": _work_order, "customer-orders": _customer_order}


def _all_or_nothing(factory: sessionmaker[Session], name: str,
                    calls: list[tuple[int, Callable[[sessionmaker[Session]], str]]]) -> list[str]:
    """receive_all's pattern for any service: one outer transaction, each call's unit of work in a
    SAVEPOINT, every refusal collected, commit only if none was refused."""
    engine = factory.kw["bind"]
    assert isinstance(engine, Engine)
    with engine.connect() as connection:
        transaction = connection.begin()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock first, as receive_all takes it
        joined = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                              expire_on_commit=False)
        done: list[str] = []
        problems: list[RowProblem] = []
        try:
            for number, call in calls:
                try:
                    done.append(call(joined))
                except DomainError as exc:
                    problems.append(RowProblem(number, None, str(exc)))
        except BaseException:
            transaction.rollback()
            raise
        if problems:
            transaction.rollback()
            raise ImportRefused(name, problems, len(calls))
        transaction.commit()
        return done


# -- exporting ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def export_receipts(factory: sessionmaker[Session], since: date | None = None) -> Table:
    """Purchase receipts in the import's shape (the receipts columns), so a file exported here imports
    elsewhere as the same deliveries."""
    with factory() as session:
        query = (select(Item, PartDefinition.part_number, PartDefinition.revision, Supplier.code)
                 .join(PartDefinition, Item.part_id == PartDefinition.id)
                 .join(Supplier, Item.supplier_id == Supplier.id)
                 .where(Item.is_serial.is_(False), Item.supplier_lot.is_not(None))
                 .order_by(Item.created_at, Item.code))
        if since is not None:
            query = query.where(Item.created_at >= datetime.combine(since, day_start.min, tzinfo=UTC))
        found = session.execute(query).all()
        serials = _serials_of(session, [lot.id for lot, *_ in found])
        rows = [{"part_number": part, "revision": revision, "supplier": supplier,
                 "supplier_lot": lot.supplier_lot, "quantity": lot.initial_quantity,
                 "heat_number": lot.heat_number, "material_cert_ref": lot.material_cert_ref,
                 "serials": serials.get(lot.id), "expires_on": lot.expires_on}
                for lot, part, revision, supplier in found]
    columns = ("part_number", "revision", "supplier", "supplier_lot", "quantity", "heat_number",
               "material_cert_ref", "serials", "expires_on")
    return Table(columns, rows)


def _serials_of(session: Session, lot_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The serials each received lot was taken apart into at goods in (its serial children)."""
    child = aliased(Item)
    out: dict[uuid.UUID, list[str]] = {}
    for first in range(0, len(lot_ids), 1000):
        for parent, code in session.execute(
                select(GenealogyLink.parent_item_id, child.code)
                .join(child, GenealogyLink.child_item_id == child.id)
                .where(GenealogyLink.parent_item_id.in_(lot_ids[first:first + 1000]),
                       child.is_serial.is_(True))
                .order_by(child.code)):
            out.setdefault(parent, []).append(code)
    return out


def export_items(factory: sessionmaker[Session], part_number: str | None = None) -> Table:
    columns = ("code", "kind", "part_number", "revision", "status", "quantity", "unit", "supplier",
               "supplier_lot", "heat_number", "material_cert_ref", "work_order", "expires_on", "created_at")
    with factory() as session:
        query = (select(Item, PartDefinition.part_number, PartDefinition.revision, PartDefinition.unit,
                        Supplier.code, WorkOrder.number)
                 .join(PartDefinition, Item.part_id == PartDefinition.id)
                 .outerjoin(Supplier, Item.supplier_id == Supplier.id)
                 .outerjoin(WorkOrder, Item.work_order_id == WorkOrder.id)
                 .order_by(PartDefinition.part_number, Item.code))
        if part_number:
            query = query.where(PartDefinition.part_number == part_number.strip())
        rows = [{"code": i.code, "kind": "serial" if i.is_serial else "lot", "part_number": part,
                 "revision": revision, "status": i.status.value, "quantity": i.quantity, "unit": unit,
                 "supplier": supplier, "supplier_lot": i.supplier_lot, "heat_number": i.heat_number,
                 "material_cert_ref": i.material_cert_ref, "work_order": order, "expires_on": i.expires_on,
                 "created_at": i.created_at}
                for i, part, revision, unit, supplier, order in session.execute(query)]
    return Table(columns, rows)


def export_trace(factory: sessionmaker[Session], identifier: str, direction: Direction) -> Table:
    """One row per item reached, with the items it came from (reverse: went into) and where it was shipped."""
    result = trace(factory, identifier, direction, process_context=False)
    name = {n.id: n.identifier for n in result.nodes.values()}
    linked: dict[uuid.UUID, list[str]] = {}
    for edge in result.graph.edges:
        near, far = (edge.child, edge.parent) if direction is Direction.FORWARD else (edge.parent, edge.child)
        if near in name and far in name:
            linked.setdefault(near, []).append(name[far])
    via = "from" if direction is Direction.FORWARD else "into"
    columns = ("depth", "identifier", "kind", "part_number", "revision", "status", "quantity", "unit",
               "supplier", "supplier_lot", "heat_number", "material_cert_ref", via, "shipments")
    rows = [{"depth": n.depth, "identifier": n.identifier, "kind": n.kind, "part_number": n.part_number,
             "revision": n.revision, "status": n.status.value, "quantity": n.quantity, "unit": n.unit,
             "supplier": n.supplier, "supplier_lot": n.supplier_lot, "heat_number": n.heat_number,
             "material_cert_ref": n.material_cert_ref, via: sorted(linked.get(n.id, [])),
             "shipments": [f"{s.number} ({s.customer})" for s in result.shipments.get(n.id, [])]}
            for n in sorted(result.nodes.values(), key=lambda n: (n.depth, n.part_number, n.identifier))]
    return Table(columns, rows)


def write_table(table: Table, path: Path) -> int:
    """Write `table` as .csv or .json (by the suffix); the number of rows written."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ValidationError(f"{path.name}: Threadline exports .csv or .json files, not "
                              f"'{suffix or 'no suffix'}'.")
    if suffix == ".json":
        data = [{c: jsonable(r[c]) for c in table.columns} for r in table.rows]
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return len(data)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table.columns)
        writer.writerows([_cell(r[c]) for c in table.columns] for r in table.rows)
    return len(table.rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)  # "12", not "12.0"; every digit kept
    value = jsonable(value)
    return value if isinstance(value, str) else str(value)


# -- the watched folder ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FolderOutcome:
    file: str
    moved_to: Path
    result: ImportResult | None  # None: refused, see errors
    errors: str = ""


def process_folder(factory: sessionmaker[Session], actor: Actor, folder: Path, *,
                   settle_seconds: float = 2.0) -> list[FolderOutcome]:
    """Import each file in `folder`/in, oldest first, and move it to done/ or to failed/ with
    <file>.errors.txt beside it. A file changed within `settle_seconds` is left for the next pass: the
    sender may still be writing it (better still, it writes under a hidden or .tmp name and renames)."""
    inbox, done, failed = folder / "in", folder / "done", folder / "failed"
    for sub in (inbox, done, failed):
        sub.mkdir(parents=True, exist_ok=True)
    now = time.time()
    files = sorted((p for p in inbox.iterdir()
                    if p.is_file() and not p.name.startswith(".")
                    and p.suffix.lower() not in (".tmp", ".part")
                    and now - p.stat().st_mtime >= settle_seconds),
                   key=lambda p: (p.stat().st_mtime, p.name))
    outcomes = []
    for path in files:
        kind = kind_of(path.name)
        try:
            if kind is None:
                raise ValidationError(f"{path.name}: the file name must start with what it holds: "
                                      f"{', '.join(SCHEMAS)} (e.g. receipts-2026-11-28.csv).")
            result = import_file(factory, actor, kind, path)
        except OSError as exc:
            # Locked or vanished (a Windows share while the sender still holds it): try again next pass.
            log.warning("Exchange folder: %s left in place for the next pass: %s", path.name, exc)
            continue
        except DomainError as exc:
            target = _free_name(failed, path.name)
            shutil.move(path, target)
            target.with_name(target.name + ".errors.txt").write_text(str(exc) + "\n", encoding="utf-8")
            outcomes.append(FolderOutcome(path.name, target, None, str(exc)))
            continue
        target = _free_name(done, path.name)
        shutil.move(path, target)
        outcomes.append(FolderOutcome(path.name, target, result))
    return outcomes


def _free_name(folder: Path, name: str) -> Path:
    # The ERP may send receipts.csv every day: keep each one instead of overwriting yesterday's.
    target = folder / name
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    n = 0
    while target.exists():
        n += 1
        target = folder / f"{Path(name).stem}.{stamp}{f'-{n}' if n > 1 else ''}{Path(name).suffix}"
    return target
