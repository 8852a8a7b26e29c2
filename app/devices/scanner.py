"""Barcode scans: the AIM symbology identifier, then GS1 element strings (via biip) checked in full."""

from __future__ import annotations

import re
from collections import Counter

from biip import ParseConfig, ParseError
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin
from biip.symbology import GS1Symbology

from app.devices.errors import FrameRejected
from app.devices.events import Reading, Scan

GS = "\x1d"
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_GS1_MESSAGES = {s.value for s in GS1Symbology.with_gs1_messages()}
_GTIN_ONLY = {s.value for s in GS1Symbology.with_gtin()}
# GS separates GS1 fields and TAB is typed by some wedge setups; any other control byte is line noise.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1c\x1e\x1f\x7f]")
# biip's messages quote regular expressions; an operator needs the AI and the data.
_BIIP_MESSAGES = [
    (re.compile(r"Failed to match '(?P<data>.*)' with GS1 AI \((?P<ai>\d+)\) pattern", re.DOTALL),
     "the data of AI ({ai}) does not have the format GS1 requires: {data!r}"),
    (re.compile(r"Failed to parse GS1 AI \((?P<ai>\d+)\) date/time from '(?P<data>.*)'", re.DOTALL),
     "AI ({ai}) holds an impossible date: {data!r}"),
    (re.compile(r"Failed to get GS1 Application Identifier from '(?P<data>.*)'", re.DOTALL),
     "no GS1 application identifier starts at {data!r}"),
]


class ScanDecoder:
    """Decodes one scanner frame. With `require_aim` (scanners set to send AIM identifiers, the built-in
    profiles), a frame without one is refused: it is noise or a scanner set up wrongly. `gs_substitute`
    is the character a wedge scanner types in place of GS (FNC1)."""

    def __init__(self, *, require_aim: bool = True, gs_substitute: str | None = None) -> None:
        if gs_substitute is not None and len(gs_substitute) != 1:
            raise ValueError(f"gs_substitute must be one character, not {gs_substitute!r}")
        self.require_aim = require_aim
        self.gs_substitute = gs_substitute
        self._config = ParseConfig(separator_chars=(GS,))

    def __call__(self, payload: bytes) -> list[Reading]:
        text = _text(payload)
        if self.gs_substitute:
            text = text.replace(self.gs_substitute, GS)
        if (bad := _CONTROL.search(text)) is not None:
            raise FrameRejected(f"the scan holds the control character 0x{ord(bad.group()):02X}: "
                                "line noise, or a scanner suffix that the profile does not expect")
        if not _AIM.match(text):
            if self.require_aim:
                raise FrameRejected("the scan has no AIM symbology identifier (such as ]C1 or ]d2): "
                                    "turn on AIM identifiers in the scanner's setup")
            return [Scan(data=text)]
        symbology, data = text[:3], text[3:]
        if not data:
            raise FrameRejected(f"the {symbology} scan carries no data")
        if _AIM.search(data):
            raise FrameRejected("two scans ran together (a second symbology identifier follows the first): "
                                "scan again")
        if symbology[1:] in _GS1_MESSAGES:
            return [Scan(data=data, symbology=symbology, gs1=self._gs1(data))]
        if symbology[1:] in _GTIN_ONLY:
            return [Scan(data=data, symbology=symbology, gs1={"01": _gtin(data)})]
        return [Scan(data=data, symbology=symbology)]

    def _gs1(self, data: str) -> dict[str, str]:
        """biip reports bad check digits in fields instead of raising, and accepts a repeated AI: both
        would put a wrong identifier into the trace, so both are refused here."""
        try:
            message = GS1Message.parse(data, config=self._config)
        except ParseError as exc:
            raise FrameRejected(_human(str(exc))) from None
        if not message.element_strings:
            raise FrameRejected("the GS1 scan holds no element strings")
        repeated = [ai for ai, n in Counter(e.ai.ai for e in message.element_strings).items() if n > 1]
        if repeated:
            raise FrameRejected(f"AI ({repeated[0]}) appears more than once in the GS1 scan")
        fields: dict[str, str] = {}
        for element in message.element_strings:
            error = element.gtin_error or element.sscc_error or element.gln_error
            if error:
                raise FrameRejected(f"AI ({element.ai.ai}): {error}")
            moment = element.datetime or element.date
            fields[element.ai.ai] = moment.isoformat() if moment else element.value
        return fields


def _gtin(data: str) -> str:
    try:
        return Gtin.parse(data).as_gtin_14()
    except ParseError as exc:
        raise FrameRejected(str(exc)) from None


def _text(payload: bytes) -> str:
    # Scanners send UTF-8 when set to, else ISO 8859-1; every byte string is valid Latin-1.
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


def _human(message: str) -> str:
    for pattern, sentence in _BIIP_MESSAGES:
        if (found := pattern.search(message)) is not None:
            return sentence.format(**found.groupdict())
    return message
