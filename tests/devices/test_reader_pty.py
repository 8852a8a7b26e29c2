"""Real reader threads on real pseudo-terminals: readings arrive decoded, unplug and re-plug recover,
nothing is lost or doubled."""

from __future__ import annotations

import dataclasses

from app.devices.events import DeviceState, Measurement, Scan, Tag
from app.devices.profiles import BUILT_IN
from app.devices.simulators.frames import encode

SGTIN = "3034257BF7194E4000001A85"
TID = "E2801160600002054E3C2A5B"


def test_scans_arrive_decoded_with_device_time_and_raw_bytes(events, start_reader, simulator):
    sim = simulator(BUILT_IN["scanner-cr"], [])
    start_reader(BUILT_IN["scanner-cr"].on_port(sim.path), device="bench-7-scanner")
    events.state(DeviceState.CONNECTED)
    sim.send("]d201095011010209171726123110ABCD1234\\x1d2112345")
    sim.send("]C0WO-10233")
    sim.send("]d201095011010209181726123110ABCD1234")
    first, second, third = events.readings(3)
    gs1 = {"01": "09501101020917", "17": "2026-12-31", "10": "ABCD1234", "21": "12345"}
    assert first.reading == Scan("01095011010209171726123110ABCD1234\x1d2112345", "]d2", gs1)
    assert first.device == "bench-7-scanner" and first.at.utcoffset().total_seconds() == 0
    assert first.raw == b"]d201095011010209171726123110ABCD1234\x1d2112345\r"
    assert second.reading == Scan("WO-10233", "]C0")
    assert third.kind == "rejected" and "check digit" in third.reading.reason


def test_a_125khz_tag_lying_on_the_reader_is_one_event(events, start_reader, simulator):
    profile = BUILT_IN["rfid-125khz"]
    sim = simulator(profile, ["0400B3BCE1"] * 30 + ["hex:02 47 41 52 42 41 47 45 03", "1A00C0FFEE"],
                    interval=0.001, start=False)
    start_reader(profile.on_port(sim.path))
    events.state(DeviceState.CONNECTED)
    sim.start()
    tag, garbage, other = events.readings(3)
    assert (tag.reading, garbage.kind, other.reading) == (Tag("0400B3BCE1"), "rejected", Tag("1A00C0FFEE"))
    assert events.pending_readings() == []


def test_the_uhf_reader_is_polled_and_each_tag_reported_once(events, start_reader, simulator):
    profile = dataclasses.replace(BUILT_IN["rfid-ru5102"], poll_interval=0.01)
    sim = simulator(profile, ["-", SGTIN, SGTIN, "hex:13 00 01", SGTIN, f"{SGTIN},{TID}"])
    start_reader(profile.on_port(sim.path))
    first, second = events.readings(2)
    assert first.reading == Tag(SGTIN, "urn:epc:id:sgtin:0614141.812345.6789", "80614141123458", "6789")
    assert second.reading == Tag(TID)
    assert second.raw == encode(profile, f"{SGTIN},{TID}")
    assert events.pending_readings() == []  # the simulator keeps answering both tags: still no repeat


def test_gauges_answer_requests_with_readings_and_errors(events, start_reader, simulator):
    sylvac = BUILT_IN["gauge-sylvac"]
    sim = simulator(sylvac, ["+012.345<", "ERR2", "+012.340="])
    reader = start_reader(sylvac.on_port(sim.path))
    events.state(DeviceState.CONNECTED)
    got = []
    for _ in range(3):
        reader.request()
        got += events.readings(1)
    assert got[0].reading == Measurement(12.345, "mm", tolerance="below")
    assert got[1].kind == "device_error" and "ERR2" in got[1].reading.message
    assert got[2].reading == Measurement(12.34, "mm", tolerance="within")


def test_a_mahr_gauge_and_a_mitutoyo_interface(events, start_reader, simulator):
    mahr = simulator(BUILT_IN["gauge-mahr"], ["+001.234mm"])
    mahr_reader = start_reader(BUILT_IN["gauge-mahr"].on_port(mahr.path), device="mahr")
    events.state(DeviceState.CONNECTED)
    mahr_reader.request()
    assert events.readings(1)[0].reading == Measurement(1.234, "mm")
    mitutoyo = simulator(BUILT_IN["gauge-mitutoyo"], ["01A+0000.123", "91"], interval=0.001, start=False)
    start_reader(BUILT_IN["gauge-mitutoyo"].on_port(mitutoyo.path), device="mitutoyo")
    events.state(DeviceState.CONNECTED)
    mitutoyo.start()
    reading, status = events.readings(2)
    assert reading.reading == Measurement(0.123, "mm", channel=1) and reading.device == "mitutoyo"
    assert status.kind == "device_error" and status.reading.code == "91"


def test_unplug_and_replug_recover_without_a_restart_and_lose_or_double_nothing(
        events, start_reader, simulator, tmp_path):
    profile = BUILT_IN["scanner-cr"]
    link = tmp_path / "ttyBench"  # the stable name a udev rule gives the scanner
    first = simulator(profile, [])
    link.symlink_to(first.path)
    start_reader(profile.on_port(str(link)))
    events.state(DeviceState.CONNECTED)
    for n in range(3):
        first.send(f"]C0WO-{n}")
    got = events.readings(3)

    first.unplug()
    link.unlink()
    assert "stopped answering" in events.next(lambda e: e.kind == "device_error").reading.message
    assert events.state(DeviceState.ERROR).reading.detail.startswith("The scanner 'bench' stopped answering")
    events.state(DeviceState.DISCONNECTED)  # the link is gone: waiting for the device

    second = simulator(profile, [])
    link.symlink_to(second.path)
    events.state(DeviceState.CONNECTED)
    for n in range(3, 6):
        second.send(f"]C0WO-{n}")
    got += events.readings(3)
    assert [e.reading.data for e in got] == [f"WO-{n}" for n in range(6)]
    assert events.pending_readings() == []


def test_a_port_another_program_holds_is_an_error_with_a_sentence(events, start_reader, simulator):
    sim = simulator(BUILT_IN["scanner-cr"], [])
    start_reader(BUILT_IN["scanner-cr"].on_port(sim.path), device="first")
    events.state(DeviceState.CONNECTED)
    start_reader(BUILT_IN["scanner-cr"].on_port(sim.path), device="second")
    fault = events.next(lambda e: e.kind == "device_error")
    assert fault.device == "second" and "cannot be opened" in fault.reading.message


def test_stopping_closes_the_port_and_ends_the_thread(events, start_reader, simulator):
    sim = simulator(BUILT_IN["scanner-cr"], [])
    reader = start_reader(BUILT_IN["scanner-cr"].on_port(sim.path))
    events.state(DeviceState.CONNECTED)
    reader.stop()
    assert events.state(DeviceState.DISCONNECTED).reading.detail == "stopped"
    assert reader.state == DeviceState.DISCONNECTED and not reader._thread.is_alive()
