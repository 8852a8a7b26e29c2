"""Sampling rules of inspection plans, pure: which items are due (every n-th item of a work order, its first-off
and last-off) and how many readings a record takes (a lot's sample from a table by lot size); their validation
in sentences, and the readable JSON they are kept in, in plan files and in the plan's `sampling` column."""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass
from typing import Any

from app.services.errors import ValidationError

MAX_EVERY = 100_000
MAX_SAMPLE = 10_000
MAX_TABLE_ROWS = 30


class SamplingRule(str, enum.Enum):
    EVERY_NTH = "every_nth"  # every n-th item (1: every item), counted in its work order
    FIRST_LAST = "first_last"  # the first-off and/or the last-off of each work order
    LOT_SIZE = "lot_size"  # every lot, with a sample by the lot's size from a table


@dataclass(frozen=True)
class LotSizeRange:
    """Lots of `low` to `high` units (None: and more) are sampled with `sample` readings."""

    low: int
    high: int | None
    sample: int

    def describe(self) -> str:
        sizes = f"{self.low:,}–{self.high:,}" if self.high is not None else f"{self.low:,} and more"
        return f"{sizes}: {self.sample}"


@dataclass(frozen=True)
class Sampling:
    """A plan's sampling rule. Only the fields of its rule mean anything; `validated` resets the others, so two
    equal rules compare equal."""

    rule: SamplingRule = SamplingRule.EVERY_NTH
    every: int = 1
    first_off: bool = True
    last_off: bool = True
    lot_sizes: tuple[LotSizeRange, ...] = ()

    @classmethod
    def every_nth(cls, n: int = 1) -> Sampling:
        return cls(SamplingRule.EVERY_NTH, every=n)

    @classmethod
    def first_last(cls, *, first: bool = True, last: bool = True) -> Sampling:
        return cls(SamplingRule.FIRST_LAST, first_off=first, last_off=last)

    @classmethod
    def by_lot_size(cls, *rows: tuple[int, int | None, int] | LotSizeRange) -> Sampling:
        """Rows as (from, to, sample) or LotSizeRange; the last row's `to` may be None (and more)."""
        return cls(SamplingRule.LOT_SIZE, lot_sizes=tuple(
            row if isinstance(row, LotSizeRange) else LotSizeRange(*row) for row in rows))

    def validated(self) -> Sampling:
        if self.rule is SamplingRule.EVERY_NTH:
            return Sampling(self.rule, every=self.every)
        if self.rule is SamplingRule.FIRST_LAST:
            return Sampling(self.rule, first_off=self.first_off, last_off=self.last_off)
        return Sampling(self.rule, lot_sizes=self.lot_sizes)

    def problems(self) -> list[str]:
        """What is wrong with the rule, each said on its own ('sampling: …')."""
        if self.rule is SamplingRule.EVERY_NTH:
            return [] if 1 <= self.every <= MAX_EVERY else [
                f"sampling: every n-th item needs n from 1 to {MAX_EVERY:,}, not {self.every}"]
        if self.rule is SamplingRule.FIRST_LAST:
            return [] if self.first_off or self.last_off else [
                "sampling: choose the first-off, the last-off or both"]
        return _table_problems(self.lot_sizes)

    def sample_for(self, lot_size: float) -> int | None:
        """The sample of a lot of `lot_size` units by the table, None when the table has no row for it. A part
        unit counts as a whole one, and a lot smaller than its sample is inspected whole."""
        row = self.row_for(lot_size)
        return None if row is None else min(row.sample, math.ceil(lot_size))

    def row_for(self, lot_size: float) -> LotSizeRange | None:
        units = max(math.ceil(lot_size), 0)
        return next((r for r in self.lot_sizes if r.low <= units and (r.high is None or units <= r.high)), None)

    def coverage(self) -> str:
        """The lot sizes the table covers, for the sentence about a lot it does not."""
        if not self.lot_sizes:
            return "no lot sizes"
        high = self.lot_sizes[-1].high
        return f"lots of {self.lot_sizes[0].low:,} to {high:,}" if high is not None else \
            f"lots of {self.lot_sizes[0].low:,} and more"

    def describe(self) -> str:
        """The rule as the plan list and the form say it."""
        if self.rule is SamplingRule.EVERY_NTH:
            return "every item" if self.every == 1 else f"every {ordinal(self.every)} item"
        if self.rule is SamplingRule.FIRST_LAST:
            which = [word for word, on in (("first-off", self.first_off), ("last-off", self.last_off)) if on]
            return " and ".join(which) + " of each work order"
        return "each lot, sample by lot size"

    def to_json(self) -> dict[str, Any]:
        if self.rule is SamplingRule.EVERY_NTH:
            return {"rule": self.rule.value, "every": self.every}
        if self.rule is SamplingRule.FIRST_LAST:
            return {"rule": self.rule.value, "first_off": self.first_off, "last_off": self.last_off}
        return {"rule": self.rule.value, "lot_sizes": [
            {"from": r.low, **({"to": r.high} if r.high is not None else {}), "sample": r.sample}
            for r in self.lot_sizes]}

    def column(self) -> str:
        """The text of the plan's `sampling` column: the same JSON as in a plan file, on one line."""
        return json.dumps(self.to_json(), ensure_ascii=False)

    @classmethod
    def from_column(cls, text: str | None, frequency: int) -> Sampling:
        """The rule of a stored plan; a plan from before the column existed samples every `frequency`-th item."""
        if not text:
            return cls.every_nth(frequency)
        problems: list[str] = []
        sampling = read_sampling("the stored plan", json.loads(text), problems)
        if sampling is None:
            raise ValidationError(f"The sampling rule stored with this plan cannot be read ({'; '.join(problems)}); "
                                  "ask a quality engineer to save the plan again.")
        return sampling


