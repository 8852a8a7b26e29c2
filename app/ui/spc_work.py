"""What the SPC and Defects pages ask the worker thread to do: an operation's dashboard; a characteristic's
chart worked out in one go (series, limits, signals, capability), so the GUI thread only draws; the defect
Pareto with the rate trend; and the CSV of a charted series. Plain functions, no Qt; they run off the GUI
thread.

The chart and the dashboard use the same service functions (`control_chart`, `capability_of`) with the same
baseline, rules and capability target, so a line that says "rule violated" opens on a chart that shows why.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from app import spc
from app.services.defect_analysis import (
    ParetoRow,
    Period,
    TrendKey,
    TrendRow,
    defect_pareto,
    defect_rate_trend,
)
from app.services.errors import ValidationError
from app.services.spc_data import (
    capability_of,
    change_marker,
    characteristic_series,
    control_chart,
    dashboard,
)
from app.services.spc_views import CharacteristicState, PointContext, Series, subgroup_values
from app.spc import Capability, ControlChart, SpcInputError
from app.spc.rules import Hits

Marker = tuple[int, datetime | None]

RULE_SETS = {"we": "Western Electric", "nelson": "Nelson", "basic": "Limits only"}
# Phase I limits come from the first BASELINE chart points; the dashboard judges the newest RECENT points
# against them. Over a whole history some Western Electric rule always fires (a false alarm every ~92 points
# of a stable process), so judging everything would paint every line red.
BASELINE = 100
RECENT = 50
CAPABILITY_TARGET = 1.33
# How many of the newest values a chart loads unless the user asks for more: enough for months of one
# characteristic, and a full history of 100,000 values takes a second or two to fetch.
DEFAULT_LIMIT = 5_000
LIMIT_CHOICES: tuple[int | None, ...] = (1_000, 5_000, 20_000, None)  # None: the whole history
LISTED_SIGNALS = 1_000  # the newest signals in the list beside a chart; nobody reads further, the CSV has all
_LIMITS_ONLY = spc.select("basic")


@dataclass(frozen=True)
class DashboardAnswer:
    states: list[CharacteristicState]
    marker: Marker  # of all measurements, read before the states: a change after it shows on the next poll


def load_dashboard(factory: sessionmaker[Session], operation_id: uuid.UUID, rules: str) -> DashboardAnswer:
    marker = change_marker(factory)
    states = dashboard(factory, operation_id, rules=rules, capability_target=CAPABILITY_TARGET,
                       baseline=BASELINE, recent=RECENT)
    return DashboardAnswer(states, marker)


@dataclass(frozen=True)
class RuleSignal:
    """One signal in the list beside a chart: which chart, the point that completed it, the engine's name."""

    chart: str  # "I", "X̄", "MR" or "R"
    point: int
    rule: str
    name: str
    at: float  # epoch seconds: when the point's sample was complete
    item: str  # the (first) item of the point's sample


@dataclass(frozen=True, eq=False)
class ChartData:
    """A characteristic's chart, ready to draw. Chart point j is made of the series values `values_of(j)`."""

    series: Series
    offset: int  # leading values left out so that a window starts with a whole sample
    chart: ControlChart
    rules: str
    hits: tuple[tuple[str, tuple[Hits, ...]], ...]  # (chart label, its detectors' signals): main, secondary
    signals: tuple[RuleSignal, ...]  # the newest LISTED_SIGNALS, newest first
    signal_count: int  # all of them
    capability: Capability | None  # of every charted value
    recent_capability: Capability | None  # of the newest RECENT points, as the dashboard judges it
    recent_from: int  # the first chart point of that window
    point_times: np.ndarray  # epoch seconds of each chart point: when its sample was complete
    complete: bool  # the whole history; False: the newest `limit` values
    marker: Marker  # of this characteristic, read before the series

    @property
    def size(self) -> int:
        return self.series.characteristic.sample_size

    @property
    def labels(self) -> tuple[str, str]:
        """The names of the main and the secondary chart."""
        return _labels(self.size)

    @cached_property
    def marked(self) -> np.ndarray:
        """Main chart points that complete a signal, ascending."""
        return _marked(self.hits[0][1])

    @cached_property
    def marked_secondary(self) -> np.ndarray:
        return _marked(self.hits[1][1])

    @property
    def charted_values(self) -> np.ndarray:
        return self.series.values[self.offset:self.offset + self.chart.points.size * self.size]

    def values_of(self, point: int) -> range:
        start = self.offset + point * self.size
        return range(start, start + self.size)

    def contexts(self, point: int) -> list[PointContext]:
        return [self.series.point(i) for i in self.values_of(point)]

    def signals_at(self, point: int) -> list[RuleSignal]:
        """Every signal that `point` completes, main chart first (a binary search per rule)."""
        item = self.series.item_codes[self.values_of(point)[0]]
        return [RuleSignal(label, point, h.rule.id, h.rule.name, float(self.point_times[point]), item)
                for label, hits in self.hits for h in hits
                if (k := int(np.searchsorted(h.index, point))) < h.index.size and h.index[k] == point]

    def signal_names_by_point(self) -> np.ndarray:
        """Per chart point, its signals as "chart:rule" words (empty without), for the CSV export."""
        names = np.full(self.chart.points.size, "", dtype=object)
        for label, hits in self.hits:
            for h in hits:
                names[h.index] = names[h.index] + f" {label}:{h.rule.id}"
        return np.char.strip(names.astype(str))


