"""What the inspection-record and SPC/capability reports print, fetched and worked out here so the CLI and the
GUI hand the same facts to `app.reports`: a characteristic found by the names people use (part, operation,
characteristic), and its chart, signals and capability judged as the SPC page judges them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app import spc
from app.models import Characteristic, CharacteristicKind, InspectionPlan, Operation, PartDefinition
from app.services.errors import NotFound, ValidationError
from app.services.spc_data import capability_of, characteristic_series, control_chart
from app.services.spc_views import CharacteristicInfo, subgroup_values
from app.spc import Capability, ControlChart, SpcInputError

# The same phase I baseline as the SPC page (app/ui/spc_work.BASELINE): a report shows what the screen showed.
BASELINE = 100
RULE_SET_NAMES = {"we": "Western Electric rules", "nelson": "Nelson rules", "basic": "control limits only"}
LISTED_SIGNALS = 60  # the newest signals printed; the count says how many there are in all


@dataclass(frozen=True)
class SignalLine:
    chart: str  # "I", "X̄", "MR" or "R"
    point: int  # 1-based chart point, as a reader counts
    rule: str
    at: datetime
    item: str


@dataclass(frozen=True, eq=False)
class SpcReportData:
    characteristic: CharacteristicInfo
    part_number: str
    part_revision: str
    operation: str  # "30 Turning" or "" for a receiving plan
    rules: str
    values: np.ndarray  # the charted values, oldest first
    first_at: datetime
    last_at: datetime
    chart: ControlChart
    labels: tuple[str, str]
    marked: np.ndarray  # main chart points (0-based) that complete a signal
    marked_secondary: np.ndarray
    signals: tuple[SignalLine, ...]  # newest first, at most LISTED_SIGNALS
    signal_count: int
    capability: Capability | None

    @property
    def rules_name(self) -> str:
        return RULE_SET_NAMES.get(self.rules, self.rules)


def find_characteristic(factory: sessionmaker[Session], name: str, *, part: str | None = None,
                        operation: int | None = None) -> uuid.UUID:
    """A variable characteristic by its id, or by its name (case-insensitive) with the part number and
    operation sequence to tell plans apart; the newest plan revision wins. Raises NotFound or a ValidationError
    that lists the candidates."""
    text = name.strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    query = (select(Characteristic.id, PartDefinition.part_number, Operation.seq, InspectionPlan.revision,
                    Characteristic.name)
             .join(InspectionPlan, Characteristic.plan_id == InspectionPlan.id)
             .join(PartDefinition, InspectionPlan.part_id == PartDefinition.id)
             .outerjoin(Operation, InspectionPlan.operation_id == Operation.id)
             .where(Characteristic.kind == CharacteristicKind.VARIABLE)
             .order_by(PartDefinition.part_number, Operation.seq, InspectionPlan.revision.desc()))
    if part:
        query = query.where(func.upper(PartDefinition.part_number) == part.strip().upper())
    if operation is not None:
        query = query.where(Operation.seq == operation)
    with factory() as session:
        # Names compared in Python: SQLite's lower() leaves "Ø12" as it is, and plans hold few characteristics.
        rows = [r for r in session.execute(query) if r.name.casefold() == text.casefold()]
    if not rows:
        where = f" of part {part}" if part else ""
        where += f" at operation {operation}" if operation is not None else ""
        raise NotFound(f"There is no measured characteristic '{text}'{where}. Check its name on the inspection "
                       "plan (pass/fail characteristics have no chart).")
    places = {(r.part_number, r.seq) for r in rows}
    if len(places) > 1:
        named = ", ".join(f"{p} op {s}" if s is not None else f"{p} receiving" for p, s in sorted(
            places, key=lambda ps: (ps[0], ps[1] if ps[1] is not None else -1)))
        raise ValidationError(f"'{text}' is measured on more than one plan ({named}): add --part and "
                              "--operation to say which.")
    return rows[0].id  # newest revision first


def spc_report_data(factory: sessionmaker[Session], characteristic_id: uuid.UUID, *, rules: str = "we",
                    limit: int | None = 5_000) -> SpcReportData:
    """The newest `limit` values of a characteristic with the chart, signals and capability the SPC page shows
    for them (phase I limits from the first BASELINE points, the R/MR chart judged by its limits only)."""
    series = characteristic_series(factory, characteristic_id, limit=limit)
    info = series.characteristic
    size = info.sample_size
    values = subgroup_values(series.values, size)
    try:
        chosen = spc.select(rules)
        chart = control_chart(values, size, baseline=BASELINE)
    except SpcInputError as exc:
        raise ValidationError(f"{info.name}: {exc}") from exc
    assert chart.secondary is not None  # I-MR and X̄-R both come with their dispersion chart
    labels = ("I", "MR") if size == 1 else ("X̄", "R")
    main_hits = spc.detect(chart, chosen)
    secondary_hits = spc.detect(chart.secondary, spc.select("basic"))
    times = series.epoch_seconds[:values.size][size - 1::size]
    items = series.item_codes[::size]
    found = [(labels[0], h) for h in main_hits] + [(labels[1], h) for h in secondary_hits]
    lines = [(int(i), k, label, h.rule.name) for k, (label, h) in enumerate(found) for i in h.index]
    lines.sort(key=lambda line: (-line[0], line[1]))
    signals = tuple(SignalLine(label, point + 1, rule, _utc(times[point]), items[point])
                    for point, _k, label, rule in lines[:LISTED_SIGNALS])
    with factory() as session:
        part_number, revision, seq, op_name = session.execute(
            select(PartDefinition.part_number, PartDefinition.revision, Operation.seq, Operation.name)
            .select_from(InspectionPlan).join(PartDefinition, InspectionPlan.part_id == PartDefinition.id)
            .outerjoin(Operation, InspectionPlan.operation_id == Operation.id)
            .where(InspectionPlan.id == info.plan_id)).one()
    epoch = series.epoch_seconds
    return SpcReportData(
        characteristic=info, part_number=part_number, part_revision=revision,
        operation=f"{seq} {op_name}" if seq is not None else "", rules=rules, values=values,
        first_at=_utc(epoch[0]), last_at=_utc(epoch[values.size - 1]), chart=chart, labels=labels,
        marked=_marked(main_hits), marked_secondary=_marked(secondary_hits), signals=signals,
        signal_count=len(lines), capability=capability_of(values, size, info.spec))


def _marked(hits: list) -> np.ndarray:
    arrays = [h.index for h in hits]
    return np.unique(np.concatenate(arrays)) if arrays else np.empty(0, dtype=np.int64)


def _utc(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(float(epoch_seconds), tz=timezone.utc)

