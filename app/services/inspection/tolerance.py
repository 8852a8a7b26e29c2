"""Pure evaluation of inspection entries: typed text or a gauge reading becomes a value in the characteristic's
unit, rounded to its resolution and judged against its limits; pass/fail checks carry a defect code."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.models import CharacteristicKind
from app.services.errors import ValidationError

# Half away from zero, as a gauge display and a hand calculation round (12.0185 → 12.019 at 3 decimals);
# Python's round() works on binary floats and rounds ties to even, which an inspector cannot reproduce.
ROUNDING = ROUND_HALF_UP
# A value further from the middle of the tolerance zone than this many zone widths is almost always a slip
# (a decimal point in the wrong place, the value meant for the next field), not a bad part: the form asks
# before saving it. A real reject lies within a few widths of the zone.
PLAUSIBLE_WIDTHS = 10
# More digits than a double holds exactly cannot come from a gauge; refusing them keeps Decimal arithmetic
# inside its default precision.
MAX_DIGITS = 15
DIM_HIGH, DIM_LOW = "DIM-HIGH", "DIM-LOW"

_MM_PER_UNIT = {"mm": Decimal(1), "µm": Decimal("0.001"), "in": Decimal("25.4")}
_UNIT_ALIASES = {"um": "µm", "μm": "µm", "micron": "µm", "inch": "in", '"': "in"}
_NUMBER = re.compile(r"\s*(?P<sign>[-+\u2212])?\s*(?P<whole>[0-9]*)(?:[.,](?P<fraction>[0-9]*))?"
                     r"\s*(?P<unit>[^\W\d_]+|\")?\s*")
_DEFECT_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,31}")


@dataclass(frozen=True)
class DefectCode:
    """A reason a pass/fail check may fail, as the plan lists it: `BURR`, "burr on an edge"."""

    code: str
    description: str

    def __str__(self) -> str:
        return f"{self.code} ({self.description})" if self.description else self.code


def normalise_code(text: str | None) -> str | None:
    """One spelling of a defect code: trimmed, upper case, spaces as '-' (`thread nogo` → `THREAD-NOGO`)."""
    code = (text or "").strip().upper().replace(" ", "-")
    return code or None


def is_defect_code(code: str) -> bool:
    return _DEFECT_CODE.fullmatch(code) is not None


@dataclass(frozen=True)
class Tolerance:
    """What a characteristic demands: limits (either may be open), nominal, unit and resolution."""

    name: str
    kind: CharacteristicKind
    lower: float | None = None
    upper: float | None = None
    nominal: float | None = None
    unit: str | None = None
    decimals: int = 3
    defect_codes: tuple[DefectCode, ...] = ()  # of a pass/fail check; empty: any well-formed code

    def format(self, value: Decimal | float) -> str:
        return f"{value:.{self.decimals}f} {self.unit or ''}".strip()

    def describe(self) -> str:
        """The limits as the form shows them: `11.982 … 12.018 mm`, `≤ 0.80 µm`, `≥ 39.938 mm`."""
        if self.lower is not None and self.upper is not None:
            return f"{self.lower:.{self.decimals}f} … {self.format(self.upper)}"
        if self.upper is not None:
            return f"≤ {self.format(self.upper)}"
        if self.lower is not None:
            return f"≥ {self.format(self.lower)}"
        return "no limits"


@dataclass(frozen=True)
class Evaluation:
    """The judged entry. `value` is in the characteristic's unit, rounded to its decimals (None for pass/fail
    checks); `message` is the sentence the form shows next to the field ("" when all is well)."""

    value: Decimal | None
    passed: bool
    defect_code: str | None = None
    implausible: bool = False
    message: str = ""


def normalise_unit(unit: str) -> str:
    """One spelling per length unit (`um`, `μm` → `µm`; `inch`, `"`, `IN` → `in`); other units as given,
    since case matters there (`nm` is not `Nm`)."""
    cleaned = unit.strip()
    folded = cleaned.lower()
    return folded if folded in _MM_PER_UNIT else _UNIT_ALIASES.get(folded, cleaned)


def convert(value: Decimal, unit: str, tolerance: Tolerance) -> Decimal:
    """`value` in `unit` expressed in the characteristic's unit (lengths: mm, µm, in, exactly)."""
    source, target = normalise_unit(unit), normalise_unit(tolerance.unit or unit)
    if source == target:
        return value
    if source in _MM_PER_UNIT and target in _MM_PER_UNIT:
        return value * _MM_PER_UNIT[source] / _MM_PER_UNIT[target]
    raise ValidationError(f"{tolerance.name} is measured in {tolerance.unit}; a value in {unit} cannot be "
                          f"converted to it. Check the gauge's unit setting or type the value in "
                          f"{tolerance.unit}.")


