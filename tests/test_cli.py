"""The `threadline` command as a person or a script runs it: a real process on a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app import __version__


def threadline(*args: str, db: str | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app", *(["--db", db] if db else []), *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONWARNINGS": "error"})


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
    assert "schema empty → 0001" in upgraded.stdout

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
