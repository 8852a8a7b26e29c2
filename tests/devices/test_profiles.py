"""Profiles: the built-in set, station profiles from JSON, and finding the port of a device."""

from __future__ import annotations

import json

import pytest
from serial.tools.list_ports_common import ListPortInfo

from app.devices.errors import DeviceError
from app.devices.ports import PortMatch, resolve
from app.devices.profiles import BUILT_IN, load_profiles
from app.devices.reader import Backoff


def test_the_built_in_profiles():
    assert set(BUILT_IN) >= {"scanner-cr", "scanner-stx", "rfid-125khz", "rfid-ru5102", "gauge-mitutoyo",
                             "gauge-sylvac", "gauge-mahr"}
    sylvac = BUILT_IN["gauge-sylvac"]
    assert (sylvac.serial.baudrate, sylvac.serial.bytesize, sylvac.serial.parity, sylvac.serial.stopbits) \
        == (4800, 7, "E", 2)
    assert BUILT_IN["rfid-ru5102"].request == bytes.fromhex("04 00 01 DB 4B")


def test_a_station_profile_names_a_base_and_what_differs(tmp_path):
    path = tmp_path / "devices.json"
    path.write_text(json.dumps({"profiles": [
        {"name": "bench-3-scanner", "base": "scanner-cr", "port": {"vid": "0C2E", "pid": "0x0B61"},
         "options": {"gs_substitute": "^"}},
        {"name": "bore-gauge", "base": "gauge-sylvac", "port": "/dev/ttyUSB3", "poll_interval": 0.5,
         "serial": {"baudrate": 9600}},
        {"name": "uhf-gate", "base": "rfid-ru5102", "request_hex": "04 01 01 B3 E0", "hold": 5},
    ]}))
    profiles = load_profiles(path)
    scanner, gauge, gate = profiles["bench-3-scanner"], profiles["bore-gauge"], profiles["uhf-gate"]
    assert scanner.port == PortMatch(vid=0x0C2E, pid=0x0B61) and scanner.options == {"gs_substitute": "^"}
    assert scanner.make_decoder().gs_substitute == "^"
    assert gauge.port.path == "/dev/ttyUSB3" and gauge.serial.describe() == "9600 7E2"
    assert gauge.request == b"?\r"
    assert gate.request == bytes.fromhex("04 01 01 B3 E0") and gate.hold == 5
    assert "scanner-cr" in profiles


@pytest.mark.parametrize(("entry", "message"), [
    ({"base": "scanner-cr"}, "has no name"),
    ({"name": "x", "base": "nope"}, "based on 'nope'"),
    ({"name": "x", "base": "gauge-mahr", "colour": "red"}, "unknown key 'colour'"),
    ({"name": "x", "base": "gauge-mahr", "options": {"unit": "mm"}}, "takes no arguments"),
    ({"name": "x", "base": "gauge-sylvac", "serial": {"parity": "X"}}, "settings 4800 7X2 are impossible"),
    ({"name": "x", "kind": "printer", "framing": "cr", "decoder": "mahr"}, "kind must be one of"),
    ({"name": "x", "base": "scanner-cr", "framing": "morse"}, "framing must be one of"),
    ({"name": "x", "base": "scanner-cr", "port": {"vid": "zz"}}, "invalid literal"),
    ({"name": "x", "base": "scanner-cr", "options": {"gs_substitute": "^^"}}, "one character"),
])
def test_a_broken_station_profile_is_a_sentence(entry, message):
    with pytest.raises(DeviceError) as error:
        load_profiles([entry])
    assert message in str(error.value)


def test_an_unreadable_profiles_file_is_a_sentence(tmp_path):
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(DeviceError, match="cannot be read"):
        load_profiles(tmp_path / "bad.json")


def _port(device: str, vid: int, pid: int, serial_number: str) -> ListPortInfo:
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid, info.serial_number = vid, pid, serial_number
    return info


def test_hot_plug_matching_by_vid_pid_and_serial_number(tmp_path):
    ports = [_port("/dev/ttyACM0", 0x0C2E, 0x0B61, "A1"), _port("/dev/ttyACM1", 0x0C2E, 0x0B61, "B2"),
             _port("/dev/ttyUSB0", 0x0403, 0x6001, "FT1")]
    assert resolve(PortMatch(vid=0x0C2E, pid=0x0B61, serial_number="B2"), ports) == "/dev/ttyACM1"
    assert resolve(PortMatch(vid=0x0403), ports) == "/dev/ttyUSB0"
    assert resolve(PortMatch(vid=0x1234), ports) is None
    assert resolve(PortMatch(), ports) is None
    assert resolve(PortMatch(path=str(tmp_path / "missing")), ports) is None
    assert resolve(PortMatch(path="socket://127.0.0.1:4001"), ports) == "socket://127.0.0.1:4001"
    described = PortMatch(vid=0x0C2E, serial_number="B2").describe()
    assert described == "the USB device with vid 0C2E, serial number B2"


def test_backoff_doubles_to_its_cap():
    delays = Backoff().delays()
    assert [next(delays) for _ in range(7)] == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0]
