"""Process sensors: payload and register decoding as pure functions; the MQTT source against the real
Mosquitto broker on 127.0.0.1:1883 (a topic of its own per test); the Modbus poller against a real pymodbus
TCP server on a free loopback port; garbled data reported, never raised; links that drop come back."""

from __future__ import annotations

import math
import os
import socket
import struct
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.devices.errors import DeviceError, FrameRejected
from app.devices.events import DeviceState
from app.devices.reader import Backoff
from app.devices.sensors import (
    MODBUS_RTU,
    MODBUS_TCP,
    MQTT,
    ConnectionChanged,
    PayloadRejected,
    SensorConfig,
    SensorEvent,
    SensorHub,
    ValueReceived,
)
from app.devices.sensors.config import connection_of, split_host_port
from app.devices.sensors.modbus import ModbusPoller
from app.devices.sensors.mqtt import parse_broker_url
from app.devices.sensors.payload import decode_registers, encode_registers, parse_payload
from app.devices.simulators.modbus_server import ModbusSensorServer
from app.devices.simulators.mqtt_publisher import MqttPublisher, Signal, parse_signal
from tests.devices.conftest import EventQueue
from tests.devices.tcp_proxy import TcpProxy

BROKER = "mqtt://127.0.0.1:1883"
FAST = Backoff(initial=0.05, cap=0.2)


class Events(EventQueue[SensorEvent]):
    """What a hub delivered."""

    def value(self, ref: str) -> ValueReceived:
        found = self.next(lambda e: isinstance(e, ValueReceived) and e.value.source_ref == ref)
        assert isinstance(found, ValueReceived)
        return found

    def rejected(self) -> PayloadRejected:
        found = self.next(lambda e: isinstance(e, PayloadRejected))
        assert isinstance(found, PayloadRejected)
        return found

    def state(self, state: DeviceState, connection: str | None = None) -> ConnectionChanged:
        found = self.next(lambda e: isinstance(e, ConnectionChanged) and e.state is state
                          and connection in (None, e.connection))
        assert isinstance(found, ConnectionChanged)
        return found


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def start_hub(events: Events) -> Iterator[Callable[..., SensorHub]]:
    hubs: list[SensorHub] = []

    def start(*sources: SensorConfig, broker: str = BROKER, **kwargs) -> SensorHub:
        hub = SensorHub(sources, events.put, broker_url=broker, backoff=FAST, **kwargs)
        hubs.append(hub)
        hub.start()
        return hub

    yield start
    for hub in hubs:
        hub.stop()


@pytest.fixture
def publisher() -> Iterator[MqttPublisher]:
    with MqttPublisher(BROKER) as pub:
        yield pub


@pytest.fixture
def topic() -> str:
    return f"threadline/test/{uuid.uuid4().hex[:12]}"


@pytest.fixture
def modbus() -> Iterator[ModbusSensorServer]:
    with ModbusSensorServer() as server:
        yield server


# --- pure decoding ---------------------------------------------------------------------------------------

def test_payloads_are_bare_numbers_or_json_with_value_unit_and_time():
    assert parse_payload(b" 2950\n").value == 2950.0
    full = parse_payload(b'{"value": 2950.5, "unit": "rpm", "ts": "2026-03-01T10:15:00Z"}')
    assert (full.value, full.unit, full.ts) == (2950.5, "rpm", datetime(2026, 3, 1, 10, 15, tzinfo=UTC))
    assert parse_payload(b'{"value": "1060.5"}').value == 1060.5  # gateways that quote their numbers
    offset = parse_payload(b'{"value": 1, "ts": "2026-03-01T11:15:00+01:00"}').ts
    assert offset is not None and offset.astimezone(UTC) == datetime(2026, 3, 1, 10, 15, tzinfo=UTC)


