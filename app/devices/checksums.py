"""Checksums of the reader protocols: CRC-16/MCRF4XX (UHF RFID) and the XOR byte of 125 kHz readers."""

from __future__ import annotations

from functools import reduce
from operator import xor


def _mcrf4xx_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_MCRF4XX = _mcrf4xx_table()


def crc16_mcrf4xx(data: bytes) -> int:
    """CRC-16/MCRF4XX: polynomial 0x1021 reflected (0x8408), init 0xFFFF, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ _MCRF4XX[(crc ^ byte) & 0xFF]
    return crc


def xor8(data: bytes) -> int:
    return reduce(xor, data, 0)
