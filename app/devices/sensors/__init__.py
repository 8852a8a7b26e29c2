"""Process sensors, Qt-free: MQTT topics and Modbus registers of the station's equipment, read in threads
of their own by a `SensorHub` that keeps the latest value per source (see `hub.SensorHub`)."""

from app.devices.sensors.config import MODBUS_RTU, MODBUS_TCP, MQTT, SensorConfig, connection_of, source_ref
from app.devices.sensors.hub import SensorHub
from app.devices.sensors.values import (
    ConnectionChanged,
    PayloadRejected,
    SensorEvent,
    SensorValue,
    ValueReceived,
)

__all__ = ["MODBUS_RTU", "MODBUS_TCP", "MQTT", "ConnectionChanged", "PayloadRejected", "SensorConfig",
           "SensorEvent", "SensorHub", "SensorValue", "ValueReceived", "connection_of", "source_ref"]
