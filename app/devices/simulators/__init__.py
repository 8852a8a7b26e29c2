"""Simulated scanners, RFID readers and gauges on pseudo-terminals, for tests, benchmarks and bench trials."""

from app.devices.simulators.device import Simulator, read_script

__all__ = ["Simulator", "read_script"]
