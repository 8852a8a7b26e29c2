"""Where a sensor value comes from: one parameter of one piece of equipment on an MQTT topic or in a Modbus
register, and the reference (`source_ref`) that names it on screen and in the step record."""

from __future__ import annotations

from dataclasses import dataclass

MQTT, MODBUS_TCP, MODBUS_RTU = "mqtt", "modbus_tcp", "modbus_rtu"
KINDS = (MQTT, MODBUS_TCP, MODBUS_RTU)
REGISTER_KINDS = ("holding", "input")
DATA_TYPES = ("int16", "uint16", "float32")
PARITIES = ("N", "E", "O")


@dataclass(frozen=True)
class SensorConfig:
    """One source. `address` is the MQTT topic, the Modbus TCP server as `host:port`, or the serial port of
    a Modbus RTU line. The register fields are for Modbus, `baudrate` and `parity` for RTU only."""

    name: str  # the parameter, as operations call it ("Spindle speed")
    kind: str  # MQTT, MODBUS_TCP or MODBUS_RTU
    address: str
    unit: str | None = None  # the unit the source reports in, unless an MQTT payload names its own
    equipment: str = ""  # the equipment's code, for messages
    unit_id: int = 1
    register: int = 0
    register_kind: str = "holding"
    data_type: str = "uint16"
    scale: float = 1.0
    word_swap: bool = False
    baudrate: int = 19200
    parity: str = "N"

    @property
    def ref(self) -> str:
        return source_ref(self.kind, self.address, self.unit_id, self.register, self.register_kind)

    @property
    def connection(self) -> str:
        """The link this source is read over: the broker for every MQTT source, else the Modbus server or
        serial line (sources on one link share one client and one thread)."""
        return "mqtt" if self.kind == MQTT else f"modbus:{self.address}"

    @property
    def label(self) -> str:
        """'LTH-01 Spindle speed': how messages name the source."""
        return f"{self.equipment} {self.name}".strip()

    def tcp_endpoint(self) -> tuple[str, int]:
        return split_host_port(self.address, default_port=502)


def source_ref(kind: str, address: str, unit_id: int | None = None, register: int | None = None,
               register_kind: str | None = "holding") -> str:
    """`mqtt:<topic>`, or `modbus:<host:port or serial port>/<unit id>/hr<register>` (`ir` for an input
    register: both tables may hold a register of the same number)."""
    if kind == MQTT:
        return f"mqtt:{address}"
    table = "ir" if register_kind == "input" else "hr"
    return f"modbus:{address}/{unit_id if unit_id is not None else 1}/{table}{register or 0}"


def connection_of(ref: str) -> str:
    """The link a source reference is read over (`SensorConfig.connection`): "mqtt" for `mqtt:…`, else
    "modbus:<address>" — what a page needs to show a parameter's sensor as offline."""
    if ref.startswith("mqtt:"):
        return "mqtt"
    return ref.rsplit("/", 2)[0]


def split_host_port(address: str, *, default_port: int, any_port: bool = False) -> tuple[str, int]:
    """`host`, `host:port`, `[v6]:port` → (host, port); ValueError with a sentence for anything else.
    `any_port`: port 0 (a free one, for a server to listen on) is allowed."""
    text = address.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if not host:
        raise ValueError(f"'{address}' names no host. Write it as host:port, e.g. 192.168.0.10:502.")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not (0 if any_port else 1) <= int(port_text) < 65536:
        raise ValueError(f"'{port_text}' in '{address}' is not a TCP port (1–65535).")
    return host, int(port_text)
