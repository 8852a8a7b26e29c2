"""The SPC and Defects pages on a demo plant, driven like a quality engineer: pick the grinding operation, see
the drifting bore flagged, open its chart, hover and click a point, watch a new sample arrive, read the
Pareto, save charts and data."""

from __future__ import annotations

import csv
import uuid
from datetime import timedelta

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from sqlalchemy import select

from app import spc
from app.db import make_engine, make_session_factory
from app.models import (
    Characteristic,
    CharacteristicKind,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    Measurement,
    Role,
    StepRecord,
    User,
)
from app.services.defect_analysis import defect_pareto
from app.services.errors import ValidationError
from app.services.permissions import SYSTEM
from app.services.spc_data import characteristic_series, control_chart
from app.services.spc_views import CharacteristicInfo, Series, Spec, State
from app.ui import spc_work
from app.ui.defects_page import DefectsPage
from app.ui.palette import FILL_BAD, TEXT_BAD
from app.ui.spc_page import SpcPage
from app.ui.workspaces import PageContext

BORE = "Bore diameter Ø12"
SHAFT = "Shaft diameter Ø36 h6"
LOAD_TIMEOUT = 15_000
# Staged on top of the demo's own DIM-HIGH ×3 and DIM-LOW ×2: a Pareto whose order is not the insertion order.
STAGED_DEFECTS = (("BURR", 4), ("SCRATCH", 1))


def _characteristic(factory, name: str) -> Characteristic:
    with factory() as session:
        return session.scalars(select(Characteristic).where(Characteristic.name == name)).one()


def _operation_of(factory, name: str) -> uuid.UUID:
    with factory() as session:
        return session.scalar(select(InspectionPlan.operation_id).join(Characteristic)
                              .where(Characteristic.name == name))


def column(model, header: str) -> list:
    index = [c.header for c in model.columns].index(header)
    return [model.index(row, index).data() for row in range(model.rowCount())]


@pytest.fixture
def page(qtbot, context):
    page = SpcPage(context)
    qtbot.addWidget(page)
    page.resize(1380, 930)
    with qtbot.waitSignal(page.dashboard_shown, timeout=LOAD_TIMEOUT):
        page.show()
        page.activated()
    return page


def show_operation(qtbot, page: SpcPage, factory, name: str) -> None:
    operation = _operation_of(factory, name)
    if page.operation is not None and page.operation.operation_id == operation:
        return
    with qtbot.waitSignal(page.dashboard_shown, timeout=LOAD_TIMEOUT) as blocker:
        page.select_operation(operation)
    assert blocker.args == ["rows"]


def open_chart(qtbot, page: SpcPage, factory, name: str) -> None:
    show_operation(qtbot, page, factory, name)
    row = [s.characteristic.name for s in page.model.records()].index(name)
    table = page.table
    index = table.model().index(row, 0)
    where = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    with qtbot.waitSignal(page.chart_shown, timeout=LOAD_TIMEOUT) as blocker:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert blocker.args == ["chart"]
    assert page.stack.currentWidget() is page.chart


def add_bore_measurement(factory, value: float) -> None:
    """An inspector at another bench signs one more bore reading (through the ORM, like the station will)."""
    bore = _characteristic(factory, BORE)
    with factory.begin() as session:
        session.info["actor"] = SYSTEM
        last = session.scalars(select(Measurement).where(Measurement.characteristic_id == bore.id)
                               .order_by(Measurement.measured_at.desc()).limit(1)).one()
        grinding = _operation_of(factory, BORE)
        grind = session.scalars(select(StepRecord).where(StepRecord.operation_id == grinding)
                                .order_by(StepRecord.started_at.desc()).limit(1)).one()
        inspector = session.scalar(select(User.id).where(User.role == Role.INSPECTOR).limit(1))
        at = last.measured_at + timedelta(hours=1)
        record = InspectionRecord(plan_id=bore.plan_id, item_id=grind.item_id, step_id=grind.id,
                                  inspector_id=inspector, inspected_at=at, signed_at=at,
                                  result=InspectionResult.PASS)
        session.add(record)
        session.flush()
        session.add(Measurement(record_id=record.id, characteristic_id=bore.id, value=value, passed=True,
                                equipment_id=last.equipment_id, measured_at=at))


