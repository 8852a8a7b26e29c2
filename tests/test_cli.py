"""The `threadline` command as a person or a script runs it: a real process on a real database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__
from app.services import schema


# tests/subprocess_site/sitecustomize.py: the tests' cheap argon2 parameters in the launched process too.
_SITE = os.pathsep.join(filter(None, [str(Path(__file__).parent / "subprocess_site"),
                                      os.environ.get("PYTHONPATH")]))


def threadline(*args: str, db: str | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app", *(["--db", db] if db else []), *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONWARNINGS": "error", "PYTHONPATH": _SITE})


def test_version():
    result = threadline("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"threadline {__version__}"


def test_unreachable_database_is_a_sentence_not_a_traceback():
    result = threadline("db", "info", db="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert "Cannot open the database PostgreSQL 127.0.0.1:1/none" in result.stderr
    assert "Traceback" not in result.stderr


def test_upgrade_users_demo_and_item_show(db_url):
    upgraded = threadline("db", "upgrade", db=db_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"schema empty → {schema.HEAD}" in upgraded.stdout

    first = threadline("user", "add", "chief", "--role", "admin", "--full-name", "Chris Chief",
                       db=db_url, stdin="chief-password\n")
    assert first.returncode == 0, first.stderr
    refused = threadline("user", "add", "op.lee", "--role", "operator", db=db_url, stdin="lee-password\n")
    assert refused.returncode == 1 and "--as ADMIN" in refused.stderr
    wrong = threadline("user", "add", "op.lee", "--role", "operator", "--as", "chief", db=db_url,
                       stdin="not-the-password\nlee-password\n")
    assert wrong.returncode == 1 and "do not match" in wrong.stderr
    added = threadline("user", "add", "op.lee", "--role", "operator", "--full-name", "Lee Park", "--as",
                       "chief", db=db_url, stdin="chief-password\nlee-password\n")
    assert added.returncode == 0, added.stderr
    listing = threadline("user", "list", db=db_url).stdout
    assert "chief" in listing and "op.lee" in listing and "operator" in listing

    demo = threadline("demo", "--units", "40", "--seed", "7", "--json", db=db_url)
    assert demo.returncode == 0, demo.stderr
    summary = json.loads(demo.stdout)
    assert summary["units"] == 40
    serial = summary["examples"]["finished_serial"]

    shown = threadline("item", "show", serial, "--json", db=db_url)
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    history = found["history"]
    assert history["item"]["code"] == serial
    assert history["steps"] and all(step["operator"] for step in history["steps"])
    assert history["made_from"], "a finished unit is made from components"

    text = threadline("item", "show", summary["examples"]["heat_number"], db=db_url)
    assert text.returncode == 0 and "Heat number" in text.stdout

    missing = threadline("item", "show", "NO-SUCH-THING", db=db_url)
    assert missing.returncode == 1 and "Nothing is known as 'NO-SUCH-THING'" in missing.stdout

    again = threadline("demo", "--units", "10", db=db_url)
    assert again.returncode == 1 and "Traceback" not in again.stderr


@pytest.mark.parametrize("args", [["db"], ["user", "add", "x"], ["item"]])
def test_incomplete_commands_print_usage(args):
    result = threadline(*args)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_import_trace_and_recall_from_the_terminal(db_url, tmp_path):
    assert threadline("user", "add", "qe", "--role", "quality_engineer", db=db_url,
                      stdin="qe-password\n").returncode == 0
    legacy = tmp_path / "legacy.csv"
    legacy.write_text("parent_part,parent_id,child_part,child_id,quantity,timestamp\n"
                      "BAR-316L,HEAT-9,VB-1,S-1,0.2,2025-03-01T08:00\n"
                      "BAR-316L,HEAT-9,VB-1,S-2,0.2,2025-03-01T08:05\n", encoding="utf-8")
    imported = threadline("import", "genealogy", str(legacy), "--as", "qe", db=db_url, stdin="qe-password\n")
    assert imported.returncode == 0, imported.stderr
    assert "Imported 2 links (3 new items, 2 new part numbers)" in imported.stdout

    forward = threadline("trace", "forward", "HEAT-9", "--json", db=db_url)
    assert forward.returncode == 0, forward.stderr
    data = json.loads(forward.stdout)
    assert data["direction"] == "forward" and data["roots"] == ["HEAT-9"]
    assert {n["identifier"] for n in data["nodes"]} == {"HEAT-9", "S-1", "S-2"}
    assert {(e["from"], e["to"]) for e in data["edges"]} == {("HEAT-9", "S-1"), ("HEAT-9", "S-2")}

    reverse = threadline("trace", "reverse", "S-2", db=db_url)
    assert reverse.returncode == 0 and "0.2 × BAR-316L lot HEAT-9" in reverse.stdout

    recall = threadline("trace", "recall", "--item", "HEAT-9", "--csv", db=db_url)
    assert recall.returncode == 0, recall.stderr
    lines = recall.stdout.splitlines()
    assert lines[0].startswith("identifier,part_number") and len(lines) == 4

    cycle = tmp_path / "cycle.csv"
    cycle.write_text("parent_part,parent_id,child_part,child_id,quantity\nVB-1,S-1,BAR-316L,HEAT-9,1\n")
    refused = threadline("import", "genealogy", str(cycle), "--as", "qe", db=db_url, stdin="qe-password\n")
    assert refused.returncode == 1 and "line 2 would make an item its own ancestor" in refused.stderr
    unknown = threadline("trace", "reverse", "NOTHING-HERE", db=db_url)
    assert unknown.returncode == 1 and "Nothing is known as 'NOTHING-HERE'" in unknown.stderr


def test_spc_chart_and_capability_on_the_textbook_piston_rings(tmp_path):
    data = Path(__file__).parent / "spc" / "data" / "pistonrings.csv"
    rows = list(csv.DictReader(io.StringIO(data.read_text())))[:125]  # phase I: the first 25 samples of 5
    tmp = tmp_path / "rings.csv"
    tmp.write_text("subgroup,value\n" + "".join(f"{r['sample']},{r['diameter']}\n" for r in rows))
    chart = threadline("spc", "chart", "--type", "xbar-r", "--input", str(tmp), "--json")
    assert chart.returncode == 0, chart.stderr
    result = json.loads(chart.stdout)
    assert result["type"] == "xbar-r" and round(result["center"], 5) == 74.00118  # qcc vignette
    assert result["secondary"]["type"] == "r"
    capability = threadline("spc", "capability", "--input", str(tmp), "--lsl", "73.95", "--usl", "74.05", "--json")
    assert capability.returncode == 0, capability.stderr
    assert 1.6 < json.loads(capability.stdout)["cp"] < 1.8
    bad = tmp_path / "bad.csv"
    bad.write_text("subgroup,value\n1,74.0\n1,abc\n")
    refused = threadline("spc", "chart", "--type", "xbar-r", "--input", str(bad))
    assert refused.returncode == 1 and "line 3" in refused.stderr and "Traceback" not in refused.stderr
