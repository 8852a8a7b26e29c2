"""Hostile input in every search and scan field: SQL fragments, LIKE wildcards, control characters, very long
strings and odd unicode. Each entry point answers "not found", a readable DomainError or a parsed result —
never a raw database exception or a crash — and the database is exactly as it was. Last, a scan of app/ for
SQL built from formatted strings: parameters are always bound.

One small demo plant per backend for the module: the fuzz runs against real identifiers, so a fragment
glued to a real serial (`VA-…' OR '1'='1`) would find it if anything were concatenated into SQL.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, inspect, select, table
from sqlalchemy.orm import Session, sessionmaker

from app.cli import execute, parse_args
from app.db import make_session_factory
from app.devices.epc import describe_epc
from app.devices.errors import FrameRejected
from app.devices.scanner import ScanDecoder
from app.models import Equipment, Item, Station
from app.services.audit_query import AuditFilter, find_audit
from app.services.demo import build_demo_plant
from app.services.errors import DomainError
from app.services.lookup import lookup
from app.services.permissions import SYSTEM
from app.services.recall import recall_from_equipment, recall_from_items
from app.services.station import scan
from app.services.station.station_info import customer_order, identify
from app.services.trace import trace
from app.trace import Direction
from tests.conftest import MigratedTemplates, shared_database

APP = Path(__file__).resolve().parents[2] / "app"

INJECTIONS = [
    "' OR 1=1 --", "' OR '1'='1", "\" OR \"\"=\"", "'; DROP TABLE items; --", "\"; DROP TABLE items; --",
    "1; DELETE FROM audit_events", "') UNION SELECT id, code FROM items --", "%", "_", "%%", "%_%", "*",
    "\\", "\\'", "\\\\", "\\x00", "' || pg_sleep(5) --", "${jndi:ldap://x}", "{0}", "%s", ":code", "?",
    "NULL", "null", "\x00", "VA\x00' OR 1=1", "\x1b[31m", "\r\n", "\x1d", "\x1e", "\x04", "\u202e", "\ufeff",
    "𝕍𝔸-𝟜𝟟𝟙𝟙", "ＶＡ－４７１１", "İ", "ß", "\u0301", "🔩" * 50,
]
CONTROLS = "\x00\x01\x04\x07\x08\t\n\r\x0b\x0c\x1b\x1d\x1e\x1f\x7f\u0085\u2028"
EXAMPLES = dict(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def hostile() -> st.SearchStrategy[str]:
    """Fragments alone, glued to random text, control-laden text, arbitrary unicode and very long strings."""
    fragment = st.sampled_from(INJECTIONS)
    noisy = st.text(alphabet=st.sampled_from(list(CONTROLS) + list("'\";%_\\-=()*ab19 ")), max_size=40)
    return st.one_of(
        fragment,
        st.tuples(st.text(max_size=12), fragment, st.text(max_size=12)).map("".join),
        noisy,
        st.text(max_size=60),
        st.integers(1_000, 20_000).flatmap(lambda n: st.sampled_from(["A" * n, "'" * n, "%" * n, "\x00" * n,
                                                                       ("' OR 1=1 --" * n)[:n]])),
    )


@dataclass
class Plant:
    url: str
    factory: sessionmaker[Session]
    engine: Engine
    serial: str
    station: str
    equipment: str

    def snapshot(self) -> dict[str, int]:
        """Every table with its row count: a dropped table or a written row shows up here."""
        names = sorted(inspect(self.engine).get_table_names())
        with self.factory() as session:
            return {name: session.scalar(select(func.count()).select_from(table(name))) for name in names}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def plant(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          migrated: MigratedTemplates) -> Iterator[Plant]:
    with shared_database(request.param, tmp_path_factory.mktemp("hostile"), migrated) as (url, engine):
        factory = make_session_factory(engine)
        build_demo_plant(factory, SYSTEM, units=10, seed=3)
        with factory() as session:
            serial = session.scalars(select(Item.code).where(Item.is_serial.is_(True))
                                     .order_by(Item.code)).first()
            station = session.scalars(select(Station.name).order_by(Station.name)).first()
            equipment = session.scalars(select(Equipment.code).order_by(Equipment.code)).first()
        yield Plant(url, factory, engine, serial, station, equipment)


@pytest.fixture
def unchanged(plant: Plant) -> Iterator[Plant]:
    """The plant, checked after the test to hold the same tables with the same row counts."""
    before = plant.snapshot()
    assert before["items"] > 0
    yield plant
    assert plant.snapshot() == before


LEAKS = ("psycopg", "sqlite3", "OperationalError", "DataError", "Traceback", "SELECT ", "[SQL",
         "Background on")


def readable(exc: DomainError, *typed: str) -> None:
    """A DomainError is the sentence the bench shows: one without a driver's message or a traceback in it
    (the sentence may quote what was typed, which may itself say SELECT)."""
    text = str(exc)
    assert text.strip()
    for leak in LEAKS:
        assert leak not in text or any(leak.lower() in t.lower() for t in typed), text


def exact(query: str, text: str) -> bool:
    """A hit must be for the very text searched (as typed or upper-cased, or a key inside a GS1 string)."""
    typed = text.strip()
    return query in (typed, typed.upper()) or query in typed


# -- database entry points --------------------------------------------------------------------------------


def test_injection_glued_to_a_real_serial_finds_nothing(unchanged: Plant) -> None:
    """If any of these were concatenated into SQL, they would find the serial (or every item)."""
    assert lookup(unchanged.factory, unchanged.serial).found
    for suffix in ("' OR '1'='1", "' OR 1=1 --", "%", "_", "' --", "\x00", "\\"):
        assert not lookup(unchanged.factory, unchanged.serial + suffix).found, suffix
        assert not lookup(unchanged.factory, unchanged.serial[:-1] + suffix).found, suffix
    for wildcard in ("%", "_", "*", "' OR 1=1 --"):
        with pytest.raises(DomainError):
            trace(unchanged.factory, wildcard, Direction.FORWARD)


@settings(**EXAMPLES)
@given(text=hostile())
def test_lookup(unchanged: Plant, text: str) -> None:
    result = lookup(unchanged.factory, text)
    assert not result.found or exact(result.query, text)


@settings(**EXAMPLES)
@given(text=hostile())
def test_station_identify(unchanged: Plant, text: str) -> None:
    try:
        found = identify(unchanged.factory, unchanged.station, text)
    except DomainError as exc:
        readable(exc, text)
    else:
        assert found.item is not None or found.equipment is not None


@settings(**EXAMPLES)
@given(text=hostile())
def test_station_scan_fields(unchanged: Plant, text: str) -> None:
    """The station's other fields: its name, equipment, work and customer orders, suppliers, part numbers."""
    with unchanged.factory() as session:
        for find in (scan.station, scan.equipment, scan.work_order, scan.customer_order, scan.supplier,
                     lambda s, t: scan.part_number(s, t, None),
                     lambda s, t: scan.part_number(s, "VA-4711", t)):
            try:
                find(session, text)
            except DomainError as exc:
                readable(exc, text)
    try:
        customer_order(unchanged.factory, text)
    except DomainError as exc:
        readable(exc, text)


