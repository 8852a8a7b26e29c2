"""Device profiles: how to talk to one kind of device (port, serial settings, framing, decoder, polling),
the built-in set, and station profiles loaded from JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.devices.errors import DeviceError
from app.devices.events import Reading
from app.devices.framing import Discard, Framer, LengthCrcFramer, StxEtxFramer, SuffixFramer, log_discard
from app.devices.gauges import MahrDecoder, MitutoyoDecoder, SylvacDecoder
from app.devices.ports import PortMatch
from app.devices.rfid import RU5102_INVENTORY, decode_rdm6300, decode_ru5102, ru5102_frame
from app.devices.scanner import ScanDecoder

Decoder = Callable[[bytes], list[Reading]]

KINDS = ("scanner", "rfid", "gauge")
FRAMINGS: dict[str, Callable[[int, Discard], Framer]] = {
    "cr": lambda size, discard: SuffixFramer(b"\r", size, discard),  # CR or CRLF
    "lf": lambda size, discard: SuffixFramer(b"\n", size, discard),
    "stx-etx": lambda size, discard: StxEtxFramer(size, discard),
    "len-crc16": lambda size, discard: LengthCrcFramer(max_length=min(size, 256), on_discard=discard),
}
DECODERS: dict[str, Callable[..., Decoder]] = {
    "aim-gs1": ScanDecoder,
    "rdm6300": lambda: decode_rdm6300,
    "ru5102": lambda: decode_ru5102,
    "mitutoyo": MitutoyoDecoder,
    "sylvac": SylvacDecoder,
    "mahr": MahrDecoder,
}


@dataclass(frozen=True)
class SerialSettings:
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1

    def describe(self) -> str:
        return f"{self.baudrate} {self.bytesize}{self.parity}{self.stopbits:g}"


@dataclass(frozen=True)
class Profile:
    """`options` are the decoder's keyword arguments (unit, gs_substitute, require_aim); `request` is sent
    every `poll_interval` seconds when that is set, and on demand; `hold` is the tag de-duplication time."""

    name: str
    kind: str
    framing: str
    decoder: str
    description: str = ""
    serial: SerialSettings = field(default_factory=SerialSettings)
    port: PortMatch = field(default_factory=PortMatch)
    options: Mapping[str, Any] = field(default_factory=dict)
    max_frame: int = 4096
    request: bytes | None = None
    poll_interval: float | None = None
    hold: float = 0.0

    def __post_init__(self) -> None:
        problems = []
        if self.kind not in KINDS:
            problems.append(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.framing not in FRAMINGS:
            problems.append(f"framing must be one of {', '.join(FRAMINGS)}, not {self.framing!r}")
        if self.decoder not in DECODERS:
            problems.append(f"decoder must be one of {', '.join(DECODERS)}, not {self.decoder!r}")
        if self.serial.parity not in "NEOMS" or self.serial.bytesize not in (5, 6, 7, 8) \
                or self.serial.stopbits not in (1, 1.5, 2):
            problems.append(f"serial settings {self.serial.describe()} are impossible")
        bad_poll = self.poll_interval is not None and self.poll_interval <= 0
        if self.max_frame < 1 or self.hold < 0 or bad_poll:
            problems.append("max_frame, poll_interval and hold must be positive")
        if not problems:
            try:
                self.make_decoder()
            except (TypeError, ValueError) as exc:
                problems.append(f"decoder {self.decoder} options {dict(self.options)}: {exc}")
        if problems:
            raise DeviceError(f"Device profile {self.name!r} is not usable: {'; '.join(problems)}.")

    def make_framer(self, on_discard: Discard = log_discard) -> Framer:
        return FRAMINGS[self.framing](self.max_frame, on_discard)

    def make_decoder(self) -> Decoder:
        return DECODERS[self.decoder](**self.options)

    def on_port(self, path: str) -> Profile:
        return dataclasses.replace(self, port=PortMatch(path=path))

    def describe(self) -> str:
        polled = f", polls every {self.poll_interval:g} s" if self.poll_interval else ""
        return (f"{self.name:<16} {self.kind:<8} {self.serial.describe():<11} {self.framing:<9} "
                f"{self.decoder}{polled} — {self.description}")


BUILT_IN: dict[str, Profile] = {p.name: p for p in (
    Profile("scanner-cr", "scanner", "cr", "aim-gs1", "USB-CDC barcode scanner, CR or CRLF suffix, AIM ids"),
    Profile("scanner-stx", "scanner", "stx-etx", "aim-gs1", "USB-CDC barcode scanner, STX…ETX, AIM ids"),
    Profile("rfid-125khz", "rfid", "stx-etx", "rdm6300", "125 kHz reader (RDM6300), repeats while a tag lies "
            "on it", max_frame=12, hold=2.0),
    Profile("rfid-ru5102", "rfid", "len-crc16", "ru5102", "UHF reader CF-RU5102 / UHFReader18, inventory "
            "polled", serial=SerialSettings(57600), max_frame=256, request=ru5102_frame(0, RU5102_INVENTORY),
            poll_interval=0.2, hold=2.0),
    Profile("gauge-mitutoyo", "gauge", "cr", "mitutoyo", "Mitutoyo ASCII output (USB-ITN, multiplexers)",
            options={"unit": "mm"}, max_frame=64),
    Profile("gauge-sylvac", "gauge", "cr", "sylvac", "Sylvac Opto-RS, value on request (?)",
            serial=SerialSettings(4800, 7, "E", 2), options={"unit": "mm"}, max_frame=64, request=b"?\r"),
    Profile("gauge-mahr", "gauge", "cr", "mahr", "Mahr Millimar C12xx, value on request (?)",
            max_frame=64, request=b"?\r"),
)}


def load_profiles(source: Path | Mapping[str, Any] | list[Any] | None = None) -> dict[str, Profile]:
    """The built-in profiles plus a station's: `{"profiles": [...]}` or a list, from a dict or a JSON file.
    A station profile may name a `base` profile and give only what differs (usually `port`)."""
    profiles = dict(BUILT_IN)
    if source is None:
        return profiles
    where = f" in {source}" if isinstance(source, Path) else ""
    if isinstance(source, Path):
        try:
            source = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DeviceError(f"The device profiles file {source} cannot be read: {exc}.") from None
    entries = source.get("profiles") if isinstance(source, Mapping) else source
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise DeviceError(f"Device profiles{where} must be a list of objects, or {{\"profiles\": [...]}}.")
    for entry in entries:
        profile = profile_from_dict(entry, profiles, where)
        profiles[profile.name] = profile
    return profiles


def profile_from_dict(data: Mapping[str, Any], known: Mapping[str, Profile], where: str = "") -> Profile:
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise DeviceError(f"A device profile{where} has no name.")
    try:
        return _build(name, data, known)
    except DeviceError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DeviceError(f"Device profile {name!r}{where} is not usable: {exc}.") from None


def _build(name: str, data: Mapping[str, Any], known: Mapping[str, Profile]) -> Profile:
    base_name = data.get("base")
    if base_name is not None and base_name not in known:
        raise DeviceError(f"Device profile {name!r} is based on {base_name!r}, which is not defined before "
                          "it.")
    base = known[base_name] if base_name else None
    values: dict[str, Any] = {} if base is None else {f.name: getattr(base, f.name)
                                                      for f in dataclasses.fields(Profile)}
    values["name"] = name
    for key, value in data.items():
        if key in ("name", "base"):
            continue
        if key == "serial":
            values[key] = SerialSettings(**{**dataclasses.asdict(values.get(key, SerialSettings())), **value})
        elif key == "port":
            values[key] = _port(value)
        elif key == "options":
            values[key] = {**values.get(key, {}), **value}
        elif key == "request":
            values[key] = value.encode("latin-1") if value else None
        elif key == "request_hex":
            values["request"] = bytes.fromhex(value) if value else None
        elif key in _PLAIN_FIELDS:
            values[key] = value
        else:
            raise ValueError(f"unknown key {key!r}")
    return Profile(**values)


_PLAIN_FIELDS = {"kind", "framing", "decoder", "description", "max_frame", "poll_interval", "hold"}


def _port(value: str | Mapping[str, Any]) -> PortMatch:
    if isinstance(value, str):
        return PortMatch(path=value)
    unknown = set(value) - {"path", "vid", "pid", "serial_number"}
    if unknown:
        raise ValueError(f"unknown port keys {sorted(unknown)}")
    return PortMatch(path=value.get("path"), vid=_usb_id(value.get("vid")), pid=_usb_id(value.get("pid")),
                     serial_number=value.get("serial_number"))


def _usb_id(value: int | str | None) -> int | None:
    """USB ids are written in hex everywhere (lsusb, Device Manager): "0C2E", "0x0c2e" or the int."""
    if value is None or isinstance(value, int):
        return value
    return int(value, 16)

