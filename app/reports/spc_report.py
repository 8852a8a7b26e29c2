"""The SPC/capability report of one characteristic: what was charted, the control chart and its dispersion
chart drawn by reportlab, the limits, the rule signals and Cp/Cpk/Pp/Ppk with their confidence intervals."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from app.reports.certificate_tables import grid, key_values
from app.reports.page import Company, Furniture, first_page, numbered_canvas
from app.reports.spc_drawing import chart_drawing
from app.reports.styles import printable, styles

if TYPE_CHECKING:  # reports never import services at run time; the data only passes through
    from app.services.report_data import SpcReportData

WIDTH = 180 * mm


def _esc(text: str | None) -> str:
    return printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _num(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def _index(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def render_spc_report(data: SpcReportData, *, company: Company, created_at: datetime, created_by: str) -> bytes:
    st = styles()
    info = data.characteristic
    spec, decimals = info.spec, info.spec.decimals
    unit = spec.unit or ""
    title = "SPC and capability report"
    number = f"{data.part_number} {info.name}"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=17 * mm,
                            bottomMargin=19 * mm, title=f"{title}: {number}", author=company.name,
                            creator="Threadline", subject=f"{title} for {info.name} ({data.part_number})")
    story: list = [Spacer(1, 24 * mm), Paragraph(_esc(title), st["title"]),
                   Paragraph(_esc(f"{info.name} · {data.part_number} rev {data.part_revision}"), st["subtitle"]),
                   Spacer(1, 3 * mm)]
    chart, secondary = data.chart, data.chart.secondary
    points = int(chart.points.size)
    story.append(key_values([
        ("Characteristic", f"{info.name} ({info.classification})"),
        ("Part / revision", f"{data.part_number} rev {data.part_revision}"),
        ("Operation", data.operation or "receiving inspection"),
        ("Plan", f"{info.plan_type.replace('_', '-')} plan rev {info.plan_revision}"),
        ("Nominal", f"{_num(spec.nominal, decimals)} {unit}".strip() or "none"),
        ("Specification", _spec_text(spec.lower, spec.upper, decimals, unit)),
        ("Gauge type", info.gauge_type or ""),
        ("Chart", f"{data.labels[0]}-{data.labels[1]}, sample size {info.sample_size}"),
        ("Values charted", f"{data.values.size} ({points} chart points)"),
        ("Measured (UTC)", f"{data.first_at:%Y-%m-%d %H:%M} – {data.last_at:%Y-%m-%d %H:%M}"),
        ("Rules", data.rules_name),
        ("Created", f"{created_at:%Y-%m-%d %H:%M:%S UTC} by {created_by}"),
    ]))

    story.append(Paragraph("Control chart", st["h2"]))
    story.append(chart_drawing(chart.points, chart.center, chart.ucl, chart.lcl, width=WIDTH, height=62 * mm,
                               label=f"{_drawn(data.labels[0])} chart ({unit})" if unit else
                               f"{_drawn(data.labels[0])} chart",
                               marked=data.marked, decimals=decimals,
                               spec=(spec.lower, spec.upper) if info.sample_size == 1 else (None, None)))
    if secondary is not None:
        story.append(Spacer(1, 2 * mm))
        story.append(chart_drawing(secondary.points, secondary.center, secondary.ucl, secondary.lcl,
                                   width=WIDTH, height=40 * mm, label=f"{data.labels[1]} chart",
                                   marked=data.marked_secondary, decimals=decimals))
    story.append(Paragraph(_esc(
        f"Phase I limits from the first {chart.baseline} chart points; every point judged by the {data.rules_name} "
        f"on the {data.labels[0]} chart and by its limits on the {data.labels[1]} chart. Red points complete a "
        "signal or lie beyond the limits."), st["small"]))

    story.append(Paragraph("Control limits", st["h2"]))
    rows = []
    for label, part in ((data.labels[0], chart), (data.labels[1], secondary)):
        if part is None:
            continue
        rows.append([label, _level(part.lcl, decimals), _level(part.center, decimals), _level(part.ucl, decimals),
                     f"{part.sigma:.{decimals + 1}f}" if part.sigma is not None else ""])
    story.append(grid(["Chart", "LCL", "Centre line", "UCL", "Sigma (within)"], rows, [20, 30, 30, 30, 30]))

    story.append(Paragraph(_esc(f"Rule signals ({data.signal_count})"), st["h2"]))
    if data.signals:
        shown = "" if data.signal_count <= len(data.signals) else f" (the newest {len(data.signals)})"
        story.append(Paragraph(_esc(f"Signals, newest first{shown}:"), st["small"]))
        story.append(grid(["Chart", "Point", "Rule", "Sample complete (UTC)", "Item"],
                          [[s.chart, str(s.point), s.rule, f"{s.at:%Y-%m-%d %H:%M}", s.item] for s in data.signals],
                          [12, 12, 90, 32, 34], bad_rows=range(len(data.signals))))
    else:
        story.append(Paragraph("No signals: the process is in statistical control under these rules.", st["body"]))

    story.append(Paragraph("Process capability", st["h2"]))
    story.extend(_capability(data, decimals))

    furniture = Furniture(company, title, number, f"{data.values.size} values, {data.first_at:%Y-%m-%d} – "
                                                 f"{data.last_at:%Y-%m-%d}")
    doc.build(story, onFirstPage=first_page(company, f"THREADLINE-SPC:{info.id}".upper(), "characteristic id"),
              canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()


def _drawn(label: str) -> str:
    """Chart titles are drawn glyph by glyph, where a combining macron would not sit on its X: spell it."""
    return label.replace("X̄", "X-bar")


def _spec_text(lower: float | None, upper: float | None, decimals: int, unit: str) -> str:
    if lower is None and upper is None:
        return "none"
    if lower is None:
        return f"≤ {upper:.{decimals}f} {unit}".strip()
    if upper is None:
        return f"≥ {lower:.{decimals}f} {unit}".strip()
    return f"{lower:.{decimals}f} … {upper:.{decimals}f} {unit}".strip()


def _level(value, decimals: int) -> str:
    try:
        return f"{float(value):.{decimals}f}"
    except TypeError:  # limits that vary with the sample size: their range
        return f"{float(min(value)):.{decimals}f} … {float(max(value)):.{decimals}f}"


def _capability(data: SpcReportData, decimals: int) -> list:
    st = styles()
    cap = data.capability
    if cap is None:
        return [Paragraph(_esc("No capability: the characteristic has no specification limits, or too few values "
                               "or no spread to estimate it."), st["body"])]
    rows = []
    for name, value in (("Cp", cap.cp), ("Cpk", cap.cpk), ("Pp", cap.pp), ("Ppk", cap.ppk), ("Cpm", cap.cpm)):
        interval = cap.intervals.get(name.lower())
        rows.append([name, _index(value),
                     f"{interval.low:.2f} … {interval.high:.2f}" if interval is not None else "",
                     "below 1.33" if value is not None and value < 1.33 else ("" if value is None else "≥ 1.33")])
    low = [i for i, row in enumerate(rows) if row[3] == "below 1.33"]
    table = grid(["Index", "Value", f"{cap.confidence:.0%} confidence interval", "Target 1.33"], rows,
                 [20, 25, 45, 30], bad_rows=low)
    figures = [
        ("n", str(cap.n)), ("Mean", f"{cap.mean:.{decimals + 1}f}"),
        ("Sigma within", f"{cap.sigma_within:.{decimals + 1}f} ({cap.within_method.value})"),
        ("Sigma overall", f"{cap.sigma_overall:.{decimals + 1}f}"),
        ("LSL / USL", f"{_num(cap.lsl, decimals) or '–'} / {_num(cap.usl, decimals) or '–'}"),
        ("Normality", (f"{cap.normality.test}: p = {cap.normality.p_value:.3f}" if cap.normality else "not tested")),
    ]
    return [key_values(figures), Spacer(1, 3 * mm), table, Spacer(1, 2 * mm), Paragraph(_esc(
        "Cp and Cpk use the within-sample sigma (short-term); Pp and Ppk the overall sigma (long-term). Indices "
        "assume a normal distribution; check the normality test before relying on them."), st["small"])]