def load_chart(factory: sessionmaker[Session], characteristic_id: uuid.UUID, *, rules: str,
               limit: int | None) -> ChartData:
    marker = change_marker(factory, characteristic_id)
    series = characteristic_series(factory, characteristic_id, limit=limit)
    # The marker counts superseded rows too: when it equals the points fetched, nothing older was left out.
    complete = limit is None or len(series) < limit or marker[0] == len(series)
    return analyse(series, rules, complete=complete, marker=marker)


def analyse(series: Series, rules: str, *, complete: bool = True, marker: Marker = (0, None)) -> ChartData:
    """Limits, signals and capability of `series`, as `dashboard` works them out for its characteristic."""
    size = series.characteristic.sample_size
    offset = 0 if complete else _partial_first_sample(series, size)
    values = subgroup_values(series.values[offset:], size)
    try:
        chosen = spc.select(rules)
        chart = control_chart(values, size, baseline=BASELINE)
    except SpcInputError as exc:
        raise ValidationError(f"{series.characteristic.name}: {exc}") from exc
    secondary = chart.secondary
    assert secondary is not None  # I-MR and X̄-R both come with their dispersion chart
    main_label, secondary_label = _labels(size)
    # R and MR are judged by their limits only, as the dashboard does: zone and run rules cry wolf there.
    hits = ((main_label, tuple(spc.detect(chart, chosen))),
            (secondary_label, tuple(spc.detect(secondary, _LIMITS_ONLY))))
    points = chart.points.size
    recent_from = max(0, points - RECENT)
    times = series.epoch_seconds[offset:offset + points * size][size - 1::size]
    signals, count = _newest_signals(hits, times, series.item_codes[offset::size])
    return ChartData(
        series=series, offset=offset, chart=chart, rules=rules, hits=hits, signals=signals,
        signal_count=count,
        capability=capability_of(values, size, series.characteristic.spec),
        recent_capability=capability_of(values[recent_from * size:], size, series.characteristic.spec),
        recent_from=recent_from, point_times=times, complete=complete, marker=marker)


def _newest_signals(hits: tuple[tuple[str, tuple[Hits, ...]], ...], times: np.ndarray,
                    items: tuple[str, ...]) -> tuple[tuple[RuleSignal, ...], int]:
    """The newest LISTED_SIGNALS signals (on one point: main chart first, then rule order) and how many there
    are. Picked from the index arrays: a drifting history raises hundreds of thousands, and an object for
    each would cost more than the chart."""
    sources = [(label, h) for label, found in hits for h in found]
    if not sources:
        return (), 0
    point = np.concatenate([h.index for _, h in sources])
    source = np.concatenate([np.full(h.index.size, k) for k, (_, h) in enumerate(sources)])
    newest = np.lexsort((source, -point))[:LISTED_SIGNALS]
    signals = tuple(RuleSignal(sources[s][0], int(p), sources[s][1].rule.id, sources[s][1].rule.name,
                               float(times[p]), items[p])
                    for p, s in zip(point[newest], source[newest], strict=True))
    return signals, int(point.size)


def _labels(size: int) -> tuple[str, str]:
    return ("I", "MR") if size == 1 else ("X̄", "R")


def _partial_first_sample(series: Series, size: int) -> int:
    """How many leading values belong to a sample cut by the window (fewer than `size` of one record)."""
    if size == 1 or not len(series):
        return 0
    first = series.record_ids[0]
    run = next((i for i, record in enumerate(series.record_ids[:size]) if record != first), size)
    return run if run < size else 0


def _marked(hits: tuple[Hits, ...]) -> np.ndarray:
    if not hits:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate([h.index for h in hits]))


CSV_COLUMNS = ("chart_point", "measured_at_utc", "value", "unit", "item", "item_type", "inspector", "gauge",
               "machine", "signals")


def series_csv(data: ChartData) -> str:
    """Every loaded value with its context and the signals its chart point completes, for a spreadsheet.

    Values outside the chart (a window's cut first sample, a sample still being measured) have no point.
    Built column by column from the series' arrays: 100,000 rows take a fifth of a second this way, three
    times less than through a `PointContext` per row."""
    series, count = data.series, len(data.series)
    position = np.arange(count) - data.offset
    point = position // data.size
    charted = (position >= 0) & (point < data.chart.points.size)
    names = data.signal_names_by_point()
    point_column = [str(p + 1) if c else "" for p, c in zip(point.tolist(), charted.tolist(), strict=True)]
    signal_column = [names[p] if c else "" for p, c in zip(point.tolist(), charted.tolist(), strict=True)]
    moments = [f"{moment}+00:00" for moment in np.datetime_as_string(series.measured_at, unit="s")]
    unit = series.characteristic.spec.unit or ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(zip(
        point_column, moments, map(repr, series.values.tolist()), [unit] * count, series.item_codes,
        ["serial" if serial else "lot" for serial in series.item_is_serial.tolist()], series.inspectors,
        [gauge or "" for gauge in series.gauges], [machine or "" for machine in series.machines], signal_column,
        strict=True))
    return out.getvalue()


@dataclass(frozen=True)
class DefectAnswer:
    pareto: list[ParetoRow]
    trend: list[TrendRow]


def load_defects(factory: sessionmaker[Session], *, since: datetime | None, operation_id: uuid.UUID | None,
                 by: TrendKey, period: Period) -> DefectAnswer:
    """The Pareto (of one operation, or all) and the defect-rate trend, with days and weeks of this PC's
    time zone, as the people reading them count days."""
    local = datetime.now().astimezone().tzinfo
    return DefectAnswer(defect_pareto(factory, since=since, operation_id=operation_id),
                        defect_rate_trend(factory, by=by, period=period, since=since, tz=local))
