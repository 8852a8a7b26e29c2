"""A simulated Modbus device: pymodbus's own server, on a TCP port of this machine or on a serial port (an
RTU line; a pty of a socat pair in tests), holding process values in holding and input registers that a test
or a person changes while the app polls them."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Self

from pymodbus.framer import FramerType
from pymodbus.server import ModbusSerialServer, ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from app.devices.errors import DeviceError
from app.devices.sensors.config import DATA_TYPES
from app.devices.sensors.payload import encode_registers

# Function codes whose table the server's datastore writes to: 16 holding registers, 4 input registers.
_TABLE_CODE = {"holding": 16, "input": 4}


@dataclass(frozen=True)
class RegisterValue:
    """A value the simulated device holds: `register` of `table`, as `data_type` at `scale`."""

    register: int
    value: float
    data_type: str = "uint16"
    table: str = "holding"
    scale: float = 1.0

    def describe(self) -> str:
        return (f"{self.table} register {self.register} = {self.value:g} ({self.data_type}, "
                f"scale {self.scale:g})")


def parse_register(spec: str) -> RegisterValue:
    """`[ir]N=VALUE[:TYPE[:SCALE]]`: `100=2950`, `ir10=1063.4:float32`, `20=-1.5:int16:0.1` (ir: an input
    register, else a holding register)."""
    address, sep, rest = spec.strip().partition("=")
    table = "input" if address.lower().startswith("ir") else "holding"
    number = address[2:] if address.lower().startswith(("ir", "hr")) else address
    parts = rest.split(":")
    try:
        if not sep or not number.isdigit() or len(parts) > 3:
            raise ValueError
        data_type = parts[1] if len(parts) > 1 and parts[1] else "uint16"
        if data_type not in DATA_TYPES:
            raise ValueError
        result = RegisterValue(int(number), float(parts[0]), data_type, table,
                               float(parts[2]) if len(parts) > 2 else 1.0)
        encode_registers(result.value, data_type, scale=result.scale)  # it must fit its type
    except ValueError:
        raise DeviceError(f"'{spec}' is not a register value: write [ir]N=VALUE[:TYPE[:SCALE]] with TYPE one "
                          f"of {', '.join(DATA_TYPES)}, e.g. 100=2950 or ir10=1063.4:float32.") from None
    return result


class ModbusSensorServer:
    """Serves registers 0…`size`-1 of both tables to any unit id, on `host:port` (port 0: a free one,
    known from `port` after `start`), or as an RTU device on `serial_port`. Reads beyond `size` get the
    exception 'illegal data address', as a real device answers a wrong register. Stopping it is a device
    switched off: clients lose the link."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, size: int = 1000,
                 serial_port: str | None = None, baudrate: int = 19200, parity: str = "N") -> None:
        self.host = host
        self.port = port
        self.size = size
        self.serial_port = serial_port
        self._serial = {"baudrate": baudrate, "parity": parity}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: ModbusTcpServer | ModbusSerialServer | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"modbus-simulator-{port}", daemon=True)

    @property
    def address(self) -> str:
        """What a source's address is for this device: `host:port`, or the serial port."""
        return self.serial_port or f"{self.host}:{self.port}"

    def start(self) -> Self:
        self._thread.start()
        if not self._ready.wait(10.0) or self._failure is not None:
            self.stop()
            raise DeviceError(f"The Modbus simulator cannot listen on {self.address} ({self._failure}). Is "
                              "another program using that port?")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._server is not None and self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self._server.shutdown(), self._loop).result(5.0)
        if self._thread.is_alive():
            self._thread.join(5.0)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def set_value(self, register: int, value: float, data_type: str = "uint16", *, table: str = "holding",
                  scale: float = 1.0, word_swap: bool = False) -> list[int]:
        """Hold `value` as a device would (raw = value / scale); returns the registers written."""
        words = encode_registers(value, data_type, scale=scale, word_swap=word_swap)
        self.set_registers(register, words, table=table)
        return words

    def set_registers(self, register: int, words: list[int], *, table: str = "holding") -> None:
        """Raw 16-bit words from `register` on: also how a test puts garbage (a NaN float) in a device."""
        if self._loop is None or self._server is None:
            raise DeviceError("The Modbus simulator is not running: start it first.")
        server = self._server
        future = asyncio.run_coroutine_threadsafe(
            server.async_setValues(0, _TABLE_CODE[table], register, list(words)), self._loop)
        future.result(5.0)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # noqa: BLE001 — handed to start(), which raises it for people
            self._failure = exc
            self._ready.set()

    async def _serve(self) -> None:
        bits = [SimData(0, values=[False] * 16, datatype=DataType.BITS)]
        registers = [SimData(0, count=self.size, values=0, datatype=DataType.UINT16)]
        device = SimDevice(0, simdata=(bits, [SimData(0, values=[False] * 16, datatype=DataType.BITS)],
                                       registers, [SimData(0, count=self.size, values=0,
                                                           datatype=DataType.UINT16)]))
        if self.serial_port:
            self._server = ModbusSerialServer(
                device, framer=FramerType.RTU, port=self.serial_port, bytesize=8, stopbits=1,
                **self._serial)  # type: ignore[arg-type]
        else:
            self._server = ModbusTcpServer(device, address=(self.host, self.port))
        await self._server.serve_forever(background=True)
        listener = self._server.transport
        sockets = getattr(listener, "sockets", None)
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._loop = asyncio.get_running_loop()
        self._ready.set()
        await self._server.serving
