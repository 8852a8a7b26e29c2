"""Issuing certificates on a demo plant: every required fact is in the PDF text with the value the database holds
(read back through the trace service, not the certificate code), the rules refuse what must be refused, and a
reprint is a COPY on record."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from app.models import (
    Characteristic,
    Disposition,
    InspectionRecord,
    Item,
    ItemStatus,
    Measurement,
    Nonconformance,
    NonconformanceStatus,
    Role,
    StepParameter,
    StepRecord,
    User,
    nonconformance_items,
)
from app.models.base import uuid7
from app.models.certificates import CertificateItem, IssuedCertificate
from app.services.certificates import (
    CertificateRefused,
    CertificateSubject,
    CertificateType,
    Subject,
    issue_certificate,
    issue_per_serial,
    verify_certificate,
)
from app.services.errors import PermissionDenied, ValidationError
from app.services.permissions import SYSTEM
from app.services.trace import trace_item
from app.trace import Direction
from tests.certificates.conftest import COMPANY, page_count, pdf_text, render_pages

SERIAL = CertificateSubject.SERIAL


def issue(plant, signing_key, actor, code, output, *, kind=SERIAL, **options):
    return issue_certificate(plant.factory, actor, Subject(kind, code), output, signing_key=signing_key,
                             company=COMPANY, **options)


def item_id(plant, code):
    with plant.factory() as session:
        return session.scalar(select(Item.id).where(Item.code == code))


def test_a_serial_certificate_states_every_required_fact(plant, signing_key, tmp_path):
    serial = plant.examples["finished_serial"]
    issued = issue(plant, signing_key, plant.supervisor, serial, tmp_path / "coc.pdf")
    text = pdf_text(issued.path)

    expected = trace_item(plant.factory, item_id(plant, serial), Direction.REVERSE)
    [root] = expected.roots
    [shipment] = expected.shipments[root.id]
    assert re.fullmatch(r"CERT-\d{4}-\d{6}", issued.number)
    for value in (issued.number, "Certificate of Conformance with traceability", serial, root.part_number,
                  f"{root.part_number} rev {root.revision}", shipment.customer, shipment.order, shipment.number,
                  "Acme Valves GmbH", "Werkstraße 12", "Statement of conformance", "Electronic signature",
                  "Petra Wagner", "Issued and released", issued.issued_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                  issued.content_sha256, str(issued.id)):
        assert value in text, value
    materials = [n for n in expected.nodes.values() if n.supplier]
    assert materials, "the valve's genealogy reaches purchased lots"
    for lot in materials:
        for value in (lot.identifier, lot.supplier, lot.supplier_lot, lot.heat_number, lot.material_cert_ref):
            if value:
                assert value in text, value
    steps = [s for views in expected.steps.values() for s in views]
    assert len(steps) >= 8
    for step in steps:
        for value in (step.operator, step.station, step.started_at.strftime("%Y-%m-%d %H:%M"),
                      step.equipment.split()[0] if step.equipment else None):
            if value:
                assert value in text, value
        if step.work_center:  # routed steps show "seq name"
            assert step.operation in text
    measurements = [m for views in expected.inspections.values() for i in views for m in i.measurements]
    assert measurements
    for m in measurements:
        assert m.characteristic in text and m.value in text, m
    with plant.factory() as session:
        limited = session.execute(
            select(StepParameter.name, StepParameter.value, StepParameter.unit, StepParameter.lower_limit,
                   StepParameter.upper_limit).join(StepRecord)
            .where(StepRecord.item_id.in_(list(expected.nodes)), StepParameter.lower_limit.is_not(None))).all()
        limits = session.execute(
            select(Characteristic.lower_limit, Characteristic.upper_limit).join(Measurement)
            .join(InspectionRecord).where(InspectionRecord.item_id.in_(list(expected.nodes)),
                                          Characteristic.lower_limit.is_not(None),
                                          Characteristic.upper_limit.is_not(None))).all()
    assert limited and limits
    for name, value, unit, low, high in limited:
        assert name in text and f"{value:g} {unit}" in text and f"{low:g} … {high:g}" in text
    for low, high in limits:
        assert f"{low:g} … {high:g}" in text
    assert "Nonconformances and dispositions" in text
    assert re.search(r"page 1 of \d", text)

    with plant.factory() as session:
        record = session.get(IssuedCertificate, issued.id)
        covered = set(session.scalars(select(CertificateItem.item_id).where(CertificateItem.certificate_id == record.id)))
        issuer = session.scalar(select(User.full_name).where(User.id == record.issued_by_id))
    assert (record.number, record.content_sha256, record.is_copy, record.file_name) == (
        issued.number, issued.content_sha256, False, "coc.pdf")
    assert issuer == "Petra Wagner" and record.signer_name == "Petra Wagner" and record.trial_signature
    assert covered == {root.id}

    # The QR code, read back from the rendered page as a customer's phone would, carries the id and the hash.
    page1 = render_pages(issued.path, tmp_path)[0]
    codes = zxingcpp.read_barcodes(Image.open(page1))
    assert [c.text for c in codes] == [f"THREADLINE-CERT:{issued.number}:{issued.id}:{issued.content_sha256}".upper()]
    assert "TRIAL" in text, "a trial-signed certificate says so"


def test_a_shipment_certificate_lists_every_item_and_flows_over_pages(plant, signing_key, tmp_path):
    number = plant.examples["shipment"]
    serials = plant.shipment_serials(number)
    assert len(serials) >= 2
    issued = issue(plant, signing_key, plant.engineer, number, tmp_path / "shipment.pdf",
                   kind=CertificateSubject.SHIPMENT)
    text = pdf_text(issued.path)
    pages = page_count(issued.path)
    assert pages >= 2 and f"page {pages} of {pages}" in text and "page 2 of" in text
    assert all(serial in text for serial in serials)
    assert issued.items == len(serials) and f"{len(serials)} delivered" in text
    assert verify_certificate(issued.path, plant.factory).ok


def test_issuing_again_is_a_reprint_marked_copy(plant, signing_key, tmp_path):
    serial = [s for s in plant.shipment_serials(plant.examples["shipment"]) if s != plant.examples["finished_serial"]][-1]
    first = issue(plant, signing_key, plant.supervisor, serial, tmp_path / "first.pdf")
    again = issue(plant, signing_key, plant.supervisor, serial, tmp_path / "again.pdf")
    assert not first.is_copy and "COPY" not in pdf_text(first.path)
    assert again.is_copy and again.reprint_of == first.number and again.number == f"{first.number}-C1"
    text = pdf_text(again.path)
    assert f"COPY of {first.number}" in text and text.count("COPY") >= page_count(again.path)
    with plant.factory() as session:
        record = session.get(IssuedCertificate, again.id)
    assert record.is_copy and record.reprint_of_id == first.id
    result = verify_certificate(again.path, plant.factory)
    assert result.ok and "reprint" in result.checks[1].detail


def test_a_held_item_is_refused_by_name(plant, signing_key, tmp_path):
    held = plant.examples["held_item"]
    with plant.factory() as session:
        assert session.scalar(select(Item.status).where(Item.code == held)) is ItemStatus.ON_HOLD
    with pytest.raises(CertificateRefused, match=rf"serial {held} \(on hold\)"):
        issue(plant, signing_key, plant.supervisor, held, tmp_path / "held.pdf")
    assert not (tmp_path / "held.pdf").exists()


def test_an_open_nonconformance_on_a_component_is_refused_naming_it(plant, signing_key, tmp_path):
    valve = plant.take_valve()
    body = next(n for n in trace_item(plant.factory, item_id(plant, valve), Direction.REVERSE).nodes.values()
                if n.part_number.startswith("VB-"))
    number = f"NCR-T-{uuid7().hex[-6:]}"
    with plant.factory() as session, session.begin():  # test set-up: a complaint found on the body afterwards
        session.info["actor"] = SYSTEM
        opener = session.scalar(select(User.id).where(User.role == Role.QUALITY_ENGINEER))
        ncr = Nonconformance(number=number, description="Bore found oversize on re-check",
                             status=NonconformanceStatus.OPEN, opened_by_id=opener)
        session.add(ncr)
        session.flush()
        session.execute(nonconformance_items.insert().values(nonconformance_id=ncr.id, item_id=body.id))
    with pytest.raises(CertificateRefused, match=rf"{number} on {body.identifier}"):
        issue(plant, signing_key, plant.supervisor, valve, tmp_path / "ncr.pdf")
    with plant.factory() as session, session.begin():  # dispositioned: now it may be certified, and says so
        session.info["actor"] = SYSTEM
        ncr = session.scalar(select(Nonconformance).where(Nonconformance.number == number))
        ncr.status, ncr.disposition = NonconformanceStatus.DISPOSITIONED, Disposition.USE_AS_IS
    issued = issue(plant, signing_key, plant.supervisor, valve, tmp_path / "ncr.pdf")
    text = pdf_text(issued.path)
    assert number in text and "use as is" in text and "Bore found oversize" in text


def test_en10204_31_needs_an_independent_inspection_representative(plant, signing_key, tmp_path):
    serial = plant.shipment_serials(plant.examples["shipment"])[0]
    trace = trace_item(plant.factory, item_id(plant, serial), Direction.REVERSE)
    operators = {s.operator for views in trace.steps.values() for s in views}
    with plant.factory() as session:
        inspectors = dict(session.execute(select(User.full_name, User.username)
                                          .where(User.role == Role.INSPECTOR)).all())
    involved = sorted(set(inspectors) & operators)
    assert involved, "demo inspectors do final-inspection steps"
    worked = plant.login(inspectors[involved[0]])
    options = dict(cert_type=CertificateType.EN10204_31)
    with pytest.raises(CertificateRefused, match=rf"{involved[0]} cannot validate .* operator of"):
        issue(plant, signing_key, plant.supervisor, serial, tmp_path / "31.pdf", validator=worked, **options)
    with pytest.raises(CertificateRefused, match="only an inspector or a quality engineer"):
        issue(plant, signing_key, plant.supervisor, serial, tmp_path / "31.pdf",
              validator=plant.login("op.schmidt"), **options)
    with pytest.raises(ValidationError, match="must be validated"):
        issue(plant, signing_key, plant.supervisor, serial, tmp_path / "31.pdf", **options)
    assert "Thomas Müller" not in operators
    issued = issue(plant, signing_key, plant.supervisor, serial, tmp_path / "31.pdf", validator=plant.engineer,
                   **options)
    text = pdf_text(issued.path)
    for value in ("Inspection Certificate 3.1", "EN 10204", "Thomas Müller", "Validated as authorised inspection "
                  "representative", "Issued by Petra Wagner", "independent of the manufacturing department"):
        assert value in text, value
    with plant.factory() as session:
        record = session.get(IssuedCertificate, issued.id)
    assert record.validated_by_id == plant.engineer.user_id and record.signer_name == "Thomas Müller"


def test_only_supervisors_and_quality_engineers_issue(plant, signing_key, tmp_path):
    with pytest.raises(PermissionDenied, match="may not issue certificate"):
        issue(plant, signing_key, plant.login("op.fischer"), plant.examples["finished_serial"], tmp_path / "x.pdf")


def test_one_certificate_per_serial_of_a_shipment(plant, signing_key, tmp_path):
    # A shipment of its own, so earlier tests' originals do not turn these into copies.
    with plant.factory() as session:
        taken = set(session.scalars(select(IssuedCertificate.subject_code)))
    free = [(len(serials), n) for n in _shipments(plant)
            if len(serials := plant.shipment_serials(n)) >= 2 and not taken & set(serials)]
    number = min(free)[1]  # the smallest: the test is about one-per-serial, not about volume
    serials = plant.shipment_serials(number)
    issued = issue_per_serial(plant.factory, plant.supervisor, Subject(CertificateSubject.SHIPMENT, number),
                              tmp_path / "each", signing_key=signing_key, company=COMPANY)
    assert [v.subject.code for v in issued] == serials and not any(v.is_copy for v in issued)
    for view in issued:
        assert view.path.parent == tmp_path / "each" and view.subject.code in pdf_text(view.path)
    assert verify_certificate(issued[-1].path, plant.factory).ok


def _shipments(plant) -> list[str]:
    from app.models import Shipment
    with plant.factory() as session:
        return list(session.scalars(select(Shipment.number).order_by(Shipment.number)))
