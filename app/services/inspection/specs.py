"""Inspection plans as plain definitions: validation in sentences a quality engineer reads, and the readable
JSON form plans are exported and imported in."""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar

from app.models import CharacteristicKind, Classification, PlanType
from app.services.errors import ValidationError
from app.services.inspection.sampling import Sampling, SamplingRule, read_sampling
from app.services.inspection.tolerance import DefectCode, is_defect_code, normalise_code, normalise_unit, round_to

FORMAT = "threadline-inspection-plans"
FORMAT_VERSION = 1
MAX_DECIMALS = 6
MAX_DEFECT_CODES = 40  # a longer list is no help at the bench: nobody scrolls through it with a part in hand
MAX_DESCRIPTION = 120
_MAX_PROBLEMS = 8  # more than this in one message helps nobody; the first ones show the pattern
E = TypeVar("E", bound=enum.Enum)
_CHARACTERISTIC_KEYS = {"name", "kind", "classification", "nominal", "lower_limit", "upper_limit", "tolerance",
                        "unit", "decimals", "gauge_type", "defect_codes"}
_PLAN_KEYS = {"part_number", "part_revision", "plan_type", "operation", "revision", "sample_size", "frequency",
              "sampling", "characteristics"}


@dataclass(frozen=True)
class CharacteristicDefinition:
    name: str
    kind: CharacteristicKind
    classification: Classification
    nominal: float | None = None
    lower_limit: float | None = None
    upper_limit: float | None = None
    unit: str | None = None
    decimals: int = 3
    gauge_type: str | None = None  # the kind of gauge the plan allows, e.g. "Caliper"; None: any or none
    # The codes a pass/fail check may fail with; empty: any well-formed code. A measured characteristic has
    # none (its failures are DIM-HIGH and DIM-LOW).
    defect_codes: tuple[DefectCode, ...] = ()

    @classmethod
    def variable(cls, name: str, classification: Classification, *, unit: str, decimals: int,
                 nominal: float | None = None, lower: float | None = None, upper: float | None = None,
                 tolerance: float | tuple[float, float] | None = None,
                 gauge_type: str | None = None) -> CharacteristicDefinition:
        """A measured characteristic with limits, or with a tolerance around the nominal: ±t, or (lower
        deviation, upper deviation) such as (-0.018, 0.010)."""
        if tolerance is not None:
            if nominal is None:
                raise ValidationError(f"{name}: a tolerance needs a nominal value to apply to.")
            low, high = (-abs(tolerance), abs(tolerance)) if isinstance(tolerance, (int, float)) else tolerance
            base = Decimal(repr(float(nominal)))
            lower, upper = (float(round_to(base + Decimal(repr(float(d))), decimals)) for d in (low, high))
        return cls(name, CharacteristicKind.VARIABLE, classification, nominal, lower, upper, unit, decimals,
                   gauge_type)

    @classmethod
    def attribute(cls, name: str, classification: Classification, gauge_type: str | None = None,
                  defect_codes: dict[str, str] | tuple[DefectCode, ...] = ()) -> CharacteristicDefinition:
        """A pass/fail check; `defect_codes` maps each code it may fail with to what it means."""
        codes = tuple(DefectCode(code, text) for code, text in defect_codes.items()) \
            if isinstance(defect_codes, dict) else tuple(defect_codes)
        return cls(name, CharacteristicKind.ATTRIBUTE, classification, decimals=0, gauge_type=gauge_type,
                   defect_codes=codes)

    def normalised(self) -> CharacteristicDefinition:
        """Names trimmed, unit spellings and defect codes unified; a pass/fail check has no decimals."""
        decimals = 0 if self.kind is CharacteristicKind.ATTRIBUTE else self.decimals
        unit = normalise_unit(self.unit) if self.unit and self.unit.strip() else None
        codes = tuple(DefectCode(normalise_code(c.code) or "", " ".join(c.description.split()))
                      for c in self.defect_codes)
        return replace(self, name=self.name.strip(), unit=unit, decimals=decimals,
                       gauge_type=(self.gauge_type or "").strip() or None, defect_codes=codes)

    def problems(self) -> list[str]:
        name = self.name or "(no name)"
        found = [] if 0 < len(self.name) <= 64 else [f"{name}: a name of 1 to 64 characters is needed"]
        if self.gauge_type is not None and len(self.gauge_type) > 64:
            found.append(f"{name}: the gauge type may have at most 64 characters")
        if self.kind is CharacteristicKind.ATTRIBUTE:
            if any(v is not None for v in (self.nominal, self.lower_limit, self.upper_limit, self.unit)):
                found.append(f"{name}: a pass/fail check has no nominal, limits or unit")
            return found + self._code_problems(name)
        if self.defect_codes:
            found.append(f"{name}: a measured characteristic has no defect codes (a value outside the limits is "
                         "recorded as DIM-HIGH or DIM-LOW)")
        if self.unit is None or len(self.unit) > 16:
            found.append(f"{name}: a unit of up to 16 characters is needed, e.g. mm")
        if not 0 <= self.decimals <= MAX_DECIMALS:
            found.append(f"{name}: decimals must be 0 to {MAX_DECIMALS}, not {self.decimals}")
            return found
        if self.lower_limit is None and self.upper_limit is None:
            found.append(f"{name}: a lower limit, an upper limit or both are needed")
        if self.lower_limit is not None and self.upper_limit is not None and self.lower_limit >= self.upper_limit:
            found.append(f"{name}: the lower limit {self.lower_limit} must be below the upper limit "
                         f"{self.upper_limit}")
        elif self.nominal is not None and not ((self.lower_limit is None or self.lower_limit <= self.nominal)
                                               and (self.upper_limit is None or self.nominal <= self.upper_limit)):
            found.append(f"{name}: the nominal {self.nominal} lies outside the limits")
        for label, value in (("nominal", self.nominal), ("lower limit", self.lower_limit),
                             ("upper limit", self.upper_limit)):
            # A limit finer than the resolution could never be met exactly: values are rounded before comparing.
            if value is not None and -Decimal(repr(float(value))).normalize().as_tuple().exponent > self.decimals:
                found.append(f"{name}: the {label} {value} has more decimals than the resolution "
                             f"({self.decimals})")
        return found

    def _code_problems(self, name: str) -> list[str]:
        found = []
        if len(self.defect_codes) > MAX_DEFECT_CODES:
            found.append(f"{name}: at most {MAX_DEFECT_CODES} defect codes, not {len(self.defect_codes)}")
        seen: set[str] = set()
        for c in self.defect_codes:
            if not is_defect_code(c.code):
                found.append(f"{name}: the defect code '{c.code}' must be 1 to 32 letters, digits, '-', '.' or "
                             "'_', e.g. THREAD-NOGO")
            elif c.code in seen:
                found.append(f"{name}: the defect code {c.code} is listed twice")
            seen.add(c.code)
            if not 0 < len(c.description) <= MAX_DESCRIPTION:
                found.append(f"{name}: the defect code {c.code or '(no code)'} needs a description of 1 to "
                             f"{MAX_DESCRIPTION} characters, e.g. \"burr on an edge\"")
        return found


