"""Scanner frames: AIM symbology identifiers and GS1 element strings, accepted and refused."""

from __future__ import annotations

import pytest

from app.devices.errors import FrameRejected
from app.devices.events import Scan
from app.devices.scanner import ScanDecoder

decode = ScanDecoder()


@pytest.mark.parametrize(("frame", "symbology", "gs1"), [
    (b"]d201095011010209171726123110ABCD1234\x1d2112345", "]d2",
     {"01": "09501101020917", "17": "2026-12-31", "10": "ABCD1234", "21": "12345"}),
    (b"]C100106141411234567897", "]C1", {"00": "106141411234567897"}),
    (b"]Q3400PO-2291\x1d0109501101020917", "]Q3", {"400": "PO-2291", "01": "09501101020917"}),
    (b"]e00109501101020917", "]e0", {"01": "09501101020917"}),
    (b"]d20109501101020917112602001725020010L1\x1d240REV-B\x1d250S-77", "]d2",
     {"01": "09501101020917", "11": "2026-02-28", "17": "2025-02-28", "10": "L1", "240": "REV-B",
      "250": "S-77"}),
    (b"]E05901234123457", "]E0", {"01": "05901234123457"}),
])
def test_gs1_scans_give_their_element_strings(frame, symbology, gs1):
    [scan] = decode(frame)
    assert scan == Scan(data=frame[3:].decode(), symbology=symbology, gs1=gs1)


@pytest.mark.parametrize("frame", [b"]C0WO-10233", b"]d1PART 4711 REV C", b"]Q1https://example.com/x?a=1"])
def test_other_symbologies_give_plain_scans(frame):
    assert decode(frame) == [Scan(data=frame[3:].decode(), symbology=frame[:3].decode())]


@pytest.mark.parametrize(("frame", "reason"), [
    (b"]d201095011010209181726123110L1", "AI (01): Invalid GTIN check digit for '09501101020918'"),
    (b"]C100106141411234567890", "AI (00): Invalid SSCC check digit"),
    (b"]E05901234123450", "Invalid GTIN check digit"),
    (b"]d20109501101020917171913310L1", "the data of AI (17) does not have the format GS1 requires"),
    (b"]d20109501101020917172602310L1", "AI (17) holds an impossible date: '260231'"),
    (b"]d2010950110102091710A\x1d10B", "AI (10) appears more than once"),
    (b"]d20109501101020917\x1d0109501101020917", "AI (01) appears more than once"),
    (b"]d2hello", "no GS1 application identifier starts at 'hello'"),
    (b"]d2", "carries no data"),
    (b"WO-10233", "no AIM symbology identifier"),
    (b"]C0AB\x07CD", "control character 0x07"),
    (b"]C0WO-1]C0WO-2", "two scans ran together"),
])
def test_bad_scans_are_refused_with_a_reason(frame, reason):
    with pytest.raises(FrameRejected) as refused:
        decode(frame)
    assert reason in str(refused.value)


def test_a_wedge_gs_substitute_becomes_gs():
    [scan] = ScanDecoder(gs_substitute="^")(b"]C11012^21S9")
    assert scan.data == "1012\x1d21S9" and scan.gs1 == {"10": "12", "21": "S9"}


def test_without_aim_identifiers_a_profile_may_accept_plain_scans():
    assert ScanDecoder(require_aim=False)(b"WO-10233") == [Scan(data="WO-10233")]


def test_latin1_scans_are_read_as_latin1():
    assert decode(b"]C0Gr\xf6\xdfe")[0].data == "Größe"


def test_gs1_scans_are_looked_up_with_their_symbology_identifier():
    # A company-internal label (AI 240 part number, 21 serial) is GS1 only because of its ]d2.
    [gs1] = decode(b"]d2240VB-100\x1d21VB-0042117")
    [plain] = decode(b"]C0WO-10233")
    assert gs1.lookup_text == "]d2240VB-100\x1d21VB-0042117"
    assert plain.lookup_text == "WO-10233"
