"""What simulated devices send: frame specs (one per script line) encoded for a profile, or random ones."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from functools import cache

from biip.checksums import gs1_standard_check_digit
from epcpy.epc_schemes import SGTIN
from epcpy.epc_schemes.sgtin import SGTINFilterValue

from app.devices.checksums import xor8
from app.devices.profiles import Profile
from app.devices.rfid import RU5102_INVENTORY, ru5102_frame

_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|[rnt\\])")
_ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "\\": "\\"}
_SUFFIX = {"mahr": b"\r\n"}  # the Millimar ends its replies in CRLF, the others in CR
TAG_POOL = ("0400B3BCE1", "1A00C0FFEE", "6F0012AB34")


def unescape(spec: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m[1][1:], 16)) if m[1][0] == "x" else _ESCAPES[m[1]], spec)


def encode(profile: Profile, spec: str) -> bytes:
    """A spec is the text a device sends, without its framing (`\\x1d`, `\\r` escapes allowed), except:
    125 kHz RFID takes the tag's 10 hex digits, RU5102 takes EPCs in hex separated by commas (`-` for no
    tag), and `hex:…` is sent as raw bytes (garbage, broken frames)."""
    if spec.startswith("hex:"):
        return bytes.fromhex(spec[4:])
    if profile.decoder == "rdm6300":
        card = bytes.fromhex(spec)
        body = (card.hex() + f"{xor8(card):02x}").upper().encode("ascii")
    elif profile.decoder == "ru5102":
        return inventory_reply([] if spec.strip() == "-" else [bytes.fromhex(e) for e in spec.split(",")])
    else:
        body = unescape(spec).encode("utf-8")
    if profile.framing == "stx-etx":
        return b"\x02" + body + b"\x03"
    return body + _SUFFIX.get(profile.decoder, b"\n" if profile.framing == "lf" else b"\r")


def inventory_reply(epcs: list[bytes], address: int = 0) -> bytes:
    """The RU5102 answer to an inventory: status 0x01 with count and length-prefixed EPCs, or 0xFB."""
    if not epcs:
        return ru5102_frame(address, RU5102_INVENTORY, b"\xfb")
    tags = b"".join(bytes([len(epc)]) + epc for epc in epcs)
    return ru5102_frame(address, RU5102_INVENTORY, bytes([0x01, len(epcs)]) + tags)


def random_spec(profile: Profile, rng: random.Random) -> str:
    if profile.kind == "scanner":
        return _random_scan(rng)
    if profile.decoder == "rdm6300":
        return rng.choice(TAG_POOL)
    if profile.decoder == "ru5102":  # a few tags come and go on the antenna, as parts do on a bench
        return ",".join(rng.sample(_sgtin_pool(), rng.choice((0, 1, 1, 2)))) or "-"
    value = rng.gauss(12.345, 0.004)
    if profile.decoder == "mitutoyo":
        return f"01A{value:+09.3f}"
    if profile.decoder == "sylvac":
        return f"{value:+08.3f}" + ("<" if value < 12.338 else ">" if value > 12.352 else "=")
    return f"{value:+08.3f}mm"


def _gtin(rng: random.Random) -> str:
    body = f"00614141{rng.randrange(10**5):05d}"  # indicator digit, company prefix, item reference
    return body + str(gs1_standard_check_digit(body))


def _random_scan(rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        expiry = (date(2026, 1, 1) + timedelta(days=rng.randrange(1000))).strftime("%y%m%d")
        return f"]d201{_gtin(rng)}17{expiry}10L{rng.randrange(10**5):05d}\\x1d21{rng.randrange(10**8)}"
    if choice == 1:
        sscc = f"00614141{rng.randrange(10**9):09d}"
        return f"]C100{sscc}{gs1_standard_check_digit(sscc)}"
    return f"]C0WO-{rng.randrange(10**5):05d}"


@cache
def _sgtin_pool() -> list[str]:
    rng = random.Random(5102)
    return ["3034257BF7194E4000001A85"] + [random_sgtin(rng) for _ in range(4)]


def random_sgtin(rng: random.Random) -> str:
    """An SGTIN-96 EPC in hex, company prefix 0614141 as in the GS1 examples."""
    tag = SGTIN.from_gtin_plus_serial(_gtin(rng), str(rng.randrange(1, 10**9)), 7)
    return tag.hex(binary_coding_scheme=SGTIN.BinaryCodingScheme.SGTIN_96,
                   filter_value=SGTINFilterValue.POS_ITEM)
