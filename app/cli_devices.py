"""`threadline devices list|profiles|decode|listen` and `threadline simulate`: the devices, from a shell.
`simulate mqtt` and `simulate modbus` stand in for the process sensors of a station's machines."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import queue
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.config import SETTINGS
from app.devices.errors import DeviceError
from app.devices.events import DeviceEvent
from app.devices.pipeline import Pipeline
from app.devices.ports import available_ports
from app.devices.profiles import KINDS, Profile, load_profiles
from app.devices.reader import DeviceReader
from app.devices.simulators import Simulator, read_script
from app.devices.simulators.frames import encode

if TYPE_CHECKING:
    from app.devices.simulators.mqtt_publisher import Signal

_DEFAULT_SIMULATED = {"scanner": "scanner-cr", "rfid": "rfid-125khz", "gauge": "gauge-mitutoyo"}
_SENSORS = ("mqtt", "modbus")
_READINGS = {"scan", "tag", "measurement"}


def add_commands(commands: argparse._SubParsersAction) -> None:
    devices = commands.add_parser("devices", help="barcode scanners, RFID readers and gauges")
    sub = devices.add_subparsers(dest="devices_command", required=True)
    listing = sub.add_parser("list", help="serial ports, with USB vid/pid/serial number for matching")
    listing.add_argument("--json", action="store_true")
    _profiles_file(sub.add_parser("profiles", help="the device profiles: built-in and the station's"))
    decode = sub.add_parser("decode", help="decode bytes as a device sends them; prints events as JSON lines")
    _profile_options(decode)
    decode.add_argument("--hex", required=True, nargs="+", metavar="HEX",
                        help="the bytes, e.g. 04 00 01 DB 4B")
    listen = sub.add_parser("listen", help="print a device's events as JSON lines until Ctrl-C")
    _profile_options(listen)
    listen.add_argument("--port", metavar="PATH", help="device path or pyserial URL (default: the profile's)")
    listen.add_argument("--device", help="device name in the events (default: the profile's name)")
    listen.add_argument("--poll", type=_seconds, metavar="S",
                        help="send the profile's request every S seconds")
    listen.add_argument("--count", type=int, metavar="N", help="stop after N scans, tags or measurements")

    simulate = commands.add_parser("simulate", help="simulate a device on a pseudo-terminal, or a process "
                                   "sensor (an MQTT gateway, a Modbus TCP device), until Ctrl-C")
    simulate.add_argument("kind", choices=(*KINDS, *_SENSORS))
    simulate.add_argument("--profile", help="default: " + ", ".join(f"{v} ({k})" for k, v in
                                                                   _DEFAULT_SIMULATED.items()))
    _profiles_file(simulate)
    simulate.add_argument("--script", type=Path, metavar="FILE",
                          help="frames to send, one spec per line (default: random frames)")
    simulate.add_argument("--interval", type=_seconds, default=1.0, metavar="S",
                          help="seconds between frames of devices that send by themselves, and between "
                               "an MQTT gateway's rounds (default 1)")
    simulate.add_argument("--seed", type=int, help="seed for random frames and sensor noise")
    sensors = simulate.add_argument_group("process sensors (mqtt, modbus)")
    sensors.add_argument("--broker", default=SETTINGS["sensors.mqtt_url"].default,
                         help="mqtt: the broker to publish to (default %(default)s)")
    sensors.add_argument("--signal", action="append", default=[], metavar="TOPIC=VALUE[:SPREAD[:UNIT]]",
                         help="mqtt: publish VALUE (± normal noise of SPREAD) on TOPIC; repeat for more")
    sensors.add_argument("--demo", action="store_true",
                         help="mqtt: publish every parameter the demo plant's machines report")
    sensors.add_argument("--bare", action="store_true",
                         help="mqtt: publish bare numbers instead of JSON with unit and time stamp")
    sensors.add_argument("--listen", default="127.0.0.1:5020", metavar="HOST:PORT",
                         help="modbus: where the device listens (default %(default)s; port 0: any free one)")
    sensors.add_argument("--register", action="append", default=[], metavar="[ir]N=VALUE[:TYPE[:SCALE]]",
                         help="modbus: hold VALUE in holding register N (irN: input register) as TYPE "
                              "(uint16, int16, float32) at SCALE; repeat for more")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "simulate":
        return _simulate(args, out)
    handlers = {"list": _list, "profiles": _profiles, "decode": _decode, "listen": _listen}
    return handlers[args.devices_command](args, out)


def _seconds(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value


def _profiles_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profiles", type=Path, metavar="FILE", help="the station's device profiles (JSON)")


def _profile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", required=True, help="profile name (see `threadline devices profiles`)")
    _profiles_file(parser)


def _profile(args: argparse.Namespace, name: str) -> Profile:
    profiles = load_profiles(args.profiles)
    if name not in profiles:
        raise DeviceError(f"There is no device profile {name!r}; the profiles are: {', '.join(profiles)}.")
    return profiles[name]


def _print_event(event: DeviceEvent, out: TextIO) -> None:
    print(json.dumps(event.to_json(), ensure_ascii=False), file=out, flush=True)


def _list(args: argparse.Namespace, out: TextIO) -> int:
    ports = [{"device": p.device, "vid": None if p.vid is None else f"{p.vid:04X}",
              "pid": None if p.pid is None else f"{p.pid:04X}", "serial_number": p.serial_number,
              "description": p.description} for p in available_ports()]
    if args.json:
        json.dump(ports, out, indent=2)
        print(file=out)
        return 0
    if not ports:
        print("No serial ports found (simulators' pseudo-terminals are not listed: give their path).",
              file=out)
    for port in ports:
        usb = f"vid {port['vid']} pid {port['pid']}" if port["vid"] else "not USB"
        serial_number = port["serial_number"] or "-"
        print(f"{port['device']:<20} {usb:<18} serial {serial_number:<16} {port['description']}", file=out)
    return 0


def _profiles(args: argparse.Namespace, out: TextIO) -> int:
    for profile in load_profiles(args.profiles).values():
        where = f"  port: {profile.port.describe()}" if profile.port.is_set else ""
        print(profile.describe() + where, file=out)
    return 0


def _decode(args: argparse.Namespace, out: TextIO) -> int:
    profile = dataclasses.replace(_profile(args, args.profile), hold=0.0)  # show every frame, repeats too
    try:
        data = bytes.fromhex(" ".join(args.hex).replace(":", " "))
    except ValueError as exc:
        raise DeviceError(f"--hex is not hexadecimal bytes ({exc}).") from None
    if not data:
        raise DeviceError("--hex holds no bytes.")
    pipeline = Pipeline(profile.name, profile)
    for event in pipeline.feed(data) + pipeline.idle():
        if event.kind != "rejected":
            _print_event(event, out)
    if pipeline.first_problem is not None:
        more = pipeline.problem_count - 1
        raise DeviceError(f"Not valid {profile.name} bytes: {pipeline.first_problem.rstrip('.')}"
                          + (f" (and {more} more problem{'s' * (more > 1)})." if more else "."))
    if rest := pipeline.pending():
        raise DeviceError(f"The last {len(rest)} bytes ({rest.hex(' ').upper()}) are an unfinished "
                          f"{profile.name} frame: the rest of it, or its end, is missing.")
    return 0


def _listen(args: argparse.Namespace, out: TextIO) -> int:
    profile = _profile(args, args.profile)
    if args.port:
        profile = profile.on_port(args.port)
    if args.poll:
        profile = dataclasses.replace(profile, poll_interval=args.poll)
    events: queue.Queue[DeviceEvent] = queue.Queue()
    readings = 0
    with DeviceReader(args.device or profile.name, profile, events.put):
        try:
            while args.count is None or readings < args.count:
                try:
                    event = events.get(timeout=0.5)  # a timeout keeps Ctrl-C responsive everywhere
                except queue.Empty:
                    continue
                _print_event(event, out)
                readings += event.kind in _READINGS
        except KeyboardInterrupt:
            pass  # Ctrl-C is how listening ends
    return 0


def _simulate(args: argparse.Namespace, out: TextIO) -> int:
    if args.kind in _SENSORS:
        return _simulate_sensor(args, out)
    profile = _profile(args, args.profile or _DEFAULT_SIMULATED[args.kind])
    if profile.kind != args.kind:
        raise DeviceError(f"Profile {profile.name} is a {profile.kind} profile, not a {args.kind} one.")
    specs = None
    if args.script:
        try:
            specs = read_script(args.script)
        except OSError as exc:
            raise DeviceError(f"The script {args.script} cannot be read: {exc.strerror}.") from None
        for spec in specs:
            try:
                encode(profile, spec)
            except ValueError as exc:
                raise DeviceError(f"{args.script}: the line {spec!r} is no {profile.name} frame ({exc}).") \
                    from None
    with Simulator(profile, specs, interval=args.interval, seed=args.seed) as simulator:
        how = "answers requests" if simulator.polled else f"sends a frame every {args.interval:g} s"
        print(f"Simulated {profile.name} on {simulator.path} — it {how}. Configure that port; "
              "Ctrl-C unplugs.", file=out, flush=True)
        try:
            while True:
                time.sleep(1)  # the simulator works in its own thread; this one only waits for Ctrl-C
        except KeyboardInterrupt:
            pass
    return 0


def _simulate_sensor(args: argparse.Namespace, out: TextIO) -> int:
    # Imported here: paho and pymodbus are not needed by the other commands.
    from app.devices.sensors.config import split_host_port
    from app.devices.simulators.modbus_server import ModbusSensorServer, parse_register
    from app.devices.simulators.mqtt_publisher import MqttPublisher, parse_signal

    simulator: MqttPublisher | ModbusSensorServer
    if args.kind == "mqtt":
        signals = [parse_signal(spec) for spec in args.signal] + (_demo_signals() if args.demo else [])
        if not signals:
            raise DeviceError("Give the values to publish: --signal TOPIC=VALUE[:SPREAD[:UNIT]] "
                              "(repeatable), or --demo for the demo plant's machines.")
        simulator = MqttPublisher(args.broker, signals, interval=args.interval, bare=args.bare,
                                  seed=args.seed)
        what = "\n".join(f"  {s.topic} = {s.nominal:g}{f' ± {s.spread:g}' if s.spread else ''}"
                         f"{f' {s.unit}' if s.unit else ''}" for s in signals)
        banner = (f"Simulated MQTT gateway on {simulator.broker.describe()} — it publishes every "
                  f"{args.interval:g} s:\n{what}")
    else:
        values = [parse_register(spec) for spec in args.register]
        if not values:
            raise DeviceError("Give the registers to hold: --register [ir]N=VALUE[:TYPE[:SCALE]] "
                              "(repeatable), e.g. --register 100=2950.")
        try:
            host, port = split_host_port(args.listen, default_port=5020, any_port=True)
        except ValueError as exc:
            raise DeviceError(f"--listen: {exc}") from None
        simulator = ModbusSensorServer(host, port)
        banner = ""
    with simulator:
        if isinstance(simulator, ModbusSensorServer):
            for value in values:
                simulator.set_value(value.register, value.value, value.data_type, table=value.table,
                                    scale=value.scale)
            what = "\n".join(f"  {value.describe()}" for value in values)
            banner = f"Simulated Modbus TCP device on {simulator.address} (any unit id) holds:\n{what}"
        print(f"{banner}\nCtrl-C stops it.", file=out, flush=True)
        try:
            while True:
                time.sleep(1)  # the simulator works in its own threads; this one only waits for Ctrl-C
        except KeyboardInterrupt:
            pass
    return 0


def _demo_signals() -> list[Signal]:
    """What the demo plant's machines publish, around their typical values (see the demo catalogue), to a
    couple of digits more than their noise."""
    from app.devices.simulators.mqtt_publisher import Signal
    from app.services.demo.catalogue import sensor_specs

    return [Signal(topic, spec.typical, spec.spread, spec.unit,
                   decimals=2 - math.floor(math.log10(spec.spread)) if spec.spread else 2)
            for topic, spec in sensor_specs().values()]
