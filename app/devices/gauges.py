"""Gauge replies: Mitutoyo ASCII, Sylvac Opto-RS and Mahr Millimar, to readings or device errors."""

from __future__ import annotations

import logging
import re

from app.devices.errors import FrameRejected
from app.devices.events import DeviceFault, Measurement, Reading

log = logging.getLogger(__name__)

_MITUTOYO = re.compile(r"0(?P<channel>\d)A(?P<value>[+-]\d+(?:\.\d+)?)", re.ASCII)
_MITUTOYO_STATUS = re.compile(r"9[0-9A-Z]{1,7}", re.ASCII)
_SYLVAC = re.compile(r"(?P<value>[+-] *\d+(?:\.\d+)?)(?P<tolerance>[<=>])?", re.ASCII)
_SYLVAC_ERROR = re.compile(r"ERR(?P<code>\d+)", re.ASCII)
_MAHR = re.compile(r"(?P<value>[+-]? *\d+(?:\.\d+)?) *(?P<unit>mm|µm|um|in|inch)", re.ASCII)
_TOLERANCE = {"<": "below", "=": "within", ">": "above"}
_UNITS = {"um": "µm", "inch": "in"}


def _ascii(payload: bytes, gauge: str) -> str:
    try:
        return payload.decode("ascii").strip()
    except UnicodeDecodeError:
        raise FrameRejected(f"the {gauge} reply holds bytes that are not text: {payload!r}") from None


class MitutoyoDecoder:
    """`01A+0000.123`: 0, channel, A, signed value. Mitutoyo sends no unit: the profile names it."""

    def __init__(self, *, unit: str = "mm") -> None:
        self.unit = unit

    def __call__(self, payload: bytes) -> list[Reading]:
        text = _ascii(payload, "Mitutoyo")
        if _MITUTOYO_STATUS.fullmatch(text):
            return [DeviceFault(f"The Mitutoyo interface sent status {text!r} instead of a value: check that "
                                "the gauge is plugged in and switched on, then take the reading again.",
                                code=text)]
        found = _MITUTOYO.fullmatch(text)
        if found is None:
            raise FrameRejected(f"not a Mitutoyo reading (expected like 01A+0000.123): {text!r}")
        return [Measurement(float(found["value"]), self.unit, channel=int(found["channel"]))]


class SylvacDecoder:
    """`+012.345`, in tolerance mode followed by <, = or >; `ERR0`–`ERR3` are errors; the `SY…` banner
    the instrument sends at power-on is not a reading."""

    def __init__(self, *, unit: str = "mm") -> None:
        self.unit = unit

    def __call__(self, payload: bytes) -> list[Reading]:
        text = _ascii(payload, "Sylvac")
        if text.startswith("SY"):
            log.info("Sylvac power-on banner ignored: %r", text)
            return []
        if (error := _SYLVAC_ERROR.fullmatch(text)) is not None:
            return [DeviceFault(f"The Sylvac gauge reports {text}: it could not give a value. Check its "
                                "display and probe, then take the reading again.", code=error["code"])]
        found = _SYLVAC.fullmatch(text)
        if found is None:
            raise FrameRejected(f"not a Sylvac reading (expected like +012.345): {text!r}")
        tolerance = _TOLERANCE.get(found["tolerance"] or "")
        return [Measurement(float(found["value"].replace(" ", "")), self.unit, tolerance=tolerance)]


class MahrDecoder:
    """`+001.234mm`: value and unit. The `MAHR GMBH,C1208` identity reply to `ID?` is not a reading."""

    def __call__(self, payload: bytes) -> list[Reading]:
        try:
            text = payload.decode("utf-8").strip()  # µm may arrive as UTF-8 or Latin-1
        except UnicodeDecodeError:
            text = payload.decode("latin-1").strip()
        if text.upper().startswith("MAHR"):
            log.info("Mahr identity reply: %r", text)
            return []
        found = _MAHR.fullmatch(text)
        if found is None:
            raise FrameRejected(f"not a Millimar reading (expected like +001.234mm): {text!r}")
        unit = _UNITS.get(found["unit"], found["unit"])
        return [Measurement(float(found["value"].replace(" ", "")), unit)]