@dataclass(frozen=True)
class PlanDefinition:
    """One plan: which part (number and revision), which kind of inspection at which operation, which items
(or lots) and how many readings, and its characteristics in order."""

    part_number: str
    part_revision: str
    plan_type: PlanType
    operation_seq: int | None
    characteristics: tuple[CharacteristicDefinition, ...]
    sample_size: int = 1  # readings of each measured characteristic per record, unless a lot-size table says
    sampling: Sampling = Sampling()  # every item, unless a rule says otherwise

    @property
    def frequency(self) -> int:
        """Every n-th item (1 for the other rules), as the plan's `frequency` column keeps it."""
        return self.sampling.every if self.sampling.rule is SamplingRule.EVERY_NTH else 1

    @property
    def title(self) -> str:
        where = f" at operation {self.operation_seq}" if self.operation_seq is not None else ""
        return (f"{self.part_number} rev {self.part_revision}, {self.plan_type.value.replace('_', ' ')} "
                f"inspection{where}")

    def validated(self) -> PlanDefinition:
        """The definition normalised, or a ValidationError that lists what is wrong."""
        plan = replace(self, part_number=self.part_number.strip(), part_revision=self.part_revision.strip(),
                       characteristics=tuple(c.normalised() for c in self.characteristics),
                       sampling=self.sampling.validated())
        found = [] if plan.characteristics else ["add at least one characteristic"]
        if plan.sample_size < 1:
            found.append("the sample size must be at least 1")
        if plan.sampling.rule is SamplingRule.LOT_SIZE and plan.sample_size != 1:
            found.append("a plan sampled by lot size takes its sample sizes from the table; leave the sample "
                         "size at 1")
        found += plan.sampling.problems()
        names = [c.name.casefold() for c in plan.characteristics]
        found += [f"{c.name}: the name is used twice" for i, c in enumerate(plan.characteristics)
                  if c.name.casefold() in names[:i]]
        found += [problem for c in plan.characteristics for problem in c.problems()]
        if found:
            raise ValidationError(_sentence(f"The plan {plan.title} cannot be saved", found))
        return plan