@pytest.mark.parametrize(("payload", "phrase"), [
    (b"", "The payload is empty."),
    (b"hello", "'hello' is neither a number nor JSON like"),
    (b"nan", "'nan' is not a measured value."),
    (b"\xff\xfe\x00", "is not text"),
    (b'{"temperature": 3}', "has no \"value\""),
    (b"[1, 2]", "has no \"value\""),
    (b'{"value": true}', "\"value\" is true, not a number."),
    (b'{"value": "fast"}', "\"value\" is \"fast\", not a number."),
    (b'{"value": 1, "unit": 5}', "\"unit\" is 5, not a unit symbol"),
    (b'{"value": 1, "ts": "yesterday"}', "not an ISO-8601 time"),
    (b'{"value": 1, "ts": 1700000000}', "not an ISO-8601 time"),
    (b'{"value": 1, "ts": "2026-03-01T10:15:00"}', "has no time zone"),
    (b"1" * 2000, "too long for one value"),
])
def test_garbled_payloads_say_what_is_wrong(payload, phrase):
    with pytest.raises(FrameRejected) as caught:
        parse_payload(payload)
    assert phrase in str(caught.value)


@given(st.sampled_from(["int16", "uint16", "float32"]), st.floats(-300, 300), st.booleans(),
       st.sampled_from([1.0, 0.1, 0.01]))
def test_registers_decode_what_a_device_encodes(data_type, value, word_swap, scale):
    if data_type == "uint16":
        value = abs(value)
    words = encode_registers(value, data_type, scale=scale, word_swap=word_swap)
    decoded = decode_registers(words, data_type, scale=scale, word_swap=word_swap)
    tolerance = scale / 2 + 1e-9 if data_type != "float32" else abs(value) * 1e-6 + 1e-9
    assert abs(decoded - value) <= tolerance


def test_register_decoding_by_type_scale_and_word_order():
    assert decode_registers([0xFF83], "int16", scale=0.1) == -12.5
    assert decode_registers([0xFF83], "uint16") == 65411
    assert decode_registers([10634], "uint16", scale=0.1) == 1063.4  # not 1063.4000000000001
    high, low = struct.unpack(">HH", struct.pack(">f", 1063.4))
    assert decode_registers([high, low], "float32") == 1063.4  # not 1063.4000244140625
    assert decode_registers([low, high], "float32", word_swap=True) == 1063.4
    with pytest.raises(FrameRejected, match="hold no number"):
        decode_registers([0x7FC0, 0x0000], "float32")
    with pytest.raises(FrameRejected, match="a float32 takes 2"):
        decode_registers([1], "float32")
    with pytest.raises(ValueError, match="40000 does not fit a int16 register at scale 1"):
        encode_registers(40000, "int16")


def test_addresses_and_references():
    assert split_host_port("10.0.0.5:5020", default_port=502) == ("10.0.0.5", 5020)
    assert split_host_port("plc-7", default_port=502) == ("plc-7", 502)
    assert split_host_port("[::1]:1502", default_port=502) == ("::1", 1502)
    with pytest.raises(ValueError, match="not a TCP port"):
        split_host_port("plc:abc", default_port=502)
    assert SensorConfig("Speed", MQTT, "plant/x").ref == "mqtt:plant/x"
    modbus = SensorConfig("Temp", MODBUS_TCP, "10.0.0.5:502", unit_id=3, register=7, register_kind="input")
    assert (modbus.ref, modbus.connection) == ("modbus:10.0.0.5:502/3/ir7", "modbus:10.0.0.5:502")
    rtu = SensorConfig("Temp", MODBUS_RTU, "/dev/ttyUSB0", register=12)
    for config in (modbus, rtu, SensorConfig("Speed", MQTT, "plant/lth-01/a/b")):
        assert connection_of(config.ref) == config.connection
    broker = parse_broker_url("mqtts://line%402:s3cret@broker.plant")
    assert (broker.host, broker.port, broker.tls, broker.username, broker.password) == (
        "broker.plant", 8883, True, "line@2", "s3cret")
    with pytest.raises(DeviceError, match="is not a broker address"):
        parse_broker_url("http://broker")
    assert parse_signal("a/b=2950:10:rpm") == Signal("a/b", 2950.0, 10.0, "rpm")
    with pytest.raises(DeviceError, match="TOPIC=VALUE"):
        parse_signal("a/b")


# --- MQTT against the real broker ------------------------------------------------------------------------

