"""Tolerance evaluation at the boundaries: exactly on a limit, rounding at the characteristic's decimals, unit
conversion, decimal comma, plausibility, garbage text, and pass/fail checks with defect codes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.models import CharacteristicKind
from app.services.errors import ValidationError
from app.services.inspection.tolerance import (
    DIM_HIGH,
    DIM_LOW,
    DefectCode,
    Tolerance,
    evaluate_attribute,
    evaluate_reading,
    evaluate_text,
)

BORE = Tolerance("Bore", CharacteristicKind.VARIABLE, lower=11.982, upper=12.018, nominal=12.0, unit="mm",
                 decimals=3)
ROUGHNESS = Tolerance("Ra", CharacteristicKind.VARIABLE, upper=0.80, unit="µm", decimals=2)
TORQUE = Tolerance("Torque", CharacteristicKind.VARIABLE, lower=1.20, upper=2.40, nominal=1.8, unit="Nm",
                   decimals=2)
THREAD = Tolerance("Thread", CharacteristicKind.ATTRIBUTE)


@pytest.mark.parametrize("text", ["11.982", "12.018", "12,018", "12.01800", " 12.018 mm ", "+12.018"])
def test_a_value_exactly_on_a_limit_passes(text):
    found = evaluate_text(BORE, text)
    assert found.passed and found.defect_code is None and found.message == ""


@pytest.mark.parametrize(("text", "code", "words"), [
    ("12.019", DIM_HIGH, "12.019 mm is above the upper limit 12.018 mm."),
    ("11.981", DIM_LOW, "11.981 mm is below the lower limit 11.982 mm."),
])
def test_one_step_of_resolution_outside_fails_with_a_code(text, code, words):
    found = evaluate_text(BORE, text)
    assert (found.passed, found.defect_code, found.message) == (False, code, words)


@pytest.mark.parametrize(("reading", "shown", "passed"), [
    (12.0184, "12.018", True),  # rounds onto the limit: in tolerance
    (12.0185, "12.019", False),  # half rounds away from zero, as the gauge display does
    (11.9815, "11.982", True),
    (11.98149, "11.981", False),
])
def test_readings_are_rounded_to_the_decimals_before_comparing(reading, shown, passed):
    found = evaluate_reading(BORE, reading, "mm")
    assert found.value == Decimal(shown) and found.passed is passed


def test_rounding_is_decimal_not_binary():
    # 2.675 is 2.67499999… as a double, so round(2.675, 2) gives 2.67; a person reads 2.68.
    assert round(2.675, 2) == 2.67
    found = evaluate_reading(Tolerance("x", CharacteristicKind.VARIABLE, upper=2.68, unit="mm", decimals=2),
                             2.675, "mm")
    assert found.value == Decimal("2.68") and found.passed


def test_typed_values_may_not_be_finer_than_the_resolution():
    with pytest.raises(ValidationError, match=r"12.0185 has 4 decimals, but Bore is measured to 3 \(0.001 mm\)"):
        evaluate_text(BORE, "12.0185")
    assert evaluate_text(BORE, "12.0180").value == Decimal("12.018")  # trailing zeros say nothing finer
    assert evaluate_text(BORE, "12").value == Decimal("12.000")


@pytest.mark.parametrize(("text", "value"), [
    ("12,005", "12.005"), ("−0,5", "-0.500"), ("- 0.5", "-0.500"), (",5", "0.500"), ("12.", "12.000"),
    ("12018 µm", "12.018"), ("12018 um", "12.018"), ("12018μm", "12.018"),  # micro sign, u, Greek mu
    ("0.4724 in", "11.999"), ('0.4724"', "11.999"), ("0.4724 inch", "11.999"),
])
def test_number_formats_and_units_people_type(text, value):
    assert evaluate_text(BORE, text).value == Decimal(value)


@pytest.mark.parametrize("text", ["", "   ", "abc", "-", ".", "1.2.3", "12,3,4", "1,234.5", "12e3", "nan", "inf",
                                  "--1", "12 kg", "0x1F", "1" * 20, "١٢"])
def test_garbage_is_refused_in_words(text):
    with pytest.raises(ValidationError, match="not a number|more digits than any gauge"):
        evaluate_text(BORE, text)


def test_gauge_readings_are_converted_to_the_characteristic_unit():
    assert evaluate_reading(BORE, 0.47315, "in").value == Decimal("12.018")  # 12.01801 mm
    assert evaluate_reading(BORE, 0.4732, "in").defect_code == DIM_HIGH  # 12.01928 mm
    assert evaluate_reading(BORE, 12018.4, "um").value == Decimal("12.018")
    assert evaluate_reading(BORE, 12.0, "MM").passed and evaluate_reading(BORE, 0.4724, "IN").passed
    assert evaluate_reading(ROUGHNESS, 0.0008, "mm").value == Decimal("0.80")  # mm → µm
    assert evaluate_reading(ROUGHNESS, 0.00081, "mm").passed is False
    assert evaluate_reading(TORQUE, 1.8, "Nm").passed  # not a length: no conversion, same unit
    with pytest.raises(ValidationError, match="Bore is measured in mm; a value in Nm cannot be converted"):
        evaluate_reading(BORE, 12.0, "Nm")
    with pytest.raises(ValidationError, match="not a measurement"):
        evaluate_reading(BORE, float("nan"), "mm")


def test_far_off_values_are_flagged_as_probable_slips():
    slip = evaluate_text(BORE, "120.00")  # decimal point in the wrong place
    assert slip.implausible and not slip.passed and "check the reading" in slip.message
    reject = evaluate_text(BORE, "12.3")  # a bad part, not a typing slip
    assert not reject.implausible and not reject.passed
    assert not evaluate_text(ROUGHNESS, "1.5").implausible and evaluate_text(ROUGHNESS, "9").implausible


def test_pass_fail_checks_need_a_defect_code_to_fail():
    assert evaluate_attribute(THREAD, True).passed
    failed = evaluate_attribute(THREAD, False, " thread nogo ")
    assert (failed.passed, failed.defect_code) == (False, "THREAD-NOGO")
    with pytest.raises(ValidationError, match="Thread failed: choose the defect code"):
        evaluate_attribute(THREAD, False)
    with pytest.raises(ValidationError, match="has no defect code"):
        evaluate_attribute(THREAD, True, "SCRATCH")
    with pytest.raises(ValidationError, match="not a defect code"):
        evaluate_attribute(THREAD, False, "bad/code")


VISUAL = Tolerance("Visual", CharacteristicKind.ATTRIBUTE, defect_codes=(
    DefectCode("BURR", "burr on an edge"), DefectCode("SCRATCH", "scratch on a sealing face")))


def test_a_check_with_defect_codes_fails_only_with_one_of_them():
    assert evaluate_attribute(VISUAL, False, " burr ").defect_code == "BURR"  # typed as people type it
    assert evaluate_attribute(VISUAL, False, "SCRATCH").defect_code == "SCRATCH"
    assert evaluate_attribute(VISUAL, True).passed
    with pytest.raises(ValidationError) as refused:
        evaluate_attribute(VISUAL, False, "BURRS")
    assert str(refused.value) == ("'BURRS' is not a defect code of Visual. Choose one of its codes: BURR (burr on an "
                                  "edge); SCRATCH (scratch on a sealing face).")
    with pytest.raises(ValidationError) as refused:
        evaluate_attribute(VISUAL, False, " ")
    assert str(refused.value) == ("Visual failed: choose the defect code that says why: BURR (burr on an edge); "
                                  "SCRATCH (scratch on a sealing face).")


def test_kinds_cannot_be_mixed_up():
    with pytest.raises(ValidationError, match="Thread is a pass/fail check"):
        evaluate_text(THREAD, "1.0")
    with pytest.raises(ValidationError, match="Bore needs a measured value in mm"):
        evaluate_attribute(BORE, True)


def test_limits_are_described_as_the_form_shows_them():
    assert BORE.describe() == "11.982 … 12.018 mm"
    assert ROUGHNESS.describe() == "≤ 0.80 µm"
    assert Tolerance("L", CharacteristicKind.VARIABLE, lower=39.938, unit="mm").describe() == "≥ 39.938 mm"
