"""Simulators: frames encoded per profile, scripts, and the request/answer behaviour seen from the pty."""

from __future__ import annotations

import os
import random

import pytest

from app.devices.pipeline import Pipeline
from app.devices.profiles import BUILT_IN
from app.devices.rfid import decode_ru5102
from app.devices.simulators import read_script
from app.devices.simulators.frames import encode, random_spec, unescape


def test_specs_encode_to_the_frames_of_each_profile():
    assert encode(BUILT_IN["scanner-cr"], "]C1\\x1d10L1") == b"]C1\x1d10L1\r"
    assert encode(BUILT_IN["scanner-stx"], "]C0X") == b"\x02]C0X\x03"
    assert encode(BUILT_IN["rfid-125khz"], "0400B3BCE1") == b"\x020400B3BCE1EA\x03"
    assert encode(BUILT_IN["rfid-ru5102"], "-") == bytes.fromhex("05 00 01 FB F2 3D")
    assert encode(BUILT_IN["gauge-mahr"], "+001.234mm") == b"+001.234mm\r\n"
    assert encode(BUILT_IN["gauge-sylvac"], "hex:41 0D") == b"A\r"
    assert unescape("a\\tb\\\\x\\r") == "a\tb\\x\r"


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_random_frames_decode_to_readings(name):
    profile, rng = BUILT_IN[name], random.Random(7)
    for _ in range(25):
        events = Pipeline("sim", profile).feed(encode(profile, random_spec(profile, rng)))
        assert all(e.kind in ("scan", "tag", "measurement") for e in events)


def test_scripts_skip_blank_lines_and_comments(tmp_path):
    script = tmp_path / "scans.txt"
    script.write_text("# bench 7 morning run\n]C0WO-1\n\n  # spare\n]d20109501101020917\n")
    assert read_script(script) == ["]C0WO-1", "]d20109501101020917"]


def _ask(sim, request: bytes, reply_end: bytes) -> bytes:
    """Write as the app would, on the slave end, and read until the reply is complete."""
    fd = os.open(sim.path, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, request)
        reply = b""
        while not reply.endswith(reply_end):
            reply += os.read(fd, 256)
        return reply
    finally:
        os.close(fd)


def test_the_sylvac_and_mahr_simulators_answer_requests(simulator):
    sylvac = simulator(BUILT_IN["gauge-sylvac"], ["+012.345=", "+012.350>"])
    assert _ask(sylvac, b"?\r", b"=\r") == b"SY289 OPTO-RS\r+012.345=\r"  # power-on banner, then the value
    assert _ask(sylvac, b"?\r", b"\r") == b"+012.350>\r"
    assert _ask(sylvac, b"?\r", b"\r") == b"+012.350>\r"  # the display keeps its last value
    mahr = simulator(BUILT_IN["gauge-mahr"], ["+001.234mm"])
    assert _ask(mahr, b"ID?\r", b"\r\n") == b"MAHR GMBH,C1208\r\n"
    assert _ask(mahr, b"?\r", b"\r\n") == b"+001.234mm\r\n"


def test_the_ru5102_simulator_answers_inventory_polls(simulator):
    sim = simulator(BUILT_IN["rfid-ru5102"], ["-", "3034257BF7194E4000001A85"])
    inventory = bytes.fromhex("04 00 01 DB 4B")
    assert _ask(sim, inventory, bytes.fromhex("F2 3D")) == bytes.fromhex("05 00 01 FB F2 3D")
    reply = _ask(sim, inventory, bytes.fromhex("96 4F"))
    assert decode_ru5102(reply)[0].gtin == "80614141123458"