def read_sampling(where: str, raw: Any, problems: list[str]) -> Sampling | None:
    """A rule from its JSON (hand-written or exported), collecting what is wrong with where it is."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: \"sampling\" must be an object with a \"rule\"")
        return None
    rule_text = raw.get("rule")
    try:
        rule = SamplingRule(rule_text)
    except ValueError:
        allowed = ", ".join(r.value for r in SamplingRule)
        problems.append(f"{where}: the sampling \"rule\" must be one of {allowed}, not {rule_text!r}")
        return None
    known = {SamplingRule.EVERY_NTH: {"every"}, SamplingRule.FIRST_LAST: {"first_off", "last_off"},
             SamplingRule.LOT_SIZE: {"lot_sizes"}}[rule] | {"rule"}
    unknown = [key for key in raw if key not in known]
    problems += [f"{where}: the {rule.value} sampling has no field \"{key}\"" for key in unknown]
    if unknown:
        return None
    if rule is SamplingRule.EVERY_NTH:
        every = raw.get("every", 1)
        if not _is_int(every):
            problems.append(f"{where}: sampling \"every\" must be a whole number, not {every!r}")
            return None
        return Sampling.every_nth(every)
    if rule is SamplingRule.FIRST_LAST:
        flags = {key: raw.get(key, True) for key in ("first_off", "last_off")}
        wrong = [key for key, value in flags.items() if not isinstance(value, bool)]
        problems += [f"{where}: sampling \"{key}\" must be true or false" for key in wrong]
        return None if wrong else Sampling.first_last(first=flags["first_off"], last=flags["last_off"])
    rows = raw.get("lot_sizes")
    if not isinstance(rows, list):
        problems.append(f"{where}: sampling \"lot_sizes\" must be a list of {{\"from\", \"to\", \"sample\"}} rows")
        return None
    table = []
    for index, row in enumerate(rows, start=1):
        at = f"{where}, lot size row {index}"
        if not isinstance(row, dict) or not set(row) <= {"from", "to", "sample"}:
            problems.append(f"{at} must be an object with \"from\", \"to\" (left out for the last: and more) and "
                            "\"sample\"")
            continue
        low, high, sample = row.get("from"), row.get("to"), row.get("sample")
        if not (_is_int(low) and _is_int(sample) and (high is None or _is_int(high))):
            problems.append(f"{at}: \"from\", \"to\" and \"sample\" must be whole numbers")
            continue
        table.append(LotSizeRange(low, high, sample))
    return Sampling.by_lot_size(*table) if len(table) == len(rows) else None


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _table_problems(rows: tuple[LotSizeRange, ...]) -> list[str]:
    if not rows:
        return ["sampling: the table by lot size needs at least one row"]
    if len(rows) > MAX_TABLE_ROWS:
        return [f"sampling: the table by lot size may have at most {MAX_TABLE_ROWS} rows, not {len(rows)}"]
    found = []
    if rows[0].low < 1:
        found.append(f"sampling: the table must start at a lot size of 1 or more, not {rows[0].low}")
    for index, row in enumerate(rows):
        where = f"sampling: lot sizes {row.describe().split(':')[0]}"
        if row.high is None and index < len(rows) - 1:
            found.append(f"{where}: only the last row may be open-ended")
        if row.high is not None and row.high < row.low:
            found.append(f"{where}: the range ends before it starts")
        if not 1 <= row.sample <= MAX_SAMPLE:
            found.append(f"{where}: the sample must be 1 to {MAX_SAMPLE:,}, not {row.sample}")
        if index and rows[index - 1].high is not None and row.low != rows[index - 1].high + 1:
            previous = rows[index - 1]
            found.append(f"{where}: the row must start at {previous.high + 1:,}, right after "
                         f"{previous.low:,}–{previous.high:,} (no gaps, no overlaps)")
    return found


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def lot_size_text(lot_size: float) -> str:
    """1,200 for a count, 120.5 for a length or weight."""
    return f"{lot_size:,.0f}" if float(lot_size).is_integer() else f"{lot_size:,}"
