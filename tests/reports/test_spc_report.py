"""The SPC/capability report of a demo characteristic: limits and capability read back from the PDF agree with
figures worked out here from the raw measurements (I-MR: mean ± 3·MR̄/d2; Cpk = min distance to a limit over
3σ within); the chart is vector graphics, not an image; and `threadline report spc` names characteristics as
people do."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import numpy as np
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import execute, parse_args
from app.models import Characteristic, InspectionPlan, Measurement, PartDefinition
from app.reports.spc_report import render_spc_report
from app.services.report_data import find_characteristic, spc_report_data
from tests.reports.conftest import COMPANY, pdf_text

D2 = 1.128  # d2 for moving ranges of two


def raw_values(plant, characteristic_id) -> np.ndarray:
    with plant.factory() as session:
        return np.array(session.scalars(
            select(Measurement.value).where(Measurement.characteristic_id == characteristic_id,
                                            Measurement.superseded_by_id.is_(None), Measurement.value.is_not(None))
            .order_by(Measurement.measured_at, Measurement.record_id, Measurement.id)).all(), dtype=float)


def spec_of(plant, characteristic_id):
    with plant.factory() as session:
        c, part = session.execute(select(Characteristic, PartDefinition.part_number)
                                  .join(InspectionPlan, Characteristic.plan_id == InspectionPlan.id)
                                  .join(PartDefinition).where(Characteristic.id == characteristic_id)).one()
        return c.lower_limit, c.upper_limit, c.decimals, c.name, part


def test_the_report_prints_limits_signals_and_capability_worked_out_from_the_measurements(plant, tmp_path):
    cid = find_characteristic(plant.factory, "bore diameter ø12", part="VB-4711")
    lsl, usl, decimals, name, part = spec_of(plant, cid)
    values = raw_values(plant, cid)
    assert 2 <= values.size <= 100  # one phase I baseline: the limits come from every value
    data = spc_report_data(plant.factory, cid, rules="we")
    assert data.characteristic.sample_size == 1 and data.values.size == values.size
    path = tmp_path / "spc.pdf"
    path.write_bytes(render_spc_report(data, company=COMPANY, created_at=datetime.now(timezone.utc),
                                       created_by="Petra Wagner"))
    text = pdf_text(path)

    mean = values.mean()
    mr_bar = np.abs(np.diff(values)).mean()
    sigma = mr_bar / D2
    ucl, lcl = mean + 3 * sigma, mean - 3 * sigma
    cp = (usl - lsl) / (6 * sigma)
    cpk = min(usl - mean, mean - lsl) / (3 * sigma)
    overall = values.std(ddof=1)
    ppk = min(usl - mean, mean - lsl) / (3 * overall)
    for value in ("SPC and capability report", name, f"{part} rev", "I-MR, sample size 1",
                  f"{values.size} ({values.size} chart points)", f"{lsl:.{decimals}f} … {usl:.{decimals}f} mm",
                  f"I {lcl:.{decimals}f} {mean:.{decimals}f} {ucl:.{decimals}f}",
                  f"MR 0.000 {mr_bar:.{decimals}f} {3.267 * mr_bar:.{decimals}f}",
                  f"Cp {cp:.2f}", f"Cpk {cpk:.2f}", f"Ppk {ppk:.2f}", "Western Electric rules",
                  f"Rule signals ({data.signal_count})", "page 1 of"):
        assert value in text, value
    # Every listed signal names its chart point and item, newest first.
    for signal in data.signals:
        assert f"{signal.chart} {signal.point} {signal.rule}" in text
    points = [s.point for s in data.signals]
    assert points == sorted(points, reverse=True)
    # The chart is drawn by reportlab: vectors, no embedded raster image.
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert all(len(page.images) == 0 for page in reader.pages)


def test_threadline_report_spc_names_the_characteristic_as_people_do(plant, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "overall-length.pdf"
    args = ["--db", plant.url, "report", "spc", "--characteristic", "Overall length", "-o", str(target)]
    assert execute(parse_args(args), out, err) == 1
    assert "'Overall length' is measured on more than one plan" in err.getvalue()
    assert "add --part and --operation" in err.getvalue()

    assert execute(parse_args(args + ["--part", "vb-4711", "--rules", "nelson"]), out, err) == 0
    assert str(target) in out.getvalue()
    text = pdf_text(target)
    assert "Overall length" in text and "VB-4711 rev" in text and "Nelson rules" in text

    missing = ["--db", plant.url, "report", "spc", "--characteristic", "Nothing like it", "-o", str(target)]
    assert execute(parse_args(missing), out, err) == 1
    assert "There is no measured characteristic 'Nothing like it'" in err.getvalue()