def test_mqtt_values_arrive_with_their_unit_time_and_source(start_hub, events, publisher, topic):
    config = SensorConfig("Spindle speed", MQTT, f"{topic}/rpm", "rpm", "LTH-01")
    other = SensorConfig("Feed", MQTT, f"{topic}/feed", "mm/rev", "LTH-01")
    hub = start_hub(config, other)
    assert events.state(DeviceState.CONNECTED).detail == BROKER
    before = datetime.now(UTC)
    publisher.publish_raw(config.address, b"2950")
    bare = events.value(config.ref).value
    assert (bare.value, bare.unit, bare.source_ref) == (2950.0, "rpm", f"mqtt:{topic}/rpm")
    assert before <= bare.read_at <= datetime.now(UTC)  # no time stamp: when it arrived
    stamp = datetime(2026, 3, 1, 10, 15, 0, 250000, tzinfo=UTC)
    publisher.publish(config.address, 3010.5, unit="1/min", ts=stamp)
    sent = events.value(config.ref).value
    assert (sent.value, sent.unit, sent.read_at) == (3010.5, "1/min", stamp)
    assert hub.latest(config.ref) == sent and hub.latest(other.ref) is None
    publisher.publish(f"{topic}/unrelated", 1.0)
    publisher.publish(other.address, 0.12)
    assert events.value(other.ref).value.unit == "mm/rev"  # the source's unit when the payload has none
    assert not any(isinstance(e, ValueReceived) and "unrelated" in e.value.source_ref for e in events.seen)


def test_garbled_mqtt_payloads_are_counted_and_reported_never_raised(start_hub, events, publisher, topic):
    config = SensorConfig("Furnace temperature", MQTT, topic, "°C", "FRN-01")
    hub = start_hub(config)
    events.state(DeviceState.CONNECTED)
    publisher.publish_raw(topic, b"\x00\x01 garbage")
    first = events.rejected()
    assert first.source_ref == config.ref and first.count == 1 and first.raw == b"\x00\x01 garbage"
    assert first.reason.startswith(f"FRN-01 Furnace temperature on {topic}: ")
    assert first.reason.endswith("Check what the sensor gateway publishes there.")
    publisher.publish_raw(topic, b'{"value": 1, "ts": "soon"}')
    assert events.rejected().count == 2 and hub.rejected(config.ref) == 2
    publisher.publish_raw(topic, b"1061.5")  # the source carries on after garbage
    assert events.value(config.ref).value.value == 1061.5


def test_a_retained_value_counts_only_with_its_time_stamp(start_hub, events, publisher, topic):
    """On subscribing, the broker hands over the last retained payload: without a time stamp its age is
    unknown, so it must not pass for a fresh value."""
    bare = SensorConfig("Bare", MQTT, f"{topic}/bare", "bar")
    stamped = SensorConfig("Stamped", MQTT, f"{topic}/stamped", "bar")
    publisher.publish_raw(bare.address, b"240.1", retain=True)
    stamp = datetime.now(UTC) - timedelta(minutes=5)
    publisher.publish(stamped.address, 239.9, ts=stamp, retain=True)
    try:
        hub = start_hub(bare, stamped)
        assert events.value(stamped.ref).value.read_at == stamp
        publisher.publish_raw(bare.address, b"240.3")  # live, not retained
        assert events.value(bare.ref).value.value == 240.3
        assert [e.value.value for e in events.seen if isinstance(e, ValueReceived)
                and e.value.source_ref == bare.ref] == [240.3]
        assert hub.latest(bare.ref).value == 240.3
    finally:  # an empty retained payload clears the topic on the broker
        publisher.publish_raw(bare.address, b"", retain=True)
        publisher.publish_raw(stamped.address, b"", retain=True)


def test_mqtt_reconnects_and_subscribes_again_after_the_network_drops(start_hub, events, publisher, topic):
    config = SensorConfig("Test pressure", MQTT, topic, "bar", "LKT-01")
    with TcpProxy(("127.0.0.1", 1883)) as proxy:
        hub = start_hub(config, broker=f"mqtt://127.0.0.1:{proxy.port}")
        events.state(DeviceState.CONNECTED)
        publisher.publish_raw(topic, b"240.0")
        events.value(config.ref)
        proxy.cut()
        lost = events.state(DeviceState.ERROR)
        assert f"mqtt://127.0.0.1:{proxy.port}" in lost.detail and "reconnects by itself" in lost.detail
        assert hub.state("mqtt")[0] is DeviceState.ERROR
        proxy.restore()
        events.state(DeviceState.CONNECTED)
        publisher.publish_raw(topic, b"240.7")
        assert events.value(config.ref).value.value == 240.7