# -- dashboard --------------------------------------------------------------------------------------------


def test_the_dashboard_flags_the_drifting_bore(qtbot, qtmodeltester, page, factory):
    show_operation(qtbot, page, factory, BORE)
    states = {s.characteristic.name: s for s in page.model.records()}
    assert set(states) == {BORE, "Bore roughness Ra"}
    bore = states[BORE]
    assert bore.state is State.RULE_VIOLATED
    row = page.model.records().index(bore)
    assert column(page.model, "State")[row] == "Rule violated"
    assert column(page.model, "Why")[row].startswith(bore.violation)
    state_column = [c.header for c in page.model.columns].index("State")
    assert page.model.index(row, state_column).data(Qt.ItemDataRole.BackgroundRole) == FILL_BAD
    assert page.model.index(row, state_column).data(Qt.ItemDataRole.ForegroundRole) == TEXT_BAD
    assert "out of control" in page.summary.text()
    qtmodeltester.check(page.model)


def test_every_operation_with_measurements_is_in_the_picker(qtbot, page, factory):
    with factory() as session:
        expected = set(session.scalars(
            select(InspectionPlan.operation_id).join(Characteristic).join(Measurement)
            .where(Characteristic.kind == CharacteristicKind.VARIABLE,
                   InspectionPlan.operation_id.is_not(None))))
    box = page.operation_box
    assert {box.itemData(i).operation_id for i in range(box.count())} == expected


def test_a_dropped_database_is_a_message(qtbot, admin, runner, settings):
    broken = make_session_factory(make_engine("postgresql://nobody@127.0.0.1:1/none", check=False))
    page = SpcPage(PageContext(broken, admin, runner, settings))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.dashboard_shown, timeout=LOAD_TIMEOUT) as blocker:
        page.show()
        page.activated()
    assert blocker.args == ["error"]
    assert page.stack.currentWidget() is page.message
    assert "The database did not answer" in page.message.body.text()


# -- chart ------------------------------------------------------------------------------------------------


def test_the_bore_chart_shows_every_point_its_limits_and_its_signals(qtbot, qtmodeltester, page, factory):
    open_chart(qtbot, page, factory, BORE)
    bore = _characteristic(factory, BORE)
    series = characteristic_series(factory, bore.id)
    chart = control_chart(series.values, 1, baseline=spc_work.BASELINE)
    view = page.chart
    main, secondary = view.main_plot, view.secondary_plot
    assert main.curve.xData.size == len(series) and main.curve.yData.tolist() == series.values.tolist()
    assert secondary.curve.xData.size == len(series) - 1  # the first point has no moving range
    assert main.named["UCL"] == pytest.approx(chart.ucl) and main.named["LCL"] == pytest.approx(chart.lcl)
    assert main.named["CL"] == pytest.approx(chart.center)
    assert (main.named["LSL"], main.named["USL"]) == (bore.lower_limit, bore.upper_limit)
    assert secondary.named["UCL"] == pytest.approx(chart.secondary.ucl)
    hits = spc.detect(chart, spc.select("we"))
    engine_points = np.unique(np.concatenate([h.index for h in hits]))
    assert engine_points.size > 0
    assert main.markers.getData()[0].tolist() == engine_points.astype(float).tolist()
    names = {v.name for v in spc.violations(hits)}
    assert {s.name for s in view.signal_model.records() if s.chart == "I"} == names
    assert all(s.name.startswith(("WE ", "Beyond limits")) for s in view.signal_model.records())
    # The dashboard's Cpk is the chart's "newest" column: one computation, two places.
    dashboard_cpk = next(s.cpk for s in page.model.records() if s.characteristic.id == bore.id)
    assert view.capability.cells["cpk"][0].text() == f"{dashboard_cpk:.2f}"
    qtmodeltester.check(view.signal_model)


def test_the_shaft_gets_an_xbar_r_chart_of_its_samples(qtbot, page, factory):
    open_chart(qtbot, page, factory, SHAFT)
    shaft = _characteristic(factory, SHAFT)
    series = characteristic_series(factory, shaft.id)
    size = series.characteristic.sample_size
    chart = control_chart(series.values, size, baseline=spc_work.BASELINE)
    view = page.chart
    assert size > 1 and view.title.text() == f"{SHAFT} — X̄-R chart"
    assert view.main_plot.curve.yData.tolist() == pytest.approx(chart.points.tolist())
    assert view.secondary_plot.curve.yData.tolist() == pytest.approx(chart.secondary.points.tolist())
    assert view.main_plot.named["UCL"] == pytest.approx(chart.ucl)
    assert view.secondary_plot.named["CL"] == pytest.approx(chart.secondary.center)


