"""The inspection record report of a record filled and signed through the services: every characteristic with its
nominal, limits, value and result, the replaced reading kept, the confirmation and the signature, read back
from the PDF's text; and the same report from `threadline report inspection`."""

from __future__ import annotations

import io
from datetime import datetime, timezone

from app.cli import execute, parse_args
from app.models import PlanType
from app.reports.inspection_report import record_number, render_inspection_report
from app.services.inspection import (
    GaugeReading,
    TypedValue,
    load_form,
    open_record,
    record_value,
    sign_record,
)
from tests.inspection.conftest import BORE, GOOD, LENGTH, PASSWORD, THREAD, VISUAL, fill, slot
from tests.reports.conftest import COMPANY, pdf_text


def signed_record(factory, shop):
    """A final inspection of VB-0001: the bore re-measured, the length out of limits and confirmed, signed."""
    form = open_record(factory, shop.inspector, shop.body, PlanType.FINAL)
    version = fill(factory, shop.inspector, form, {k: v for k, v in GOOD.items() if k != LENGTH})
    first_bore = slot(load_form(factory, form.id), BORE).current
    version = record_value(factory, shop.inspector, form.id, first_bore.characteristic_id,
                           GaugeReading(12.006, "mm", "AGA-01"), version=version, replaces=first_bore.id).version
    version = fill(factory, shop.inspector, load_form(factory, form.id), {LENGTH: TypedValue("68.20", "CAL-04")})
    sign_record(factory, shop.inspector, form.id, password=PASSWORD, version=version)
    return load_form(factory, form.id)


def test_the_report_states_each_reading_against_its_limits_and_the_signature(factory, shop, tmp_path):
    form = signed_record(factory, shop)
    assert form.signatures and form.result.value == "fail"
    path = tmp_path / "record.pdf"
    path.write_bytes(render_inspection_report(form, company=COMPANY, created_at=datetime.now(timezone.utc),
                                              created_by="Petra Wagner"))
    text = pdf_text(path)

    plan = form.plan
    for value in ("Inspection record", record_number(form), str(form.id), "VB-0001", "Acme Valves GmbH",
                  f"{plan.part_number} rev {plan.part_revision}", f"plan revision {plan.revision}",
                  plan.sampling.describe(), form.inspector, "FAIL",
                  form.inspected_at.strftime("%Y-%m-%d %H:%M:%S UTC"), form.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC")):
        assert value in text, value
    for s in form.slots:
        c, m = s.characteristic, s.current
        assert c.name in text, c.name
        if c.nominal is not None:
            assert f"{c.nominal:.{c.decimals}f}" in text
        if c.lower_limit is not None and c.upper_limit is not None:
            assert f"{c.lower_limit:.{c.decimals}f} … {c.upper_limit:.{c.decimals}f} {c.unit}" in text, c.name
        if m.value is not None:
            assert f"{m.value:.{c.decimals}f} {c.unit}" in text
        if m.gauge_code:
            assert m.gauge_code in text
    bore, length = slot(form, BORE), slot(form, LENGTH)
    # The first bore reading stays on the report, marked as re-measured; the failed length with its confirmation.
    assert [f"{e.value:.3f}" for e in bore.earlier] == ["12.004"]
    assert "12.004 mm replaced" in text and "12.006 mm pass" in text
    assert "68.20 mm FAIL" in text
    assert length.current.confirmed_by and length.current.confirmed_by in text
    assert length.current.confirmed_at.strftime("%Y-%m-%d %H:%M:%S UTC") in text
    [signature] = form.signatures
    for value in (signature.printed_name, "Inspected: I performed this inspection",
                  signature.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC"), signature.content_sha256):
        assert value in text, value
    assert THREAD in text and VISUAL in text


def test_threadline_report_inspection_writes_the_same_report(factory, shop, tmp_path, engine):
    form = signed_record(factory, shop)
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "cli" / "record.pdf"
    url = engine.url.render_as_string(hide_password=False)
    assert execute(parse_args(["--db", url, "report", "inspection", str(form.id), "-o", str(target)]), out, err) == 0
    assert f"{record_number(form)} of VB-0001" in out.getvalue() and str(target) in out.getvalue()
    text = pdf_text(target)
    assert str(form.id) in text and "68.20 mm FAIL" in text and form.signatures[0].printed_name in text

    assert execute(parse_args(["--db", url, "report", "inspection", "not-an-id", "-o", str(target)]), out, err) == 1
    assert "'not-an-id' is not a record id" in err.getvalue()
