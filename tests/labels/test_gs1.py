"""The element string a label carries: which AIs in which order, FNC1 where GS1 needs one, and refusals
that name the item — checked against the parsers the bench uses (biip, the scanner decoder)."""

from __future__ import annotations

from datetime import date, timedelta

import biip
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.devices.scanner import ScanDecoder
from app.labels import LabelError, element_string
from app.labels.gs1 import CSET82, GS

VALVE_GTIN = "00614141471102"  # the demo's needle valve: company prefix 0614141, item reference 47110


def test_a_serial_with_a_gtin_and_an_expiry_needs_no_separator():
    element = element_string(name="Serial VA-0100001", code="VA-0100001", is_serial=True,
                             part_number="VA-4711", gtin=VALVE_GTIN, expires_on=date(2031, 5, 12))
    # Fixed-length AIs first: the only variable-length one ends the data, so no FNC1 follows it.
    assert element.data == "01" + VALVE_GTIN + "17310512" + "21VA-0100001"
    assert GS not in element.data
    assert element.parts() == [None, "01" + VALVE_GTIN, "17310512", "21VA-0100001"]
    assert element.hri == f"(01){VALVE_GTIN}(17)310512(21)VA-0100001"


def test_a_lot_without_a_gtin_carries_its_part_number_in_ai_240_then_a_separator():
    element = element_string(name="Lot GR-26-00004", code="GR-26-00004", is_serial=False,
                             part_number="RB-14404-040", gtin=None, expires_on=None)
    assert element.parts() == [None, "240RB-14404-040", None, "10GR-26-00004"]
    assert element.data == f"240RB-14404-040{GS}10GR-26-00004"
    assert element.hri == "(240)RB-14404-040(10)GR-26-00004"


def test_a_short_gtin_is_written_as_fourteen_digits():
    element = element_string(name="Serial S-1", code="S-1", is_serial=True, part_number="P",
                             gtin="614141471102", expires_on=None)  # GTIN-12 of the same item
    assert element.value("01") == VALVE_GTIN


@pytest.mark.parametrize(("field", "value", "phrases"), [
    ("gtin", "00614141471103", ("Serial VA-1", "GTIN '00614141471103'", "VA-4711", "check digit")),
    ("gtin", "061414147110", ("not a valid GTIN",)),
    ("code", "VA 1", ("Serial VA 1", "' '", "GS1 code cannot carry")),
    ("code", "VA#1", ("'#'",)),
    ("code", "V" * 21, ("21 characters", "at most 20")),
    ("code", "", ("serial number is empty",)),
])
def test_data_gs1_cannot_carry_is_refused_with_the_item_named(field, value, phrases):
    fields = {"code": "VA-1", "gtin": VALVE_GTIN} | {field: value}
    with pytest.raises(LabelError) as caught:
        element_string(name=f"Serial {fields['code']}", is_serial=True, part_number="VA-4711",
                       expires_on=None, **fields)
    for phrase in phrases:
        assert phrase in str(caught.value)


def test_a_part_number_too_long_for_ai_240_is_refused():
    with pytest.raises(LabelError, match="number 'P{31}' has 31 characters; a GS1 code carries at most 30"):
        element_string(name="Lot L-1", code="L-1", is_serial=False, part_number="P" * 31, gtin=None,
                       expires_on=None)


_cset82 = st.text(alphabet=sorted(CSET82), min_size=1, max_size=20)
# YYMMDD means a century window around today (GS1 7.12): stay well inside it.
_expiry = st.dates(date.today() - timedelta(days=40 * 365), date.today() + timedelta(days=40 * 365))


@given(code=_cset82, part=st.text(alphabet=sorted(CSET82), min_size=1, max_size=30), serial=st.booleans(),
       with_gtin=st.booleans(), expiry=st.none() | _expiry)
def test_every_element_string_parses_back_to_what_was_labelled(code, part, serial, with_gtin, expiry):
    element = element_string(name="x", code=code, is_serial=serial, part_number=part,
                             gtin=VALVE_GTIN if with_gtin else None, expires_on=expiry)
    # The station's scanner decoder: refuses bad check digits, repeated AIs and malformed data.
    scan = ScanDecoder()(("]d2" + element.data).encode())[0]
    expected = {"21" if serial else "10": code}
    expected |= {"01": VALVE_GTIN} if with_gtin else {"240": part}
    if expiry is not None:
        expected["17"] = expiry.isoformat()
    assert scan.gs1 == expected
    # biip, as Lookup calls it, finds the same serial or lot.
    message = biip.parse("]C1" + element.data).gs1_message
    assert message is not None
    assert {e.ai.ai: e.value for e in message.element_strings}["21" if serial else "10"] == code