def test_hover_names_the_point_and_a_click_asks_to_trace_its_item(qtbot, page, factory):
    open_chart(qtbot, page, factory, BORE)
    view = page.chart
    plot = view.main_plot
    series = view.data.series
    point = len(series) // 2
    # The view box lays itself out on the first paint after the data came in.
    qtbot.waitUntil(lambda: plot.point_at(plot.scene_pos_of(point)) == point)
    where = plot.mapFromScene(plot.scene_pos_of(point))
    qtbot.mouseMove(plot.viewport(), where)
    qtbot.waitUntil(lambda: bool(view.hover_text))
    context = series.point(point)
    assert f"Sample {point + 1:,}" in view.hover_text
    for text in (context.item_code, context.inspector, context.gauge, context.machine):
        assert text in view.hover_text
    with qtbot.waitSignal(page.trace_requested, timeout=2_000) as blocker:
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert blocker.args == [context.item_code]
    with qtbot.assertNotEmitted(page.trace_requested):  # empty plot area: nothing to trace
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(plot.width() - 5, 5))


def test_picking_a_signal_shows_it_on_the_chart(qtbot, page, factory):
    open_chart(qtbot, page, factory, BORE)
    view = page.chart
    signal = view.signal_model.record(0)
    view.signal_table.selectRow(0)
    low, high = view.main_plot.getPlotItem().vb.viewRange()[0]
    assert low <= signal.point <= high and high - low < 2 * spc_work.LIMIT_CHOICES[0]
    assert view.main_plot.hover_ring.getData()[0].tolist() == [signal.point]


def test_a_sample_signed_at_another_bench_appears_within_seconds(qtbot, page, factory):
    open_chart(qtbot, page, factory, BORE)
    view = page.chart
    view.watch.timer.setInterval(100)
    before = view.main_plot.curve.xData.size
    # The user zoomed in: the view stays put while the chart grows.
    view.main_plot.getPlotItem().vb.setXRange(5, 25, padding=0)
    add_bore_measurement(factory, 12.0031)
    qtbot.waitUntil(lambda: view.main_plot.curve.xData.size == before + 1, timeout=8_000)
    assert view.main_plot.curve.yData[-1] == 12.0031
    low, high = view.main_plot.getPlotItem().vb.viewRange()[0]
    assert (low, high) == pytest.approx((5, 25))


def test_the_dashboard_follows_new_measurements_too(qtbot, page, factory):
    show_operation(qtbot, page, factory, BORE)
    page.watch.timer.setInterval(100)
    before = next(s.n for s in page.model.records() if s.characteristic.name == BORE)
    add_bore_measurement(factory, 12.0012)
    qtbot.waitUntil(lambda: next(s.n for s in page.model.records() if s.characteristic.name == BORE)
                    == before + 1, timeout=8_000)


def test_the_rule_set_changes_what_is_marked(qtbot, page, factory):
    open_chart(qtbot, page, factory, BORE)
    view = page.chart
    with qtbot.waitSignal(page.chart_shown, timeout=LOAD_TIMEOUT):
        page.rules_box.setCurrentIndex(page.rules_box.findData("basic"))
    chart = control_chart(view.data.series.values, 1, baseline=spc_work.BASELINE)
    beyond = np.flatnonzero(chart.beyond_limits())
    assert view.main_plot.markers.getData()[0].tolist() == beyond.astype(float).tolist()
    assert {s.rule for s in view.signal_model.records()} <= {"limits"}


