"""Framers fed byte strings: delimiters, resynchronisation, maximum lengths, CRCs (PROTOCOLS.md examples)."""

from __future__ import annotations

from app.devices.checksums import crc16_mcrf4xx, xor8
from app.devices.framing import Frame, LengthCrcFramer, StxEtxFramer, SuffixFramer

INVENTORY = bytes.fromhex("04 00 01 DB 4B")
NO_TAG = bytes.fromhex("05 00 01 FB F2 3D")


class Dropped(list[tuple[bytes, str]]):
    def __call__(self, data: bytes, reason: str) -> None:
        self.append((data, reason))


def test_crc16_mcrf4xx_matches_the_catalogue_check_value_and_the_reader_examples():
    assert crc16_mcrf4xx(b"123456789") == 0x6F91
    assert crc16_mcrf4xx(INVENTORY[:-2]).to_bytes(2, "little") == INVENTORY[-2:]
    assert crc16_mcrf4xx(NO_TAG[:-2]).to_bytes(2, "little") == NO_TAG[-2:]
    assert xor8(bytes.fromhex("0400B3BCE1")) == 0xEA


def test_cr_framer_accepts_cr_and_crlf_and_keeps_partial_frames_for_the_next_read():
    framer = SuffixFramer(b"\r")
    assert framer.feed(b"]C0ONE\r\n]C0TW") == [Frame(b"]C0ONE\r", b"]C0ONE")]
    assert framer.pending() == b"]C0TW"
    assert framer.feed(b"O\r") == [Frame(b"]C0TWO\r", b"]C0TWO")]
    assert framer.feed(b"\n") == [] and framer.pending() == b""  # the LF of CRLF, arriving late
    assert framer.feed(b"\r\r]C0X\r") == [Frame(b"]C0X\r", b"]C0X")]  # empty frames are nothing


def test_cr_framer_drops_an_overlong_frame_up_to_its_terminator_then_resynchronises():
    dropped = Dropped()
    framer = SuffixFramer(b"\r", max_length=8, on_discard=dropped)
    assert framer.feed(b"123456789") == []
    assert framer.feed(b"0+1.5\r+2.5\r") == [Frame(b"+2.5\r", b"+2.5")]  # "0+1.5" was the overlong tail
    assert [reason for _, reason in dropped] == ["frame longer than 8 bytes", "end of an overlong frame"]


def test_stx_etx_framer_drops_bytes_outside_frames_and_restarts_at_a_new_stx():
    dropped = Dropped()
    framer = StxEtxFramer(max_length=12, on_discard=dropped)
    frames = framer.feed(b"junk\x02CUT\x020400B3BCE1EA\x03\r\n")
    assert frames == [Frame(b"\x020400B3BCE1EA\x03", b"0400B3BCE1EA")]
    assert dropped == [(b"junk", "bytes outside STX…ETX"), (b"\x02CUT", "frame cut short by a new STX"),
                       (b"\r\n", "bytes outside STX…ETX")]


def test_stx_etx_framer_drops_overlong_frames_whole():
    framer = StxEtxFramer(max_length=4, on_discard=Dropped())
    assert framer.feed(b"\x02ABCDE") == []
    assert framer.feed(b"F\x03\x02ABCD\x03") == [Frame(b"\x02ABCD\x03", b"ABCD")]


def test_length_crc_framer_finds_the_reader_replies_among_garbage():
    dropped = Dropped()
    framer = LengthCrcFramer(on_discard=dropped)
    assert framer.feed(b"\x01\x00" + NO_TAG[:3]) == []
    assert framer.feed(NO_TAG[3:] + NO_TAG) == [Frame(NO_TAG, NO_TAG), Frame(NO_TAG, NO_TAG)]
    assert dropped == [(b"\x01\x00", "no frame with a valid CRC starts here")]


def test_length_crc_framer_drops_a_frame_with_a_wrong_crc():
    broken = NO_TAG[:-1] + bytes([NO_TAG[-1] ^ 1])
    framer = LengthCrcFramer(on_discard=Dropped())
    # after the broken reply's first byte, its status byte 0xFB reads as a length: wait, then resync
    assert framer.feed(broken + NO_TAG) == []
    assert framer.idle() == [Frame(NO_TAG, NO_TAG)]


def test_on_a_quiet_line_a_garbage_length_byte_does_not_hold_good_replies_back():
    framer = LengthCrcFramer(on_discard=Dropped())
    assert framer.feed(b"\x40" + NO_TAG) == []  # 0x40 announces 64 more bytes: maybe a long reply
    assert framer.idle() == [Frame(NO_TAG, NO_TAG)]
    assert framer.pending() == b""


def test_commands_are_frames_too_when_the_minimum_length_allows_them():
    assert LengthCrcFramer(min_length=4).feed(INVENTORY) == [Frame(INVENTORY, INVENTORY)]
    assert LengthCrcFramer(on_discard=Dropped()).feed(INVENTORY) == []