def evaluate_text(tolerance: Tolerance, text: str) -> Evaluation:
    """Judge what the inspector typed: a number with a decimal point or comma, optionally followed by its
    unit. In the characteristic's own unit it may not be finer than the resolution (trailing zeros aside)."""
    _require_variable(tolerance)
    found = _NUMBER.fullmatch(text)
    whole, fraction = (found["whole"], found["fraction"] or "") if found else ("", "")
    unit = found["unit"] if found else None
    known = unit is None or normalise_unit(unit) in (*_MM_PER_UNIT, normalise_unit(tolerance.unit or unit))
    if found is None or not (whole or fraction) or not known:
        example = tolerance.format(tolerance.nominal if tolerance.nominal is not None else 0)
        raise ValidationError(f"'{text.strip()}' is not a number. Type the value of {tolerance.name} with "
                              f"digits and one decimal point or comma, e.g. {example}.")
    if len(whole.lstrip("0")) + len(fraction) > MAX_DIGITS:
        raise ValidationError(f"'{text.strip()}' has more digits than any gauge shows; type the value of "
                              f"{tolerance.name} again.")
    sign = "-" if found["sign"] in ("-", "\u2212") else ""
    value = Decimal(f"{sign}{whole or '0'}.{fraction or '0'}")
    if unit is None or normalise_unit(unit) == normalise_unit(tolerance.unit or unit):
        significant = len(fraction.rstrip("0"))
        if significant > tolerance.decimals:
            raise ValidationError(
                f"{text.strip()} has {significant} decimals, but {tolerance.name} is measured to "
                f"{tolerance.decimals} ({tolerance.format(Decimal(1).scaleb(-tolerance.decimals))}). "
                "Type the value as the gauge shows it at that resolution.")
        return judge(tolerance, value)
    return judge(tolerance, convert(value, unit, tolerance))


def evaluate_reading(tolerance: Tolerance, value: float, unit: str) -> Evaluation:
    """Judge a gauge reading: converted to the characteristic's unit and rounded to its resolution."""
    _require_variable(tolerance)
    if not math.isfinite(value) or abs(value) >= 10 ** (MAX_DIGITS - 6):
        raise ValidationError(f"The gauge sent {value!r} for {tolerance.name}, which is not a measurement; "
                              "take the reading again.")
    return judge(tolerance, convert(Decimal(repr(value)), unit, tolerance))


def evaluate_attribute(tolerance: Tolerance, passed: bool, defect_code: str | None = None) -> Evaluation:
    """Judge a pass/fail check: a failure needs a defect code, a pass has none."""
    if tolerance.kind is not CharacteristicKind.ATTRIBUTE:
        raise ValidationError(f"{tolerance.name} needs a measured value in {tolerance.unit}, not pass/fail.")
    code = normalise_code(defect_code)
    if passed:
        if code is not None:
            raise ValidationError(f"{tolerance.name} passed, so it has no defect code; choose fail to record "
                                  f"{code}.")
        return Evaluation(None, True)
    allowed = "; ".join(str(c) for c in tolerance.defect_codes)
    if code is None:
        choose = f": {allowed}" if allowed else ""
        raise ValidationError(f"{tolerance.name} failed: choose the defect code that says why{choose}.")
    if tolerance.defect_codes and code not in {c.code for c in tolerance.defect_codes}:
        raise ValidationError(f"'{code}' is not a defect code of {tolerance.name}. Choose one of its codes: "
                              f"{allowed}.")
    if not is_defect_code(code):
        raise ValidationError(f"'{defect_code}' is not a defect code: use up to 32 letters, digits, '-', '.' "
                              "or '_', e.g. THREAD-NOGO.")
    return Evaluation(None, False, code, message=f"{tolerance.name} failed ({code}).")


def round_to(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUNDING)


def judge(tolerance: Tolerance, value: Decimal) -> Evaluation:
    """Round to the resolution first, then compare: a value that rounds onto a limit is in tolerance."""
    rounded = round_to(value, tolerance.decimals)
    lower, upper = _exact(tolerance.lower), _exact(tolerance.upper)
    implausible = _implausible(rounded, lower, upper, _exact(tolerance.nominal))
    shown = tolerance.format(rounded)
    if upper is not None and rounded > upper:
        passed, code = False, DIM_HIGH
        message = f"{shown} is above the upper limit {tolerance.format(upper)}."
    elif lower is not None and rounded < lower:
        passed, code = False, DIM_LOW
        message = f"{shown} is below the lower limit {tolerance.format(lower)}."
    else:
        passed, code, message = True, None, ""
    if implausible:
        message = (f"{shown} is far outside {tolerance.describe()}: check the reading (the decimal point, the "
                   f"right field) and confirm it if it is right.")
    return Evaluation(rounded, passed, code, implausible, message)


def _require_variable(tolerance: Tolerance) -> None:
    if tolerance.kind is not CharacteristicKind.VARIABLE:
        raise ValidationError(f"{tolerance.name} is a pass/fail check: choose pass or fail.")


def _exact(limit: float | None) -> Decimal | None:
    # repr gives the shortest text that reads back as the same double: 12.018, not 12.0179999…
    return None if limit is None else Decimal(repr(limit))


def _implausible(value: Decimal, lower: Decimal | None, upper: Decimal | None, nominal: Decimal | None) -> bool:
    if lower is not None and upper is not None:
        centre, width = (lower + upper) / 2, upper - lower
    else:
        limit = lower if lower is not None else upper
        if limit is None:
            return False
        centre = limit
        width = abs(limit - nominal) if nominal is not None and nominal != limit else abs(limit)
    return width > 0 and abs(value - centre) > PLAUSIBLE_WIDTHS * width
