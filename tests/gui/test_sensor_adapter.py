"""The sensor adapter: the hub's MQTT and Modbus events as signals on the GUI thread, against the real broker
and a real pymodbus server; stopping never blocks the GUI, and a replaced hub's last words are dropped."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from app.config import Settings
from app.devices.reader import Backoff
from app.devices.sensors import MODBUS_TCP, MQTT, SensorConfig, SensorValue
from app.devices.simulators.modbus_server import ModbusSensorServer
from app.devices.simulators.mqtt_publisher import MqttPublisher
from app.ui.sensor_adapter import SensorAdapter

BROKER = "mqtt://127.0.0.1:1883"


@pytest.fixture
def adapter(qtbot):
    adapter = SensorAdapter(broker_url=BROKER, poll_interval=0.05, backoff=Backoff(0.05, 0.2))
    yield adapter
    adapter.close()
    adapter.deleteLater()


@pytest.fixture
def publisher():
    with MqttPublisher(BROKER) as pub:
        yield pub


def connected(connection: str):
    return lambda name, state, detail: name == connection and state == "connected"


def test_values_rejections_and_states_arrive_as_signals_on_the_gui_thread(qtbot, adapter, publisher):
    topic = f"threadline/test/{uuid.uuid4().hex[:12]}"
    config = SensorConfig("Spindle speed", MQTT, topic, "rpm", "LTH-01")
    threads: list[QThread] = []
    adapter.value_received.connect(lambda ref, value: threads.append(QThread.currentThread()))
    adapter.configure([config])
    with qtbot.waitSignal(adapter.status_changed, check_params_cb=connected("mqtt"), timeout=5000):
        adapter.start()
    assert adapter.state_of("mqtt") == adapter.state_of_source(config.ref) == ("connected", BROKER)
    with qtbot.waitSignal(adapter.value_received, timeout=5000) as got:
        publisher.publish(topic, 2950, unit="rpm")
    ref, value = got.args
    assert ref == f"mqtt:{topic}" and isinstance(value, SensorValue)
    assert (value.value, value.unit) == (2950, "rpm")
    assert adapter.latest(ref) == value
    assert threads == [QCoreApplication.instance().thread()]
    with qtbot.waitSignal(adapter.payload_rejected, timeout=5000) as bad:
        publisher.publish_raw(topic, b"rpm?")
    assert bad.args[0] == ref and bad.args[1].startswith("LTH-01 Spindle speed on ") and bad.args[2] == 1
    with qtbot.waitSignal(adapter.stopped, timeout=10000):
        adapter.stop()  # returns at once; the hub stops in the background
    assert not adapter.running


def test_reconfiguring_drops_the_old_hub_and_starts_the_new_one_after_it(qtbot, adapter, publisher):
    old_topic, new_topic = (f"threadline/test/{uuid.uuid4().hex[:12]}" for _ in range(2))
    with ModbusSensorServer() as server:
        server.set_value(3, 1061, "uint16")
        modbus = SensorConfig("Furnace temperature", MODBUS_TCP, server.address, "°C", "FRN-01", register=3)
        adapter.configure([SensorConfig("Old", MQTT, old_topic)])
        with qtbot.waitSignal(adapter.status_changed, check_params_cb=connected("mqtt"), timeout=5000):
            adapter.start()
        seen: list[str] = []
        adapter.value_received.connect(lambda ref, value: seen.append(ref))
        adapter.configure([modbus, SensorConfig("New", MQTT, new_topic)])
        with qtbot.waitSignal(adapter.value_received, timeout=10000) as got:
            adapter.start()  # waits for the old hub, then starts
        assert got.args[0] == modbus.ref and got.args[1].value == 1061
        publisher.publish(old_topic, 1.0)  # nobody listens there any more
        with qtbot.waitSignal(adapter.value_received, timeout=5000,
                              check_params_cb=lambda ref, v: ref == f"mqtt:{new_topic}"):
            publisher.publish(new_topic, 2.0)
        assert f"mqtt:{old_topic}" not in seen
        assert adapter.state_of(modbus.connection)[0] == "connected"


def test_the_adapter_takes_the_broker_and_poll_interval_from_settings(qtbot, tmp_path):
    settings = Settings(tmp_path / "settings.json")
    settings.set("sensors.mqtt_url", "mqtt://broker.plant:1884")
    adapter = SensorAdapter.from_settings(settings)
    assert (adapter.broker_url, adapter.poll_interval) == ("mqtt://broker.plant:1884", 1.0)
    adapter.deleteLater()