def test_an_unreachable_broker_is_reported_and_retried(start_hub, events):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start_hub(SensorConfig("Speed", MQTT, "x/y"), broker=f"mqtt://127.0.0.1:{port}")
    failed = events.state(DeviceState.ERROR)
    assert failed.detail.startswith(f"The MQTT broker at mqtt://127.0.0.1:{port} cannot be reached.")
    assert "keeps trying" in failed.detail


def test_the_publisher_simulator_publishes_its_signals_on_a_timer(start_hub, events, topic):
    config = SensorConfig("Speed", MQTT, topic, "rpm")
    start_hub(config)
    events.state(DeviceState.CONNECTED)
    with MqttPublisher(BROKER, [Signal(topic, 2950, 5, "rpm")], interval=0.05, seed=3):
        values = [events.value(config.ref).value for _ in range(3)]
    assert all(2900 < v.value < 3000 and v.unit == "rpm" for v in values)
    assert values[0].read_at <= values[1].read_at <= values[2].read_at


# --- Modbus TCP against a real pymodbus server ------------------------------------------------------------

def test_modbus_registers_are_polled_and_decoded(start_hub, events, modbus):
    speed = SensorConfig("Spindle speed", MODBUS_TCP, modbus.address, "rpm", "LTH-02", register=100)
    temp = SensorConfig("Furnace temperature", MODBUS_TCP, modbus.address, "°C", "FRN-01", unit_id=2,
                        register=10, register_kind="input", data_type="float32", word_swap=True)
    coolant = SensorConfig("Coolant temperature", MODBUS_TCP, modbus.address, "°C", "GRD-01", register=20,
                           data_type="int16", scale=0.1)
    modbus.set_value(100, 2950)
    modbus.set_value(10, 1063.4, "float32", table="input", word_swap=True)
    modbus.set_value(20, -1.5, "int16", scale=0.1)
    hub = start_hub(speed, temp, coolant, poll_interval=0.05)
    assert events.state(DeviceState.CONNECTED).connection == f"modbus:{modbus.address}"
    got = {config.ref: events.value(config.ref).value for config in (speed, temp, coolant)}
    assert [(v.value, v.unit) for v in got.values()] == [(2950, "rpm"), (1063.4, "°C"), (-1.5, "°C")]
    assert got[temp.ref].source_ref == f"modbus:{modbus.address}/2/ir10"
    modbus.set_value(100, 3020)
    events.next(lambda e: isinstance(e, ValueReceived) and e.value.value == 3020)
    assert hub.latest(speed.ref).value == 3020


def test_modbus_replies_that_give_no_value_are_reported_and_polling_goes_on(start_hub, events, modbus):
    wrong = SensorConfig("Spindle speed", MODBUS_TCP, modbus.address, "rpm", "LTH-02", register=5000)
    nan = SensorConfig("Temp", MODBUS_TCP, modbus.address, "°C", "FRN-01", register=10, data_type="float32")
    good = SensorConfig("Feed", MODBUS_TCP, modbus.address, "mm/rev", "LTH-02", register=30, scale=0.001)
    modbus.set_registers(10, [0x7FC0, 0x0000])  # a controller's "no measurement"
    modbus.set_value(30, 0.12, scale=0.001)
    hub = start_hub(wrong, nan, good, poll_interval=0.05)
    rejected = {}
    while len(rejected) < 2:
        event = events.rejected()
        rejected[event.source_ref] = event
    assert rejected[wrong.ref].reason == (
        "LTH-02 Spindle speed: the device answered 'illegal data address' for holding register 5000 of "
        "unit 1. Check the register, its table and the unit id in the source's settings.")
    assert "hold no number" in rejected[nan.ref].reason and rejected[nan.ref].raw == b"\x7f\xc0\x00\x00"
    assert events.value(good.ref).value.value == 0.12
    events.next(lambda e: isinstance(e, PayloadRejected) and e.source_ref == wrong.ref and e.count >= 3)
    assert hub.rejected(wrong.ref) >= 3 and hub.latest(wrong.ref) is None