def test_the_chart_saves_as_png_and_csv(qtbot, page, factory, tmp_path):
    open_chart(qtbot, page, factory, BORE)
    view = page.chart
    image_path = tmp_path / "bore.png"
    assert view.export_png(image_path)
    image = QImage(str(image_path))
    assert not image.isNull()
    assert image.width() >= view.figure.width() and image.height() > view.figure.height()
    csv_path = tmp_path / "bore.csv"
    view.export_csv(csv_path)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    series = view.data.series
    assert [float(r["value"]) for r in rows] == series.values.tolist()
    assert [r["item"] for r in rows] == list(series.item_codes)
    assert [r["inspector"] for r in rows] == list(series.inspectors)
    assert [int(r["chart_point"]) for r in rows] == list(range(1, len(series) + 1))
    flagged = {int(r["chart_point"]) - 1 for r in rows if r["signals"]}
    assert flagged == {s.point for s in view.data.signals}


def test_back_and_escape_return_to_the_dashboard(qtbot, page, factory):
    open_chart(qtbot, page, factory, BORE)
    qtbot.mouseClick(page.chart.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.dashboard
    open_chart(qtbot, page, factory, BORE)
    qtbot.keyClick(page.chart, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.dashboard


def test_a_characteristic_that_is_gone_says_so_instead_of_a_chart(qtbot, page):
    with qtbot.waitSignal(page.chart_shown, timeout=LOAD_TIMEOUT) as blocker:
        page.open_chart(uuid.uuid4())
    assert blocker.args == ["error"]
    view = page.chart
    assert view.error.isVisible() and "no longer exists" in view.error.text()
    assert not view.body.isVisible()


def test_limits_that_vary_per_point_are_drawn_as_steps(qtbot):
    from app.ui.widgets.spc_control_plot import ControlPlot

    sizes = np.array([5, 3, 5, 4, 5, 2])
    values = np.random.default_rng(3).normal(10.0, 0.1, sizes.sum())
    chart = spc.xbar_r(spc.Subgroups(values, sizes))
    plot = ControlPlot()
    qtbot.addWidget(plot)
    plot.show_chart(chart, np.array([1]), decimals=2, label="X̄ (mm)", spec=Spec(9.5, 10.5, 10.0, "mm", 2))
    ucl = plot.steps["UCL"]
    assert ucl.isVisible() and not plot.lines["UCL"].isVisible()
    assert ucl.yData.tolist() == chart.ucl.tolist() and plot.named["UCL"] == chart.ucl[-1]
    assert plot.lines["CL"].isVisible() and plot.named["CL"] == chart.center  # one grand mean
    assert plot.lines["USL"].value() == 10.5


# -- a window of the newest values (no database) ----------------------------------------------------------


def _series(values: list[float], records: list[int], size: int) -> Series:
    info = CharacteristicInfo(id=uuid.uuid4(), name="Ø", seq=1, classification="major", gauge_type=None,
                              spec=Spec(9.0, 11.0, 10.0, "mm", 2), plan_id=uuid.uuid4(),
                              plan_type="in_process", plan_revision=1, sample_size=size, operation_id=None)
    count = len(values)
    ids = {record: uuid.uuid4() for record in records}
    return Series(info, np.array(values), np.arange(count).astype("datetime64[s]").astype("datetime64[us]"),
                  tuple(ids[r] for r in records), tuple(f"L-{r}" for r in records),
                  np.zeros(count, dtype=bool), ("Ina",) * count, ("MIC-1",) * count, ("GRD-1",) * count)


def test_a_window_that_cuts_a_sample_starts_at_the_next_whole_one():
    # The newest 12 values of samples of 3: one value of record 1, then records 2–5, then 2 of record 6
    # still being measured. The cut first sample and the unfinished last one stay off the chart.
    records = [1] + [2] * 3 + [3] * 3 + [4] * 3 + [5] * 3 + [6] * 2
    values = list(np.random.default_rng(7).normal(10.0, 0.1, len(records)))
    data = spc_work.analyse(_series(values, records, 3), "we", complete=False)
    assert data.offset == 1 and data.chart.points.size == 4
    assert data.chart.points[0] == pytest.approx(np.mean(values[1:4]))
    assert data.contexts(0)[0].item_code == "L-2"
    whole = spc_work.analyse(_series(values, records, 3), "we", complete=True)
    assert whole.offset == 0 and whole.chart.points[0] == pytest.approx(np.mean(values[:3]))


def test_too_few_values_for_a_chart_is_a_sentence():
    with pytest.raises(ValidationError, match="^Ø: .*needs at least 2 points"):
        spc_work.analyse(_series([10.0], [1], 1), "we")


# -- defects ----------------------------------------------------------------------------------------------


@pytest.fixture
def defects(qtbot, context, factory):
    with factory.begin() as session:
        session.info["actor"] = SYSTEM
        visual = session.scalars(select(Measurement).join(Characteristic)
                                 .where(Characteristic.kind == CharacteristicKind.ATTRIBUTE)
                                 .order_by(Measurement.measured_at)).all()
        chosen = iter(visual)
        for code, count in STAGED_DEFECTS:
            for _ in range(count):
                measurement = next(chosen)
                measurement.passed, measurement.defect_code = False, code
                session.get(InspectionRecord, measurement.record_id).result = InspectionResult.FAIL
    page = DefectsPage(context)
    qtbot.addWidget(page)
    page.resize(1380, 930)
    # A year back from today would miss the demo's dates on some clocks: look at everything it made.
    page.since_edit.setDate(page.since_edit.minimumDate())
    with qtbot.waitSignal(page.analysis_shown, timeout=LOAD_TIMEOUT) as blocker:
        page.show()
        page.activated()
    assert blocker.args == ["shown"]
    return page


def test_the_pareto_is_sorted_descending_with_a_cumulative_line(qtbot, qtmodeltester, defects, factory):
    rows = defects.pareto.records()
    counts = [row.count for row in rows]
    assert len(rows) >= 4 and counts == sorted(counts, reverse=True)
    assert rows == defect_pareto(factory, since=defects.since)
    assert rows[0].defect_code == "BURR" and rows[-1].cumulative_percent == pytest.approx(100.0)
    chart = defects.pareto_chart
    assert chart.labels == [row.defect_code for row in rows]
    assert chart.bars.opts["height"].tolist() == counts
    assert chart.cumulative.yData.tolist() == np.cumsum(counts).tolist()
    assert "BURR" in defects.heading.text()
    qtmodeltester.check(defects.pareto)
    qtmodeltester.check(defects.trend)


def test_the_trend_breaks_down_by_machine_per_day(qtbot, defects):
    with qtbot.waitSignal(defects.analysis_shown, timeout=LOAD_TIMEOUT):
        defects.by_box.setCurrentIndex(defects.by_box.findData("equipment"))
    with qtbot.waitSignal(defects.analysis_shown, timeout=LOAD_TIMEOUT):
        defects.period_box.setCurrentIndex(defects.period_box.findData("day"))
    rows = defects.trend.records()
    assert rows and defects.trend.headerData(1, Qt.Orientation.Horizontal) == "Machine"
    assert set(defects.trend_chart.lines) == {row.key for row in rows}
    assert sum(row.defective for row in rows) >= sum(count for _, count in STAGED_DEFECTS)


def test_an_operation_narrows_the_pareto(qtbot, defects, factory):
    grinding = _operation_of(factory, BORE)
    with qtbot.waitSignal(defects.analysis_shown, timeout=LOAD_TIMEOUT):
        box = defects.operation_box
        box.setCurrentIndex(next(i for i in range(box.count()) if box.itemData(i) == grinding))
    assert defects.pareto.records() == defect_pareto(factory, since=defects.since, operation_id=grinding)
    assert "BURR" not in [row.defect_code for row in defects.pareto.records()]


def test_pareto_and_trend_save_as_csv_and_png(defects, tmp_path):
    defects.export_pareto_csv(tmp_path / "pareto.csv")
    with (tmp_path / "pareto.csv").open(encoding="utf-8", newline="") as handle:
        parsed = [(r["defect_code"], int(r["count"])) for r in csv.DictReader(handle)]
    assert parsed == [(row.defect_code, row.count) for row in defects.pareto.records()]
    defects.export_trend_csv(tmp_path / "trend.csv")
    with (tmp_path / "trend.csv").open(encoding="utf-8", newline="") as handle:
        trend = list(csv.DictReader(handle))
    assert len(trend) == defects.trend.rowCount()
    assert [int(r["inspected"]) for r in trend] == [row.inspected for row in defects.trend.records()]
    for export in (defects.export_pareto_png, defects.export_trend_png):
        path = tmp_path / f"{export.__name__}.png"
        assert export(path)
        assert not QImage(str(path)).isNull()
