"""`threadline certificate …` as a supervisor or a script runs it, on the module's demo plant: in-process through
the real argument parser and handlers (fast), and once as a real process for the verify a customer runs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import keyring
import pytest
import zxingcpp
from keyring.backends import fail
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app.cli import execute, parse_args
from tests.certificates.conftest import pdf_text, render_pages


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A station with its own settings and data folder, no OS keyring, no passphrase in the environment."""
    for name in ("data", "config"):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(f"THREADLINE_{name.upper()}_DIR", str(tmp_path / name))
    (tmp_path / "config" / "settings.json").write_text(json.dumps({
        "company.name": "Acme Valves GmbH", "company.address": "Werkstraße 12; 70565 Stuttgart",
        "certificates.verify_url": "https://certs.acme.example/verify",
        "company.logo_file": str(tmp_path / "logo.png")}), encoding="utf-8")
    logo = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(logo).rectangle((10, 10, 230, 70), fill=(20, 60, 140))
    logo.save(tmp_path / "logo.png")
    monkeypatch.delenv("THREADLINE_SIGNING_PASSPHRASE", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield tmp_path
    keyring.set_keyring(previous)


def threadline(plant, monkeypatch, *args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    code = execute(parse_args(["--db", plant.url, "certificate", *args]), out, err)
    return code, out.getvalue(), err.getvalue()


def test_init_issue_and_verify_from_the_command_line(plant, home, monkeypatch):
    monkeypatch.setenv("THREADLINE_SIGNING_PASSPHRASE", "cli-passphrase-1")
    code, out, _ = threadline(plant, monkeypatch, "init-key", "--trial")
    assert code == 0 and "TRIAL" in out and "Acme Valves GmbH" in out
    assert "came from THREADLINE_SIGNING_PASSPHRASE" in out
    assert (home / "data" / "signing" / "organisation.p12").exists()

    serial = plant.take_valve()
    pdf = home / "coc.pdf"
    # No keyring, no variable, and stdin holds only the password: the passphrase is missing, said plainly.
    monkeypatch.delenv("THREADLINE_SIGNING_PASSPHRASE")
    code, _, err = threadline(plant, monkeypatch, "issue", "--serial", serial, "-o", str(pdf), "--as",
                              "sup.wagner", stdin="threadline\n")
    assert code == 1 and "no OS keyring" in err and "THREADLINE_SIGNING_PASSPHRASE" in err and not pdf.exists()
    # A script may give it on the next line of stdin, as it gives the password.
    code, out, err = threadline(plant, monkeypatch, "issue", "--serial", serial, "-o", str(pdf), "--as",
                                "sup.wagner", stdin="threadline\ncli-passphrase-1\n")
    assert code == 0, err
    assert f"for serial {serial}" in out and "TRIAL" in out
    text = pdf_text(pdf)
    assert "Acme Valves GmbH" in text and "Werkstraße 12" in text and serial in text
    # The QR code carries the verification address from the settings, with the id and the hash.
    [code] = zxingcpp.read_barcodes(Image.open(render_pages(pdf, home)[0]))
    record = json.loads(threadline(plant, monkeypatch, "verify", str(pdf), "--json")[1])
    assert code.text == (f"https://certs.acme.example/verify?id={record['certificate_id']}"
                         f"&sha256={record['content_sha256']}")
    assert len(PdfReader(str(pdf)).pages[0].images) == 1, "the company logo from the settings"

    code, out, _ = threadline(plant, monkeypatch, "verify", str(pdf), "--json")
    report = json.loads(out)
    assert code == 0 and report["valid"] and [c["check"] for c in report["checks"]] == [
        "signature", "record", "content hash"]

    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x04
    altered = home / "altered.pdf"
    altered.write_bytes(bytes(data))
    code, out, _ = threadline(plant, monkeypatch, "verify", str(altered))
    assert code == 1 and "NOT VALID" in out and "[FAIL] signature" in out

    # The command a customer's goods-in runs, as a real process.
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    process = subprocess.run([sys.executable, "-m", "app", "--db", plant.url, "certificate", "verify", str(pdf)],
                             capture_output=True, text=True, timeout=300, env=env)
    assert process.returncode == 0, process.stderr
    assert "VALID" in process.stdout and process.stdout.count("[ok]") == 3


def test_a_31_certificate_asks_for_the_validator(plant, home, monkeypatch, signing_key):
    monkeypatch.setenv("THREADLINE_SIGNING_PASSPHRASE", "cli-passphrase-2")
    assert threadline(plant, monkeypatch, "init-key", "--trial")[0] == 0
    serial = plant.take_valve()
    code, _, err = threadline(plant, monkeypatch, "issue", "--serial", serial, "--type", "3.1", "-o",
                              str(home / "31.pdf"), "--as", "sup.wagner", "--validated-by", "op.kowalski",
                              stdin="threadline\nthreadline\n")
    assert code == 1 and "only an inspector or a quality engineer" in err
    code, out, err = threadline(plant, monkeypatch, "issue", "--serial", serial, "--type", "3.1", "-o",
                                str(home / "31.pdf"), "--as", "sup.wagner", "--validated-by", "qe.mueller",
                                stdin="threadline\nthreadline\n")
    assert code == 0, err
    assert "Inspection Certificate 3.1" in out and "Thomas Müller" in pdf_text(home / "31.pdf")
