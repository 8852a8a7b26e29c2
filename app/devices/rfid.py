"""RFID reader frames: 125 kHz ASCII (RDM6300) and CF-RU5102 / UHFReader18 binary inventory replies."""

from __future__ import annotations

import logging

from app.devices.checksums import crc16_mcrf4xx, xor8
from app.devices.epc import describe_epc
from app.devices.errors import FrameRejected
from app.devices.events import DeviceFault, Reading, Tag

log = logging.getLogger(__name__)

_HEX = frozenset(b"0123456789ABCDEFabcdef")


def decode_rdm6300(payload: bytes) -> list[Reading]:
    """10 ASCII hex digits (version byte + 4-byte card number) and 2 more: the XOR of those 5 bytes."""
    if len(payload) != 12 or not _HEX.issuperset(payload):
        raise FrameRejected(f"a 125 kHz tag frame holds 12 hex digits between STX and ETX, this one "
                            f"{len(payload)} bytes: {payload!r}")
    card = bytes.fromhex(payload[:10].decode("ascii"))
    checksum = int(payload[10:], 16)
    if xor8(card) != checksum:
        raise FrameRejected(f"125 kHz tag {card.hex().upper()}: checksum {checksum:02X} is wrong "
                            f"(expected {xor8(card):02X}); hold the tag still and read it again")
    return [Tag(epc=card.hex().upper())]


RU5102_INVENTORY = 0x01
_NO_TAG = 0xFB
_TAGS_FOLLOW = {0x01, 0x02, 0x03, 0x04}  # finished, scan time over, more data, buffer full: all carry tags
_STATUS = {
    0xF9: "the command failed in the reader",
    0xFA: "a tag answered, but the radio link was too poor to read it",
    0xFC: "a tag answered with an error code",
    0xFD: "the command length was wrong",
    0xFE: "the reader does not know the command",
    0xFF: "a command parameter was wrong",
}


def ru5102_frame(address: int, command: int, data: bytes = b"") -> bytes:
    """`Len Adr Cmd Data… CRClo CRChi`, as the reader and the simulator send it."""
    body = bytes([len(data) + 4, address, command]) + data
    crc = crc16_mcrf4xx(body)
    return body + bytes([crc & 0xFF, crc >> 8])


def decode_ru5102(frame: bytes) -> list[Reading]:
    """A CRC-checked reply `Len Adr reCmd Status Data… CRC`. Inventory data: tag count, then per tag an EPC
    length byte and the EPC; the lengths must fill the data exactly, or the reply is refused whole."""
    command, status, data = frame[2], frame[3], frame[4:-2]
    if command != RU5102_INVENTORY:
        log.info("RFID reader reply to command 0x%02X ignored: %s", command, frame.hex(" ").upper())
        return []
    if status == _NO_TAG:
        return []
    if status not in _TAGS_FOLLOW:
        meaning = _STATUS.get(status, "an undocumented status")
        return [DeviceFault(f"The RFID reader reports status 0x{status:02X}: {meaning}. "
                            "Check the antenna and the reader's settings.", code=f"{status:02X}")]
    if not data:
        raise FrameRejected("the inventory reply announces tags but carries no tag count")
    count, pos = data[0], 1
    tags: list[Reading] = []
    while pos < len(data):
        size = data[pos]
        epc = data[pos + 1:pos + 1 + size]
        if size == 0 or len(epc) < size:
            raise FrameRejected(f"the inventory reply's EPC length at byte {pos + 4} does not fit the reply")
        tags.append(describe_epc(epc.hex().upper()))
        pos += 1 + size
    if len(tags) != count:
        raise FrameRejected(f"the inventory reply announces {count} tags but carries {len(tags)}")
    return tags