@settings(**EXAMPLES)
@given(text=hostile(), direction=st.sampled_from(list(Direction)))
def test_trace(unchanged: Plant, text: str, direction: Direction) -> None:
    try:
        result = trace(unchanged.factory, text, direction, process_context=False)
    except DomainError as exc:
        readable(exc, text)
    else:
        assert exact(result.query, text)


@settings(**EXAMPLES)
@given(texts=st.lists(hostile(), min_size=1, max_size=3))
def test_recall_from_items(unchanged: Plant, texts: list[str]) -> None:
    try:
        recall_from_items(unchanged.factory, texts)
    except DomainError as exc:
        readable(exc, *texts)


@settings(**EXAMPLES)
@given(text=hostile())
def test_recall_from_equipment(unchanged: Plant, text: str) -> None:
    try:
        recall_from_equipment(unchanged.factory, text, None, None)
    except DomainError as exc:
        readable(exc, text)


@settings(**EXAMPLES)
@given(text=hostile())
def test_audit_viewer_filters(unchanged: Plant, text: str) -> None:
    """The audit viewer's table, record and user fields."""
    try:
        entries = find_audit(unchanged.factory, AuditFilter(table=text, row_id=text, username=text), limit=5)
    except DomainError as exc:
        readable(exc, text)
    else:
        assert not text or all(e.table_name == text.strip() for e in entries)


