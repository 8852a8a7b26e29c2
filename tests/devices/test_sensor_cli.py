"""`threadline simulate mqtt|modbus` as a person runs them: a process of its own that publishes to the real
broker or serves Modbus on a loopback port until Ctrl-C, read back by the station's sensor hub."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import uuid

import pytest

from app.devices.reader import Backoff
from app.devices.sensors import MODBUS_TCP, MQTT, SensorConfig, SensorHub, ValueReceived
from tests.devices.test_cli_devices import HARNESS, threadline


def run(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", HARNESS, "simulate", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONWARNINGS": "error"})


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=10)
    finally:
        # A simulator still running after the wait must not outlive the test: left alone it kept using the
        # CPU, and its open pipes failed later tests with ResourceWarnings.
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    return err


def values(*sources: SensorConfig, count: int) -> list[ValueReceived]:
    """The first `count` values a hub on `sources` receives."""
    got: queue.Queue = queue.Queue()
    with SensorHub(sources, got.put, poll_interval=0.05, backoff=Backoff(0.05, 0.2)):
        found = []
        while len(found) < count:
            event = got.get(timeout=10)
            if isinstance(event, ValueReceived):
                found.append(event)
    return found


def test_simulate_mqtt_publishes_its_signals_until_ctrl_c():
    topic = f"threadline/test/{uuid.uuid4().hex[:12]}"
    process = run("mqtt", "--signal", f"{topic}=2950:5:rpm", "--interval", "0.05", "--seed", "1")
    try:
        banner = [process.stdout.readline() for _ in range(3)]
        assert banner[0].startswith("Simulated MQTT gateway on mqtt://127.0.0.1:1883")
        assert banner[1].strip() == f"{topic} = 2950 ± 5 rpm" and banner[2].strip() == "Ctrl-C stops it."
        got = values(SensorConfig("Spindle speed", MQTT, topic), count=2)
        assert all(2900 < v.value.value < 3000 and v.value.unit == "rpm" for v in got)
    finally:
        assert stop(process) == ""


def test_simulate_mqtt_demo_publishes_what_the_demo_machines_report():
    process = run("mqtt", "--demo", "--interval", "0.05")
    try:
        assert "threadline/demo/LTH-01/spindle_speed = 1600 ± 8 rpm" in "".join(
            process.stdout.readline() for _ in range(13))
        (furnace,) = values(SensorConfig("Furnace temperature", MQTT,
                                         "threadline/demo/FRN-01/furnace_temperature"), count=1)
        assert 1040 < furnace.value.value < 1080 and furnace.value.unit == "°C"
    finally:
        stop(process)


def test_simulate_modbus_serves_its_registers_until_ctrl_c():
    process = run("modbus", "--listen", "127.0.0.1:0", "--register", "100=2950", "--register",
                  "ir10=1063.4:float32", "--register", "20=-1.5:int16:0.1")
    try:
        banner = process.stdout.readline()
        assert banner.startswith("Simulated Modbus TCP device on 127.0.0.1:") and "(any unit id)" in banner
        address = banner.split(" on ")[1].split(" ")[0]
        lines = [process.stdout.readline().strip() for _ in range(3)]
        assert lines[1] == "input register 10 = 1063.4 (float32, scale 1)"
        sources = (SensorConfig("Speed", MODBUS_TCP, address, register=100),
                   SensorConfig("Temp", MODBUS_TCP, address, unit_id=7, register=10, register_kind="input",
                                data_type="float32"),
                   SensorConfig("Coolant", MODBUS_TCP, address, register=20, data_type="int16", scale=0.1))
        got = {v.value.source_ref: v.value.value for v in values(*sources, count=6)}
        assert got == {sources[0].ref: 2950, sources[1].ref: 1063.4, sources[2].ref: -1.5}
    finally:
        assert stop(process) == ""


@pytest.mark.parametrize(("argv", "message"), [
    (("simulate", "mqtt"), "Give the values to publish: --signal"),
    (("simulate", "mqtt", "--signal", "no-value"), "'no-value' is not a signal: write TOPIC=VALUE"),
    (("simulate", "mqtt", "--signal", "a/b=1", "--broker", "mqtt://127.0.0.1:1"),
     "The MQTT broker at mqtt://127.0.0.1:1 cannot be reached"),
    (("simulate", "modbus"), "Give the registers to hold: --register"),
    (("simulate", "modbus", "--register", "100=70000"), "'100=70000' is not a register value"),
    (("simulate", "modbus", "--register", "1=2:double"), "TYPE one of int16, uint16, float32"),
    (("simulate", "modbus", "--register", "1=2", "--listen", "host:port"), "--listen: 'port' in"),
])
def test_wrong_sensor_arguments_are_sentences(argv, message):
    code, _, err = threadline(*argv)
    assert code == 1 and message in err
