"""The chart view of one characteristic: X̄-R or I-MR with its limits, specification and rule signals, the
histogram with capability, the list of signals; hover names a point, a click asks to trace its item.

Everything is worked out on the background helper (`spc_work.load_chart`); this view only draws. While it
is on screen, a `ChangeWatch` polls the characteristic's change marker and reloads when another bench
signed a new sample, keeping the user's zoom.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from app.ui import formatting as fmt
from app.ui import spc_export, spc_work
from app.ui.spc_live import ChangeWatch
from app.ui.spc_signal_model import SignalModel
from app.ui.spc_work import ChartData, RuleSignal
from app.ui.tasks import TaskRunner, describe_error
from app.ui.widgets.data_table import DataTable
from app.ui.widgets.spc_capability import CapabilityPanel
from app.ui.widgets.spc_control_plot import ControlPlot, SampleAxis
from app.ui.widgets.spc_histogram import HistogramPlot

LIMIT_LABELS = {limit: "All values" if limit is None else f"Newest {limit:,} values"
                for limit in spc_work.LIMIT_CHOICES}
SIGNAL_CONTEXT = 40  # samples shown on each side of a signal picked in the list
SIGNAL_ON_DARK = "#ff8787"  # the signal red, light enough to read on the dark tooltip
SIZE_COLUMNS_FROM_ROWS = 50


def hover_text(data: ChartData, point: int) -> str:
    """What a hover over chart point `point` says: value, when, which item(s), who, with what, and why red."""
    spec = data.series.characteristic.spec
    contexts = data.contexts(point)
    main, _ = data.labels
    lines = [f"<b>Sample {point + 1:,}</b> · {main} = {data.chart.points[point]:.{spec.decimals + 1}f}"]
    for context in contexts:
        lines.append(f"{context.item} · {spec.format(context.value)} · {fmt.local_time(context.measured_at)}")
    for caption, field in (("Inspector", "inspector"), ("Gauge", "gauge"), ("Machine", "machine")):
        values = sorted({getattr(c, field) for c in contexts} - {None})
        lines.append(f"{caption}: {', '.join(values) or '–'}")
    lines.extend(f"<span style='color:{SIGNAL_ON_DARK}'>{s.chart} chart: {s.name}</span>"
                 for s in data.signals_at(point))
    lines.append("<i>Click to trace this item</i>")
    return "<br>".join(lines)


class ChartView(QWidget):
    """Signals:
        chart_shown(str): after each load: "chart" (drawn) or "error" (the message is in `error`, or in
            `status` when a reload failed and the last chart stays).
        trace_requested(str): a point was clicked; the item code of its (first) measured item.
        back_requested(): the user wants the dashboard again.
    """

    chart_shown = Signal(str)
    trace_requested = Signal(str)
    back_requested = Signal()

    def __init__(self, runner: TaskRunner, factory: sessionmaker[Session],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spcChartView")
        self.runner = runner
        self.factory = factory
        self.data: ChartData | None = None
        self.characteristic_id: uuid.UUID | None = None
        self.rules = "we"
        self.hover_text = ""
        self._hovering: tuple[ControlPlot, int] | None = None
        self._request = 0  # answers to older loads than this one are dropped
        self._loading = False  # a live change during a load waits: the load reads the marker first

        self.back_button = QPushButton("◀  Dashboard", objectName="secondaryButton")
        self.back_button.clicked.connect(self.back_requested)
        self.limit_box = QComboBox()
        for limit, label in LIMIT_LABELS.items():
            self.limit_box.addItem(label, limit)
        self.limit_box.setCurrentIndex(spc_work.LIMIT_CHOICES.index(spc_work.DEFAULT_LIMIT))
        self.limit_box.setToolTip("The whole history of a busy characteristic takes a second or two to load")
        self.limit_box.currentIndexChanged.connect(lambda _: self.reload(keep_view=False))
        self.live_box = QCheckBox("Live")
        self.live_box.setChecked(True)
        self.live_box.setToolTip("Redraw within seconds when a new sample is signed at any bench")
        self.live_box.toggled.connect(self._live_toggled)
        self.save_button = QPushButton("Save", objectName="secondaryButton")
        save_menu = QMenu(self.save_button)
        save_menu.addAction("Chart as an image (PNG) …", lambda: self._ask("png", self.export_png))
        save_menu.addAction("Values with their context (CSV) …", lambda: self._ask("csv", self.export_csv))
        self.save_button.setMenu(save_menu)
        self.busy = QLabel(objectName="busyLabel")
        for button in (self.back_button, self.save_button):
            button.setAutoDefault(False)

        self.title = QLabel(objectName="resultHeading")
        self.status = QLabel(objectName="mutedLabel")
        self.status.setWordWrap(True)
        self.error = QLabel(objectName="errorLabel")  # when there is no chart to show, instead of it
        self.error.setWordWrap(True)
        self.error.hide()
        self.axis = SampleAxis()
        self.main_plot = ControlPlot()
        self.secondary_plot = ControlPlot(self.axis)
        self.secondary_plot.setXLink(self.main_plot)
        self.histogram = HistogramPlot()
        self.capability = CapabilityPanel()
        for plot in (self.main_plot, self.secondary_plot):
            plot.point_hovered.connect(lambda point, pos, plot=plot: self._hovered(plot, point, pos))
            plot.point_clicked.connect(self._clicked)
        self.signal_model = SignalModel(parent=self)
        self.signal_table = DataTable(self.signal_model, sortable=True, stretch_column=4)
        # Column widths from the first rows only: sizing from a thousand rows took a quarter of a second.
        self.signal_table.horizontalHeader().setResizeContentsPrecision(SIZE_COLUMNS_FROM_ROWS)
        self.signal_table.selectionModel().currentRowChanged.connect(lambda current, _: self._signal_picked())
        self.signal_heading = QLabel(objectName="sectionTitle")

        self.watch = ChangeWatch(runner, factory, parent=self)
        self.watch.changed.connect(self._changed)
        self.watch.poll_failed.connect(lambda text: self.status.setText(f"Live updates paused: {text}"))

        self.figure = self._figure()
        signals = QWidget()
        signals_layout = QVBoxLayout(signals)
        signals_layout.setContentsMargins(0, 0, 0, 0)
        signals_layout.addWidget(self.signal_heading)
        signals_layout.addWidget(self.signal_table, 1)
        self.body = QSplitter(Qt.Orientation.Vertical)
        self.body.setChildrenCollapsible(False)
        self.body.addWidget(self.figure)
        self.body.addWidget(signals)
        self._sized = False  # the splitter's first sizes are set once the view knows its height

        toolbar = QHBoxLayout()
        toolbar.setSpacing(10)
        toolbar.addWidget(self.back_button)
        toolbar.addSpacing(8)
        toolbar.addWidget(self.title, 1)
        toolbar.addWidget(self.busy)
        for widget in (self.limit_box, self.live_box, self.save_button):
            toolbar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(toolbar)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.body, 1)

    def _figure(self) -> QWidget:
        """What "Save image" saves (below a header with the title): charts, histogram, capability."""
        charts = QSplitter(Qt.Orientation.Vertical)
        charts.setChildrenCollapsible(False)
        charts.addWidget(self.main_plot)
        charts.addWidget(self.secondary_plot)
        charts.setStretchFactor(0, 3)
        charts.setStretchFactor(1, 2)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.histogram, 1)
        side_layout.addWidget(self.capability)
        row = QSplitter(Qt.Orientation.Horizontal)
        row.setChildrenCollapsible(False)
        row.addWidget(charts)
        row.addWidget(side)
        row.setStretchFactor(0, 3)
        row.setStretchFactor(1, 1)
        return row

    # -- loading ---------------------------------------------------------------------------------------

    @property
    def limit(self) -> int | None:
        return self.limit_box.currentData()

    def open(self, characteristic_id: uuid.UUID, *, rules: str) -> None:
        """Show a characteristic's chart from its full, unzoomed view."""
        self.characteristic_id, self.rules = characteristic_id, rules
        self.data = None
        self.reload(keep_view=False)

    def set_rules(self, rules: str) -> None:
        if rules != self.rules and self.characteristic_id is not None:
            self.rules = rules
            self.reload(keep_view=True)

    def reload(self, *, keep_view: bool) -> None:
        if self.characteristic_id is None:
            return
        self._request += 1
        request, self._loading = self._request, True
        limit = self.limit
        self.busy.setText("Loading the whole history …" if limit is None else "Loading …")
        self.runner.run(spc_work.load_chart, self.factory, self.characteristic_id, rules=self.rules,
                        limit=limit, name="spc_chart", owner=self,
                        on_done=lambda data: self._answered(request, data, keep_view),
                        on_failed=lambda error: self._answered(request, error, keep_view))

    def _answered(self, request: int, answer: ChartData | BaseException, keep_view: bool) -> None:
        if request != self._request:
            return  # a newer load went out (another characteristic, rules or window); its answer counts
        self._loading = False
        self.busy.clear()
        if isinstance(answer, BaseException):
            if self.data is None:  # nothing drawn for this characteristic: the sentence takes its place
                self.title.setText("No chart")
                self.status.clear()
                self.body.hide()
                self.error.setText(describe_error(answer))
                self.error.show()
            else:  # a reload failed: the chart stays, the status line says it is not current
                self.status.setText(f"Not updated: {describe_error(answer)}")
            self.chart_shown.emit("error")
            return
        self.error.hide()
        self.body.show()
        self.show_data(answer, keep_view=keep_view)
        self.chart_shown.emit("chart")

    def show_data(self, data: ChartData, *, keep_view: bool = False) -> None:
        self.data = data
        self._hovering = None
        info, chart = data.series.characteristic, data.chart
        spec, secondary = info.spec, chart.secondary
        assert secondary is not None
        unit = f" ({spec.unit})" if spec.unit else ""
        self.title.setText(f"{info.name} — {info.chart_kind.label} chart")
        if not keep_view:
            self.main_plot.reset_view()
            self.secondary_plot.reset_view()
        self.axis.set_times(data.point_times)
        individual = data.size == 1
        self.main_plot.show_chart(chart, data.marked, decimals=spec.decimals, spec=spec,
                                  label=("Value" if individual else "X̄") + unit)
        self.secondary_plot.show_chart(secondary, data.marked_secondary, decimals=spec.decimals,
                                       label=("MR" if individual else "R") + unit)
        values = data.charted_values
        self.histogram.show_values(values, spec, data.capability)
        recent_points = chart.points.size - data.recent_from
        self.capability.show_capability(
            data.recent_capability, data.capability, decimals=spec.decimals,
            has_spec=spec.lower is not None or spec.upper is not None,
            recent_label=f"Newest {recent_points}", overall_label=f"All {fmt.number(chart.points.size)}")
        if list(data.signals) != self.signal_model.records():  # a new sample seldom adds a signal
            self.signal_model.set_records(data.signals)
        self.signal_heading.setText(self._signal_heading(data))
        self.status.setText(self._status(data))
        self.watch.watch(self.characteristic_id, data.marker)
        self._live_toggled(self.live_box.isChecked())

    def _status(self, data: ChartData) -> str:
        points = data.chart.points.size
        baseline = min(spc_work.BASELINE, points)
        shown = (f"all {fmt.number(len(data.series))} values" if data.complete else
                 f"the newest {fmt.number(len(data.series))} values")
        rules = spc_work.RULE_SETS.get(data.rules, data.rules)
        updated = datetime.now(UTC).astimezone().strftime("%H:%M:%S")
        return (f"Limits from the first {baseline} samples shown · {rules} rules · {shown} · "
                f"updated {updated}")

    @staticmethod
    def _signal_heading(data: ChartData) -> str:
        count = data.signal_count
        if not count:
            return "No rule signals: every point is in control."
        listed = "" if count == len(data.signals) else f" (the newest {len(data.signals):,} listed)"
        return (f"{count:,} rule signal{'s' if count != 1 else ''}{listed}, newest first — pick one to see "
                "it on the chart")

    # -- live updates ----------------------------------------------------------------------------------

    def _changed(self) -> None:
        if not self._loading:
            self.reload(keep_view=True)

    def _live_toggled(self, on: bool) -> None:
        if on and self.isVisible() and self.data is not None:
            self.watch.start()
        else:
            self.watch.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            # Most of the height to the charts; the signal list keeps room for about three lines.
            rows = (self.signal_table.verticalHeader().defaultSectionSize() * 4
                    + self.signal_heading.sizeHint().height())
            self.body.setSizes([max(self.body.height() - rows, 300), rows])
        self._live_toggled(self.live_box.isChecked())

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.watch.stop()  # nobody looks: no polling

    # -- pointing at points ----------------------------------------------------------------------------

    def _hovered(self, plot: ControlPlot, point: int, scene_pos: QPointF) -> None:
        if (plot, point) == self._hovering:
            return  # the mouse moved over the same point: nothing to redraw
        self._hovering = (plot, point)
        other = self.secondary_plot if plot is self.main_plot else self.main_plot
        other.ring(-1)
        if self.data is None or point < 0:
            self.hover_text = ""
            QToolTip.hideText()
            return
        self.hover_text = hover_text(self.data, point)
        where = plot.mapToGlobal(plot.mapFromScene(scene_pos))
        QToolTip.showText(where, self.hover_text, plot)

    def _clicked(self, point: int) -> None:
        if self.data is not None:
            self.trace_requested.emit(self.data.series.item_codes[self.data.values_of(point)[0]])

    def _signal_picked(self) -> None:
        signal: RuleSignal | None = self.signal_table.current_record()
        if signal is None:
            return
        box = self.main_plot.getPlotItem()
        box.setXRange(signal.point - SIGNAL_CONTEXT, signal.point + SIGNAL_CONTEXT, padding=0)
        box.enableAutoRange(axis="y")
        self.main_plot.ring(signal.point)

    # -- export ----------------------------------------------------------------------------------------

    def export_png(self, path: str | Path) -> bool:
        """Charts, histogram and capability under the title and the status line (what the limits are from)."""
        image = spc_export.figure_with_header(self.figure, self.title.text(), self.status.text(),
                                              title_font=self.title.font(), note_font=self.status.font())
        return image.save(str(path), "PNG")

    def export_csv(self, path: str | Path) -> None:
        if self.data is not None:
            Path(path).write_text(spc_work.series_csv(self.data), encoding="utf-8")

    def _ask(self, suffix: str, save: Callable[[str], bool | None]) -> None:
        name = self.data.series.characteristic.name if self.data else "chart"
        problem = spc_export.ask_and_save(self, name, suffix, save)
        if problem:
            self.status.setText(problem)
