"""Verification: a signed certificate verifies; one altered byte, a changed record, a revoked or unknown
certificate each fail, and the failing check is the one named."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import update

from app.models.certificates import IssuedCertificate
from app.services.certificates import (
    CONTENT,
    RECORD,
    SIGNATURE,
    CertificateSubject,
    Subject,
    create_trial_key,
    issue_certificate,
    revoke_certificate,
    verify_certificate,
)
from app.services.permissions import SYSTEM
from tests.certificates.conftest import COMPANY


@pytest.fixture(scope="module")
def signed(plant, signing_key, tmp_path_factory):
    """One certificate issued for these tests (a released valve no other test module certifies)."""
    serial = plant.take_valve()
    path = tmp_path_factory.mktemp("verify") / "signed.pdf"
    return issue_certificate(plant.factory, plant.supervisor, Subject(CertificateSubject.SERIAL, serial), path,
                             signing_key=signing_key, company=COMPANY)


def outcome(result):
    return {c.name: c.passed for c in result.checks}


def test_a_signed_certificate_verifies(plant, signed):
    result = verify_certificate(signed.path, plant.factory)
    assert result.ok and outcome(result) == {SIGNATURE: True, CONTENT: True, RECORD: True}
    assert (result.number, result.certificate_id, result.content_sha256) == (signed.number, signed.id,
                                                                              signed.content_sha256)
    assert result.trial_signature and "Acme Valves GmbH" in result.signer
    assert result.as_json()["valid"] is True


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75])
def test_one_altered_byte_fails_the_signature(plant, signed, tmp_path, where):
    data = bytearray(signed.path.read_bytes())
    # Inside the signed byte range, outside the signature value itself (the /Contents hex at the end).
    position = int(len(data) * where * 0.8)
    data[position] = data[position] ^ 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    result = verify_certificate(altered, plant.factory)
    assert not result.ok and outcome(result)[SIGNATURE] is False
    assert [c.name for c in result.failed][0] == SIGNATURE
    assert "altered" in result.failed[0].detail or "damaged" in result.failed[0].detail


def test_an_altered_digit_of_the_hash_fails_the_signature(plant, signed, tmp_path):
    data = signed.path.read_bytes()
    digest = signed.content_sha256.encode()
    at = data.rindex(digest)  # the signed update's document info, the one a reader takes
    swapped = b"1" if digest[5:6] != b"1" else b"2"
    altered = tmp_path / "digit.pdf"
    altered.write_bytes(data[:at + 5] + swapped + data[at + 6:])
    result = verify_certificate(altered, plant.factory)
    assert outcome(result)[SIGNATURE] is False and outcome(result)[CONTENT] is False


def test_content_that_differs_from_the_record_is_named(plant, signing_key, tmp_path):
    serial = plant.take_valve()
    issued = issue_certificate(plant.factory, plant.supervisor, Subject(CertificateSubject.SERIAL, serial),
                               tmp_path / "c.pdf", signing_key=signing_key, company=COMPANY)
    with plant.factory() as session, session.begin():  # as if the record had been issued for other content
        session.info["actor"] = SYSTEM
        session.execute(update(IssuedCertificate).where(IssuedCertificate.id == issued.id)
                        .values(content_sha256="0" * 64))
    result = verify_certificate(issued.path, plant.factory)
    assert outcome(result) == {SIGNATURE: True, RECORD: True, CONTENT: False}
    assert "differs from the issued record" in result.failed[0].detail


def test_a_revoked_certificate_fails_the_record_check(plant, signing_key, tmp_path):
    serial = plant.take_valve()
    issued = issue_certificate(plant.factory, plant.supervisor, Subject(CertificateSubject.SERIAL, serial),
                               tmp_path / "r.pdf", signing_key=signing_key, company=COMPANY)
    revoke_certificate(plant.factory, plant.engineer, issued.number, "Issued against the wrong order")
    result = verify_certificate(issued.path, plant.factory)
    assert outcome(result) == {SIGNATURE: True, RECORD: False, CONTENT: True}
    assert "revoked" in result.failed[0].detail and "wrong order" in result.failed[0].detail


def test_a_certificate_unknown_to_the_database_fails_the_record_check(plant, signed, factory):
    """`factory` is another, empty database: the document is intact but was never issued there."""
    result = verify_certificate(signed.path, factory)
    assert outcome(result) == {SIGNATURE: True, RECORD: False, CONTENT: False}
    assert "was ever issued" in result.checks[1].detail


def test_a_document_signed_with_another_key_is_not_the_issued_one(plant, signed, tmp_path):
    """A forger who copies the id and hash into a new PDF and signs it with their own key is caught."""
    from app.services.certificates.signing import load_signing_key, sign_pdf

    other = create_trial_key(tmp_path / "other.p12", "Forger Ltd", "other-passphrase")
    assert load_signing_key(tmp_path / "other.p12", "other-passphrase").cert_sha256 == other.cert_sha256
    original = signed.path.read_bytes()  # its first revision is the unsigned document, id and hash included
    first_eof = original.index(b"%%EOF") + len(b"%%EOF\n")
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(sign_pdf(original[:first_eof], other, reason="forged", signer_name="Forger"))
    result = verify_certificate(forged, plant.factory)
    assert outcome(result)[SIGNATURE] is False and "different key" in result.checks[0].detail
    assert outcome(result)[RECORD] is True and outcome(result)[CONTENT] is True


def test_a_file_that_is_not_a_pdf_fails_plainly(plant, tmp_path):
    bogus = tmp_path / "bogus.pdf"
    shutil.copy(__file__, bogus)
    result = verify_certificate(bogus, plant.factory)
    assert not result.ok and result.failed[0].name == SIGNATURE and "not a readable signed PDF" in \
        result.failed[0].detail
