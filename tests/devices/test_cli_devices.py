"""`threadline devices …` and `threadline simulate …` as a person runs them (wired like app/cli.py does)."""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from app import cli_devices
from app.devices.events import DeviceState, Measurement
from app.devices.profiles import BUILT_IN
from app.services.errors import DomainError

# What app/cli.py will do with these commands, for a process of its own.
# A run launched in the background (`cmd &` in a script) inherits SIGINT ignored, and Python then installs no
# KeyboardInterrupt handler: the harness puts Ctrl-C back, as a terminal would have it.
HARNESS = textwrap.dedent("""
    import argparse, signal, sys
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from app import cli_devices
    from app.services.errors import DomainError
    parser = argparse.ArgumentParser(prog="threadline")
    cli_devices.add_commands(parser.add_subparsers(dest="command"))
    try:
        sys.exit(cli_devices.run(parser.parse_args(sys.argv[1:]), sys.stdout))
    except DomainError as exc:
        print(f"threadline: {exc}", file=sys.stderr)
        sys.exit(1)
""")


def threadline(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="threadline")
    cli_devices.add_commands(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    try:
        return cli_devices.run(parser.parse_args(argv), out), out.getvalue(), ""
    except DomainError as exc:
        return 1, out.getvalue(), f"threadline: {exc}\n"


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_profiles_and_ports_are_listed():
    code, out, _ = threadline("devices", "profiles")
    assert code == 0 and all(name in out for name in BUILT_IN)
    code, out, _ = threadline("devices", "list", "--json")
    assert code == 0 and isinstance(json.loads(out), list)
    assert threadline("devices", "list")[0] == 0


def test_decode_prints_the_events_of_good_bytes_as_json_lines():
    code, out, _ = threadline("devices", "decode", "--profile", "rfid-ru5102", "--hex",
                              "13 00 01 01 01 0C 30 34 25 7B F7 19 4E 40 00 00 1A 85 96 4F", "050001FBF23D")
    [tag] = json_lines(out)
    assert code == 0 and tag["kind"] == "tag" and tag["epc"] == "3034257BF7194E4000001A85"
    assert tag["uri"] == "urn:epc:id:sgtin:0614141.812345.6789"
    assert (tag["gtin"], tag["serial"]) == ("80614141123458", "6789")
    scan = b"]d201095011010209171726123110ABCD1234\x1d2112345\r".hex()
    [event] = json_lines(threadline("devices", "decode", "--profile", "scanner-cr", "--hex", scan)[1])
    assert event["symbology"] == "]d2" and event["gs1"]["17"] == "2026-12-31" and event["raw"] == scan.upper()
    [reading] = json_lines(threadline("devices", "decode", "--profile", "gauge-sylvac", "--hex",
                                      b"SY289\r+012.345<\r".hex())[1])
    assert (reading["kind"], reading["value"], reading["unit"], reading["tolerance"]) == \
        ("measurement", 12.345, "mm", "below")


@pytest.mark.parametrize(("profile", "data", "message"), [
    ("rfid-125khz", b"\x020400B3BCE1EB\x03", "checksum EB is wrong (expected EA)"),
    ("scanner-cr", b"]d20109501101020917172602310L1\r", "AI (17) holds an impossible date"),
    ("gauge-mitutoyo", b"01A+0000.1", "The last 10 bytes (30 31 41 2B 30 30 30 30 2E 31) are an unfinished"),
    ("scanner-stx", b"hi\x02]C0X\x03", "bytes outside STX…ETX: 68 69"),
])
def test_decode_names_what_is_wrong_with_bad_bytes_in_one_line(profile, data, message):
    code, _, err = threadline("devices", "decode", "--profile", profile, "--hex", data.hex())
    assert code == 1 and message in err and err.count("\n") == 1


@pytest.mark.parametrize(("argv", "message"), [
    (("devices", "decode", "--profile", "nope", "--hex", "00"), "There is no device profile 'nope'"),
    (("devices", "decode", "--profile", "scanner-cr", "--hex", "zz"), "--hex is not hexadecimal"),
    (("simulate", "gauge", "--profile", "scanner-cr"), "scanner-cr is a scanner profile, not a gauge one"),
])
def test_wrong_arguments_are_sentences(argv, message):
    code, _, err = threadline(*argv)
    assert code == 1 and message in err


def test_a_script_line_that_is_no_frame_is_named(tmp_path):
    script = tmp_path / "tags.txt"
    script.write_text("0400B3BCE1\nnot-hex\n")
    code, _, err = threadline("simulate", "rfid", "--profile", "rfid-125khz", "--script", str(script))
    assert code == 1 and "the line 'not-hex' is no rfid-125khz frame" in err


def test_listen_prints_events_as_json_lines(simulator):
    sim = simulator(BUILT_IN["gauge-mitutoyo"], ["01A+0000.123", "02A-0000.040"], interval=0.05)
    code, out, _ = threadline("devices", "listen", "--profile", "gauge-mitutoyo", "--port", sim.path,
                              "--device", "height-gauge", "--count", "2")
    lines = json_lines(out)
    assert code == 0 and lines[0]["kind"] == "state"
    readings = [line for line in lines if line["kind"] == "measurement"]
    assert [(r["value"], r["channel"], r["device"]) for r in readings] == [(0.123, 1, "height-gauge"),
                                                                          (-0.04, 2, "height-gauge")]


def test_simulate_opens_a_pty_that_a_reader_can_use_until_ctrl_c(tmp_path, events, start_reader):
    script = tmp_path / "bore.txt"
    script.write_text("# bore diameter\n+012.345=\n")
    command = [sys.executable, "-c", HARNESS, "simulate", "gauge", "--profile", "gauge-sylvac", "--script",
               str(script)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONWARNINGS": "error"})
    try:
        announcement = process.stdout.readline()
        path = announcement.split(" on ")[1].split(" — ")[0]
        assert os.path.exists(path), announcement
        reader = start_reader(BUILT_IN["gauge-sylvac"].on_port(path))
        events.state(DeviceState.CONNECTED)
        reader.request()
        assert events.readings(1)[0].reading == Measurement(12.345, "mm", tolerance="within")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=10)
        finally:
            if process.poll() is None:  # never leave the simulator running after the test
                process.kill()
                process.communicate()
    assert process.returncode == 0 and err == ""
