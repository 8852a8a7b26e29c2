"""RFID frames: RDM6300 ASCII, RU5102 inventory replies with several tags, EPC decoding, de-duplication."""

from __future__ import annotations

import pytest

from app.devices.dedup import TagPresence
from app.devices.epc import describe_epc
from app.devices.errors import FrameRejected
from app.devices.events import DeviceFault, Tag
from app.devices.rfid import decode_rdm6300, decode_ru5102, ru5102_frame
from app.devices.simulators.frames import inventory_reply

SGTIN = bytes.fromhex("3034257BF7194E4000001A85")
SGTIN_TAG = Tag(epc="3034257BF7194E4000001A85", uri="urn:epc:id:sgtin:0614141.812345.6789",
                gtin="80614141123458", serial="6789")
TID = bytes.fromhex("E2801160600002054E3C2A5B")


def test_the_sgtin_96_example_decodes_to_gtin_serial_and_uri():
    assert describe_epc("3034257bf7194e4000001a85") == SGTIN_TAG


@pytest.mark.parametrize("epc", ["E2801160600002054E3C2A5B", "3034", "DEADBEEF", "3134257BF7194E4000001A85"])
def test_non_gs1_epcs_are_kept_as_raw_hex(epc):
    assert describe_epc(epc) == Tag(epc=epc)


def test_rdm6300_frames_give_the_card_number():
    assert decode_rdm6300(b"0400B3BCE1EA") == [Tag(epc="0400B3BCE1")]
    assert decode_rdm6300(b"0400b3bce1ea") == [Tag(epc="0400B3BCE1")]


@pytest.mark.parametrize(("payload", "reason"), [
    (b"0400B3BCE1EB", "checksum EB is wrong (expected EA)"),
    (b"0400B3BCE1E", "12 hex digits"),
    (b"0400B3BCE1EAX", "12 hex digits"),
    (b"0400B3BCG1EA", "12 hex digits"),
])
def test_rdm6300_frames_with_bad_checksums_or_shapes_are_refused(payload, reason):
    with pytest.raises(FrameRejected) as refused:
        decode_rdm6300(payload)
    assert reason in str(refused.value)


def test_the_protocol_examples_are_the_inventory_command_and_the_no_tag_reply():
    assert ru5102_frame(0x00, 0x01) == bytes.fromhex("04 00 01 DB 4B")
    assert inventory_reply([]) == bytes.fromhex("05 00 01 FB F2 3D")
    assert decode_ru5102(bytes.fromhex("05 00 01 FB F2 3D")) == []


def test_an_inventory_reply_carries_several_tags():
    assert decode_ru5102(inventory_reply([SGTIN, TID])) == [SGTIN_TAG, Tag(epc=TID.hex().upper())]


def test_an_inventory_reply_whose_lengths_do_not_add_up_is_refused_whole():
    reply = ru5102_frame(0, 1, bytes([0x01, 3, 12]) + SGTIN)
    with pytest.raises(FrameRejected, match="announces 3 tags but carries 1"):
        decode_ru5102(reply)
    with pytest.raises(FrameRejected, match="EPC length"):
        decode_ru5102(ru5102_frame(0, 1, bytes([0x01, 1, 13]) + SGTIN))


def test_reader_error_statuses_are_device_errors_and_other_replies_are_ignored():
    [fault] = decode_ru5102(ru5102_frame(0, 1, b"\xfe"))
    assert isinstance(fault, DeviceFault) and fault.code == "FE"
    assert "does not know the command" in fault.message
    assert decode_ru5102(ru5102_frame(0, 0x21, b"\x00" + bytes(12))) == []  # reader-information reply


def test_a_tag_lying_on_the_reader_is_new_once_and_again_after_the_hold_time():
    presence = TagPresence(hold=2.0)
    sightings = [presence.is_new("A", t / 10) for t in range(50)]  # seen every 0.1 s for 5 s
    assert sightings == [True] + [False] * 49
    assert presence.is_new("B", 5.0) is True
    assert presence.is_new("A", 6.9) is False  # absent 2.0 s: still the same presence
    assert presence.is_new("A", 9.0) is True  # absent 2.1 s: taken away and put back
    assert all(TagPresence(hold=0).is_new("A", 1.0) for _ in range(3))