@settings(**(EXAMPLES | {"max_examples": 25}))  # each run opens the database the way the command does
@given(text=hostile())
def test_cli_item_show(unchanged: Plant, text: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = execute(parse_args(["--db", unchanged.url, "item", "show", "--", text]), out, err)
    assert code in (0, 1)
    said = err.getvalue()
    assert not [leak for leak in LEAKS if leak in said and leak.lower() not in text.lower()], said
    assert out.getvalue() or err.getvalue()


# -- device decoders (no database) ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(prefix=st.sampled_from(["", "]C1", "]d2", "]e0", "]Q3", "]E0", "]A0", "]C0"]),
       text=st.one_of(hostile(), st.text(alphabet="0123456789()\x1d^", max_size=60)),  # GS1-shaped junk
       gs=st.sampled_from([None, "^", "~"]), aim=st.booleans())
def test_scanner_frames(prefix: str, text: str, gs: str | None, aim: bool) -> None:
    decoder = ScanDecoder(require_aim=aim, gs_substitute=gs)
    try:
        readings = decoder((prefix + text).encode("utf-8", "surrogatepass"))
    except FrameRejected as exc:
        assert str(exc).strip()
    else:
        assert readings and all("\x00" not in r.data for r in readings)


@settings(max_examples=150, deadline=None)
@given(epc=st.one_of(st.text(alphabet="0123456789abcdefABCDEF", max_size=64), hostile(),
                    st.text(alphabet="0123456789ABCDEF", min_size=22, max_size=22).map("30".__add__)))  # SGTIN-96
def test_epc_decoder(epc: str) -> None:
    tag = describe_epc(epc)
    assert tag.epc == epc.upper()


# -- no SQL from formatted strings ------------------------------------------------------------------------

SINKS = {"text", "execute", "exec_driver_sql", "executescript", "executemany", "copy", "literal_column"}
# Each formats identifiers or SQL fragments the code itself chooses, never a value typed, scanned or imported:
ALLOWED = {
    # The dialect's clock function, one of two literals in the code.
    ("services/audit_chain.py", "text"),
    # Table and column names read from the database's own catalog, each double-quoted.
    ("services/backup.py", "execute"),
    # CREATE/DROP DATABASE of a name made from uuid4; SET search_path to the schema in the configured URL.
    ("services/backup.py", "exec_driver_sql"),
    # Table and column names from the ORM metadata, quoted by the dialect; the values are bound (? / COPY).
    ("services/demo/bulk.py", "exec_driver_sql"),
    ("services/demo/bulk.py", "copy"),
    # ANALYZE of the ORM metadata's table names, quoted by the dialect.
    ("services/planner.py", "text"),
}


def _formatted(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"


def test_no_sql_is_built_from_formatted_strings() -> None:
    found: set[tuple[str, str]] = set()
    lines: list[str] = []
    for path in sorted(APP.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in SINKS and _formatted(node.args[0]):
                where = (path.relative_to(APP).as_posix(), name)
                found.add(where)
                if where not in ALLOWED:
                    lines.append(f"app/{where[0]}:{node.lineno}: {name}(…) of a formatted string")
    assert not lines, "bind parameters instead:\n" + "\n".join(lines)
    assert found == ALLOWED, f"allow-list entries no longer needed: {sorted(ALLOWED - found)}"