def plans_to_json(plans: list[tuple[PlanDefinition, int]]) -> str:
    """Readable JSON of (definition, revision) pairs; empty fields are left out."""
    entries = []
    for plan, revision in plans:
        entry: dict[str, Any] = {
            "part_number": plan.part_number, "part_revision": plan.part_revision,
            "plan_type": plan.plan_type.value, "operation": plan.operation_seq, "revision": revision}
        # Every n-th item stays the plain "frequency" files have always had; the other rules say what they are.
        if plan.sampling.rule is SamplingRule.EVERY_NTH:
            entry.update(sample_size=plan.sample_size, frequency=plan.frequency)
        elif plan.sampling.rule is SamplingRule.FIRST_LAST:
            entry.update(sample_size=plan.sample_size, sampling=plan.sampling.to_json())
        else:
            entry["sampling"] = plan.sampling.to_json()
        entry["characteristics"] = [_characteristic_json(c) for c in plan.characteristics]
        entries.append(entry)
    document = {"format": FORMAT, "version": FORMAT_VERSION, "plans": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def plans_from_json(text: str) -> list[PlanDefinition]:
    """Definitions from JSON written by `plans_to_json` or by hand; `revision` is informative and ignored.
    Characteristics may give `tolerance` (±t, or [lower, upper] deviation) instead of limits."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"The plan file is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                              f"{exc.msg}). Fix it in a text editor and import it again.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(f"This is not a Threadline plan file: it needs \"format\": \"{FORMAT}\".")
    if document.get("version") != FORMAT_VERSION:
        raise ValidationError(f"This plan file has format version {document.get('version')!r}; this Threadline "
                              f"reads version {FORMAT_VERSION}.")
    reader = _Reader()
    raw_plans = document.get("plans")
    if not isinstance(raw_plans, list) or not raw_plans:
        raise ValidationError("The plan file has no \"plans\" list, so there is nothing to import.")
    plans = [reader.plan(f"plan {index}", raw) for index, raw in enumerate(raw_plans, start=1)]
    if reader.problems:
        raise ValidationError(_sentence("The plan file cannot be imported", reader.problems))
    return [plan for plan in plans if plan is not None]


def _characteristic_json(c: CharacteristicDefinition) -> dict[str, Any]:
    values: dict[str, Any] = {"name": c.name, "kind": c.kind.value, "classification": c.classification.value,
                              "nominal": c.nominal, "lower_limit": c.lower_limit, "upper_limit": c.upper_limit,
                              "unit": c.unit, "gauge_type": c.gauge_type}
    if c.kind is CharacteristicKind.VARIABLE:
        values["decimals"] = c.decimals
    if c.defect_codes:
        values["defect_codes"] = [{"code": d.code, "description": d.description} for d in c.defect_codes]
    return {key: value for key, value in values.items() if value is not None}


class _Reader:
    """Reads hand-written JSON into definitions, collecting every problem with where it is."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def plan(self, where: str, raw: Any) -> PlanDefinition | None:
        if not self._is_object(where, raw, _PLAN_KEYS):
            return None
        characteristics = raw.get("characteristics")
        if not isinstance(characteristics, list):
            self.problems.append(f"{where}: \"characteristics\" must be a list")
            characteristics = []
        chars = [self.characteristic(f"{where}, characteristic {i}", c)
                 for i, c in enumerate(characteristics, start=1)]
        values = (self._text(where, raw, "part_number"), self._text(where, raw, "part_revision"),
                  self._choice(where, raw, "plan_type", PlanType))
        operation = self._integer(where, raw, "operation", None)
        sample_size, frequency = self._integer(where, raw, "sample_size", 1), self._integer(where, raw, "frequency", 1)
        sampling = self._sampling(where, raw, frequency or 1)
        if None in values or None in chars or sampling is None:
            return None
        part_number, part_revision, plan_type = values
        try:
            return PlanDefinition(part_number, part_revision, plan_type, operation,
                                  tuple(c for c in chars if c is not None), sample_size or 1, sampling).validated()
        except ValidationError as exc:
            self.problems.append(f"{where}: {exc}")
            return None

    def _sampling(self, where: str, raw: dict[str, Any], frequency: int) -> Sampling | None:
        """The "sampling" object, or the older plain "frequency" (every n-th item); not both."""
        if "sampling" not in raw:
            return Sampling.every_nth(frequency)
        if "frequency" in raw:
            self.problems.append(f"{where}: give either \"frequency\" (every n-th item) or \"sampling\", not both")
            return None
        return read_sampling(where, raw["sampling"], self.problems)

    def characteristic(self, where: str, raw: Any) -> CharacteristicDefinition | None:
        if not self._is_object(where, raw, _CHARACTERISTIC_KEYS):
            return None
        name, kind = self._text(where, raw, "name"), self._choice(where, raw, "kind", CharacteristicKind)
        classification = self._choice(where, raw, "classification", Classification)
        numbers = {key: self._number(where, raw, key) for key in ("nominal", "lower_limit", "upper_limit")}
        unit, gauge_type = self._text(where, raw, "unit", False), self._text(where, raw, "gauge_type", False)
        decimals = self._integer(where, raw, "decimals", 3 if kind is CharacteristicKind.VARIABLE else 0)
        tolerance = raw.get("tolerance")
        codes = self._defect_codes(where, raw.get("defect_codes", []))
        if name is None or kind is None or classification is None or decimals is None or codes is None:
            return None
        if tolerance is not None and kind is not CharacteristicKind.VARIABLE:
            self.problems.append(f"{where}: a pass/fail check has no tolerance")
            return None
        if tolerance is None:
            return CharacteristicDefinition(name, kind, classification, numbers["nominal"],
                                            numbers["lower_limit"], numbers["upper_limit"], unit, decimals,
                                            gauge_type, codes)
        if not (_is_number(tolerance) or (isinstance(tolerance, list) and len(tolerance) == 2
                                          and all(_is_number(t) for t in tolerance))):
            self.problems.append(f"{where}: \"tolerance\" must be a number (±) or [lower, upper] deviations")
            return None
        try:
            return CharacteristicDefinition.variable(
                name, classification, unit=unit or "", decimals=decimals, nominal=numbers["nominal"],
                tolerance=tolerance if _is_number(tolerance) else (tolerance[0], tolerance[1]),
                gauge_type=gauge_type)
        except ValidationError as exc:
            self.problems.append(f"{where}: {exc}")
            return None

    def _defect_codes(self, where: str, raw: Any) -> tuple[DefectCode, ...] | None:
        """`[{"code": "BURR", "description": "burr on an edge"}, …]`, in the order the form offers them."""
        if not isinstance(raw, list):
            self.problems.append(f"{where}: \"defect_codes\" must be a list of {{\"code\", \"description\"}} objects")
            return None
        codes = []
        for index, entry in enumerate(raw, start=1):
            at = f"{where}, defect code {index}"
            if not self._is_object(at, entry, {"code", "description"}):
                continue
            code, description = self._text(at, entry, "code"), self._text(at, entry, "description")
            if code is not None and description is not None:
                codes.append(DefectCode(code, description))
        return tuple(codes) if len(codes) == len(raw) else None

    def _is_object(self, where: str, raw: Any, known: set[str]) -> bool:
        if not isinstance(raw, dict):
            self.problems.append(f"{where} must be an object with named fields")
            return False
        self.problems += [f"{where}: unknown field \"{key}\"" for key in raw if key not in known]
        return True

    def _text(self, where: str, raw: dict[str, Any], key: str, required: bool = True) -> str | None:
        value = raw.get(key)
        if value is None and not required:
            return None
        if isinstance(value, str) and value.strip():
            return value
        self.problems.append(f"{where}: \"{key}\" must be a non-empty text")
        return None

    def _number(self, where: str, raw: dict[str, Any], key: str) -> float | None:
        value = raw.get(key)
        if value is None or _is_number(value):
            return None if value is None else float(value)
        self.problems.append(f"{where}: \"{key}\" must be a number, not {value!r}")
        return None

    def _integer(self, where: str, raw: dict[str, Any], key: str, default: int | None) -> int | None:
        value = raw.get(key, default)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        self.problems.append(f"{where}: \"{key}\" must be a whole number, not {value!r}")
        return None

    def _choice(self, where: str, raw: dict[str, Any], key: str, choices: type[E]) -> E | None:
        value = raw.get(key)
        try:
            return choices(value)
        except ValueError:
            allowed = ", ".join(str(c.value) for c in choices)
            self.problems.append(f"{where}: \"{key}\" must be one of {allowed}, not {value!r}")
            return None


def _is_number(value: Any) -> bool:
    # json.loads accepts NaN and Infinity; neither is a limit.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _sentence(lead: str, problems: list[str]) -> str:
    shown = problems[:_MAX_PROBLEMS]
    more = f"; and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return f"{lead}: {'; '.join(shown)}{more}."
