"""A Modbus poller: one thread per link (a TCP server, or an RTU serial line) owns a pymodbus client, reads
each source's registers every poll interval, decodes them and reconnects with backoff when the link fails.
TCP and RTU share everything but how the client is made."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.exceptions import ModbusException
from pymodbus.framer import FramerType

from app.devices.errors import DeviceError, FrameRejected
from app.devices.events import DeviceState
from app.devices.reader import Backoff
from app.devices.sensors.config import MODBUS_RTU, MODBUS_TCP, SensorConfig
from app.devices.sensors.payload import decode_registers, register_count
from app.devices.sensors.values import (
    ConnectionChanged,
    PayloadRejected,
    SensorEvent,
    SensorValue,
    ValueReceived,
)
from app.devices.worker import ThreadWorker

log = logging.getLogger(__name__)
# pymodbus logs every failed connect at ERROR; the poller reports failures itself, once per streak.
logging.getLogger("pymodbus").addHandler(logging.NullHandler())

Sink = Callable[[SensorEvent], None]
Client = ModbusTcpClient | ModbusSerialClient
# Modbus exception codes as the device manual names them.
_EXCEPTIONS = {1: "illegal function", 2: "illegal data address", 3: "illegal data value",
               4: "device failure", 6: "device busy", 10: "gateway path unavailable",
               11: "gateway target did not respond"}


class ModbusPoller(ThreadWorker):
    """Polls the sources of one link (all with the same `connection`) in a thread of its own, reporting
    ValueReceived per good read, PayloadRejected per exception reply or undecodable registers, and
    ConnectionChanged as the link comes and goes."""

    def __init__(self, sources: Sequence[SensorConfig], sink: Sink, *, interval: float = 1.0,
                 timeout: float = 1.0, backoff: Backoff = Backoff(initial=0.5, cap=10.0)) -> None:
        links = {s.connection for s in sources}
        if len(links) != 1 or sources[0].kind not in (MODBUS_TCP, MODBUS_RTU):
            raise DeviceError("A Modbus poller reads the sources of one Modbus link.")
        super().__init__(f"sensor-{sources[0].connection}")
        self.sources = tuple(sources)
        self.connection = sources[0].connection
        self.interval = interval
        self.backoff = backoff
        self._timeout = timeout
        self._stop_slack = timeout  # a request under way ends by its timeout
        self._sink = sink
        self._state = ConnectionChanged(self.connection, DeviceState.DISCONNECTED)

    @property
    def state(self) -> DeviceState:
        return self._state.state

    def _run(self) -> None:
        delays, reported = self.backoff.delays(), False
        where = self.sources[0].address
        while not self._stopping.is_set():
            if not reported:  # during a streak of failures the link stays "error" until it is back
                self._set_state(DeviceState.CONNECTING, where)
            client = self._client()
            try:
                if not client.connect():
                    raise DeviceError(f"The Modbus device at {where} cannot be reached. Check that it is on "
                                      "and connected; Threadline keeps trying.")
                self._set_state(DeviceState.CONNECTED, where)
                delays, reported = self.backoff.delays(), False
                while not self._stopping.is_set():
                    for config in self.sources:
                        self._read(client, config)
                    self._stopping.wait(self.interval)
            except (ModbusException, OSError, DeviceError) as exc:
                failure = str(exc) if isinstance(exc, DeviceError) else (
                    f"The Modbus device at {where} stopped answering ({exc}). Check its cable and power; "
                    "Threadline reconnects by itself.")
                if not reported:
                    log.warning("%s", failure)
                reported = True
                self._set_state(DeviceState.ERROR, failure)
            finally:
                client.close()
            self._stopping.wait(next(delays))
        self._set_state(DeviceState.DISCONNECTED, "stopped")

    def _client(self) -> Client:
        config = self.sources[0]
        if config.kind == MODBUS_TCP:
            host, port = config.tcp_endpoint()
            return ModbusTcpClient(host, port=port, timeout=self._timeout, retries=0)
        return ModbusSerialClient(config.address, framer=FramerType.RTU, baudrate=config.baudrate,
                                  parity=config.parity, stopbits=1, bytesize=8, timeout=self._timeout,
                                  retries=0)

    def _read(self, client: Client, config: SensorConfig) -> None:
        """One source's registers: a value, or a rejection; a failed link raises to `_run`."""
        count = register_count(config.data_type)
        read = (client.read_input_registers if config.register_kind == "input" else
                client.read_holding_registers)
        reply = read(config.register, count=count, device_id=config.unit_id)
        table = f"{config.register_kind} register {config.register} of unit {config.unit_id}"
        if reply.isError():
            code = getattr(reply, "exception_code", 0)
            what = _EXCEPTIONS.get(code, f"exception {code}")
            self._emit(PayloadRejected(config.ref, f"{config.label}: the device answered '{what}' for "
                                       f"{table}. Check the register, its table and the unit id in the "
                                       "source's settings."))
            return
        try:
            value = decode_registers(reply.registers[:count], config.data_type, scale=config.scale,
                                     word_swap=config.word_swap)
        except FrameRejected as exc:
            self._emit(PayloadRejected(config.ref, f"{config.label} ({table}): {exc}",
                                       raw=b"".join(r.to_bytes(2, "big") for r in reply.registers)))
            return
        self._emit(ValueReceived(SensorValue(value, config.unit, datetime.now(UTC), config.ref)))

    def _set_state(self, state: DeviceState, detail: str) -> None:
        change = ConnectionChanged(self.connection, state, detail)
        if change != self._state:
            self._state = change
            self._emit(change)

    def _emit(self, event: SensorEvent) -> None:
        try:
            self._sink(event)
        except Exception:  # a faulty consumer must not stop the polling
            log.exception("the sensor event sink failed on %s", event.kind)