def test_modbus_reconnects_when_the_device_comes_back(start_hub, events, modbus):
    config = SensorConfig("Test pressure", MODBUS_TCP, modbus.address, "bar", "LKT-01", register=1, scale=0.1)
    modbus.set_value(1, 240.0, scale=0.1)
    hub = start_hub(config, poll_interval=0.05)
    assert events.value(config.ref).value.value == 240.0
    port = modbus.port
    modbus.stop()  # switched off
    lost = events.state(DeviceState.ERROR)
    assert lost.detail.startswith(f"The Modbus device at 127.0.0.1:{port} ")
    assert hub.state(config.connection)[0] is DeviceState.ERROR
    with ModbusSensorServer(port=port) as again:
        again.set_value(1, 241.5, scale=0.1)
        events.state(DeviceState.CONNECTED)
        assert events.next(lambda e: isinstance(e, ValueReceived)).value.value == 241.5
    hub.stop()
    assert events.state(DeviceState.DISCONNECTED).detail == "stopped"


def test_a_hub_with_both_kinds_reports_each_link(start_hub, events, modbus, publisher, topic):
    mqtt_source = SensorConfig("Bonnet torque", MQTT, topic, "Nm", "TRQ-01")
    modbus_source = SensorConfig("Leak rate", MODBUS_TCP, modbus.address, "mbar·l/s", "LKT-01", register=4,
                                 data_type="float32")
    modbus.set_value(4, 2.1e-5, "float32")
    hub = start_hub(mqtt_source, modbus_source, poll_interval=0.05)
    assert sorted(hub.connections) == sorted(["mqtt", modbus_source.connection])
    events.state(DeviceState.CONNECTED, "mqtt")
    publisher.publish(topic, 45.1, unit="Nm")
    assert events.value(mqtt_source.ref).value.value == 45.1
    assert math.isclose(events.value(modbus_source.ref).value.value, 2.1e-5, rel_tol=1e-6)


# --- Modbus RTU: the same poller on a serial line ----------------------------------------------------------

@pytest.fixture
def serial_line(tmp_path) -> Iterator[tuple[str, str]]:
    """Two ends of a null-modem cable (socat's pty pair): the device's and the app's."""
    device, app = str(tmp_path / "device"), str(tmp_path / "app")
    socat = subprocess.Popen(["socat", f"pty,raw,echo=0,link={device}", f"pty,raw,echo=0,link={app}"],
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 5
    while not (os.path.exists(device) and os.path.exists(app)):
        assert time.monotonic() < deadline and socat.poll() is None, "socat did not make its ptys"
        time.sleep(0.02)
    yield device, app
    socat.terminate()
    socat.wait(5)


def test_modbus_rtu_is_read_through_the_same_poller(start_hub, events, serial_line):
    device, app = serial_line
    # A pty refuses parity settings (and ignores baud rates): the line runs 8N1 here; the settings a
    # source gives are checked on the client below.
    with ModbusSensorServer(serial_port=device) as server:
        server.set_value(7, 1061.5, "float32", table="input")
        config = SensorConfig("Furnace temperature", MODBUS_RTU, app, "°C", "FRN-01", unit_id=5, register=7,
                              register_kind="input", data_type="float32")
        hub = start_hub(config, poll_interval=0.05)
        assert events.state(DeviceState.CONNECTED).connection == f"modbus:{app}"
        got = events.value(config.ref).value
        assert (got.value, got.unit, got.source_ref) == (1061.5, "°C", f"modbus:{app}/5/ir7")
        assert hub.latest(config.ref) == got


def test_an_rtu_source_opens_its_line_with_its_serial_settings():
    config = SensorConfig("T", MODBUS_RTU, "/dev/ttyUSB7", baudrate=9600, parity="E")
    client = ModbusPoller([config], lambda event: None)._client()
    params = client.comm_params
    assert (params.host, params.baudrate, params.parity, params.bytesize, params.stopbits) == (
        "/dev/ttyUSB7", 9600, "E", 8, 1)
