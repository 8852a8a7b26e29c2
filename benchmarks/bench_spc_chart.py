"""The SPC chart view with 100,000 points, offscreen: how long the chart takes to compute (limits, rules,
capability, the signal list) and to draw (set the data, process events, paint into an image), and how long a
zoom or pan repaints; median and fastest of several runs.

The series is synthetic (no database): a bore that drifts upward over the run, so that most of the later
points break a rule and get a marker, which is the worst case for drawing; and a stable one for comparison.

    .venv/bin/python benchmarks/bench_spc_chart.py [--points 100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PySide6.QtWidgets import QApplication

from app import spc
from app.services.spc_data import control_chart
from app.services.spc_views import CharacteristicInfo, Series, Spec
from app.ui.application import configure
from app.ui.spc_chart import ChartView
from app.ui.spc_work import BASELINE, analyse

SIZE = (1380, 930)  # the page of a 1600 × 1000 main window


def synthetic(points: int, sample_size: int, drift: float, seed: int = 1) -> Series:
    """`points` chart points of a bore measured `sample_size` at a time, its mean creeping by `drift` mm."""
    count = points * sample_size
    rng = np.random.default_rng(seed)
    values = np.round(12.0 + drift * np.linspace(0, 1, count) + rng.normal(0, 0.0025, count), 3)
    info = CharacteristicInfo(
        id=uuid.uuid4(), name="Bore diameter Ø12", seq=1, classification="critical", gauge_type="Air gauge",
        spec=Spec(11.982, 12.018, 12.0, "mm", 3), plan_id=uuid.uuid4(), plan_type="in_process",
        plan_revision=1, sample_size=sample_size, operation_id=None)
    records = [uuid.uuid4() for _ in range(points)]
    start = np.datetime64("2026-01-05T06:00:00", "us")
    return Series(
        characteristic=info, values=values,
        measured_at=start + (np.arange(count) // sample_size * 360).astype("timedelta64[s]"),
        record_ids=tuple(records[i // sample_size] for i in range(count)),
        item_codes=tuple(f"VB-{i // sample_size:07d}" for i in range(count)),
        item_is_serial=np.ones(count, dtype=bool), inspectors=("Ina Inspector",) * count,
        gauges=("AGA-01",) * count, machines=("GRD-01",) * count)


def timed(task: Callable[[], object], repeat: int) -> str:
    """Wall time, and the GUI thread's CPU time: on a busy machine the second is what the code costs."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.thread_time()
        task()
        wall.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    median, median_cpu = statistics.median(wall) * 1000, statistics.median(cpu) * 1000
    return f"median {median:7.1f} ms (CPU {median_cpu:6.1f} ms)   fastest {min(wall) * 1000:7.1f} ms"


def run(view: ChartView, application: QApplication, label: str, series: Series, repeat: int) -> None:
    size = series.characteristic.sample_size
    chart = control_chart(series.values, size, baseline=BASELINE)
    data = analyse(series, "we")
    print(f"\n{label}: {chart.points.size:,} chart points from {len(series):,} values, "
          f"{data.marked.size:,} marked, {len(data.signals):,} signals")

    def limits_and_rules() -> None:
        spc.detect(control_chart(series.values, size, baseline=BASELINE), spc.select("we"))

    print(f"  limits + WE rules (engine)      {timed(limits_and_rules, repeat)}")
    print(f"  whole chart data (worker)       {timed(lambda: analyse(series, 'we'), repeat)}")

    def redraw() -> None:
        view.show_data(data)
        application.processEvents()
        view.figure.grab()

    def main_chart_only() -> None:
        view.main_plot.show_chart(data.chart, data.marked, decimals=3, label="Value (mm)",
                                  spec=series.characteristic.spec)
        application.processEvents()
        view.main_plot.grab()

    box = view.main_plot.getPlotItem().vb

    def zoom() -> None:
        # Half the history, then all of it again: the repaints a mouse-wheel zoom causes (the two charts;
        # the histogram and the figures beside them do not change).
        for show in (lambda: box.setXRange(0, chart.points.size / 2, padding=0), box.autoRange):
            show()
            application.processEvents()
            view.main_plot.grab()
            view.secondary_plot.grab()

    newest = (data.signals[1:], data.signals)

    def refill_list() -> None:
        # A live update of a drifting process: the newest signals change with every sample.
        for signals in newest:
            view.signal_model.set_records(signals)
        application.processEvents()

    redraw()  # the first draw builds fonts and caches once
    print(f"  redraw: charts and histogram    {timed(redraw, repeat)}")
    print(f"  redraw: the main chart alone    {timed(main_chart_only, repeat)}")
    print(f"  zoom in and out (2 repaints)    {timed(zoom, repeat)}")
    print(f"  signal list refilled twice      {timed(refill_list, repeat)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    application = QApplication.instance() or QApplication(sys.argv)
    configure(application, None)
    view = ChartView(runner=None, factory=None)  # type: ignore[arg-type]  # drawing only: no loads, no polls
    view.live_box.setChecked(False)
    view.resize(*SIZE)
    view.show()
    application.processEvents()
    cases = (("I-MR, drifting bore", 1, 0.009), ("I-MR, stable bore", 1, 0.0),
             ("X̄-R of 5, drifting bore", 5, 0.009))
    for label, sample_size, drift in cases:
        run(view, application, label, synthetic(args.points, sample_size, drift), args.repeat)
    # Tear the widgets down while Qt still runs: left to the interpreter's exit, PySide can crash.
    view.close()
    view.deleteLater()
    application.processEvents()
    del view
    gc.collect()


if __name__ == "__main__":
    main()
