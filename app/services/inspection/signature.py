"""Electronic signatures on inspection records: the signer re-enters the password; the signature keeps the
printed name, the time, the meaning and a SHA-256 of the signed content. A signed record is read-only; a
correction is a new version that carries the readings over, points to the old one and says why."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter, defaultdict
from datetime import UTC
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEvent, InspectionRecord, InspectionResult, Measurement
from app.models.base import utcnow, uuid7
from app.services.audit import event_row
from app.services.errors import AuthenticationFailed, Conflict, DomainError, PermissionDenied, ValidationError
from app.services.inspection.forms import CORRECT_EVENT, RECORDS_TABLE, SIGN_EVENT, read_form
from app.services.inspection.guard import database_now, update_if
from app.services.inspection.nonconformance import settle
from app.services.inspection.records import claim
from app.services.inspection.views import Meaning, RecordForm, RecordVersion, Signature, SignOutcome, Slot
from app.services.permissions import Action, Actor
from app.services.unit_of_work import unit_of_work
from app.services.users import authenticate


class SignatureMismatch(DomainError):
    """The record's content no longer matches the hash its signature was made over."""


def sign_record(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID, *, password: str,
                version: RecordVersion) -> SignOutcome:
    """Sign a complete record as inspected: it locks, gets its result, and a failure opens nonconformances
    and holds the item (a passed receiving inspection releases a quarantined lot). Every failed reading must be
    confirmed or re-measured first. A wrong password writes nothing."""
    signer = _reauthenticate(factory, actor, password)
    with unit_of_work(factory, signer, Action.INSPECT) as session:
        claim(session, record_id, version)
        form = read_form(session, record_id)
        if form.missing:
            raise ValidationError(f"The record of {form.item_code} cannot be signed yet; still empty: "
                                  f"{_missing(form)}. Fill them in, then sign.")
        if form.unconfirmed:
            raise ValidationError(f"The record of {form.item_code} cannot be signed yet; failed and neither "
                                  f"confirmed nor re-measured: {_names(form.unconfirmed)}. Confirm each such value "
                                  "as right or re-measure it, then sign.")
        signature = _sign(session, signer, form, Meaning.INSPECTED)
        result = InspectionResult.FAIL if form.failed else InspectionResult.PASS
        record = session.get_one(InspectionRecord, record_id)
        # The signer attests the inspection, whoever opened the record.
        record.signed_at, record.result, record.inspector_id = signature.signed_at, result, signer.user_id
        opened, item_status = settle(session, signer, form)
        return SignOutcome(signature, result, item_status, opened)


def review_record(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID, *,
                  password: str) -> SignOutcome:
    """Sign a signed record as reviewed, by someone other than its inspector; the record does not change."""
    signer = _reauthenticate(factory, actor, password)
    with unit_of_work(factory, signer, Action.INSPECT) as session:
        form = read_form(session, record_id)
        if form.signed_at is None:
            raise ValidationError(f"The record of {form.item_code} is not signed as inspected yet; review it "
                                  "after the inspector has signed.")
        reviewed = [s for s in form.signatures if s.meaning is Meaning.REVIEWED]
        if reviewed:
            raise Conflict(f"The record of {form.item_code} was already reviewed by {reviewed[0].printed_name} "
                           f"at {reviewed[0].signed_at:%Y-%m-%d %H:%M} UTC.")
        if any(s.user_id == signer.user_id for s in form.signatures):
            raise ValidationError(f"You signed the record of {form.item_code} as its inspector; someone else "
                                  "must review it.")
        if not verify(form):
            raise SignatureMismatch(f"The record of {form.item_code} no longer matches what was signed: it was "
                                    "changed after signing. Do not review it; tell the quality manager.")
        return SignOutcome(_sign(session, signer, form, Meaning.REVIEWED), form.result, form.item_status, ())


def correct_record(factory: sessionmaker[Session], actor: Actor, record_id: uuid.UUID, *,
                   reason: str) -> RecordForm:
    """Start the correction of a signed record: a new, unsigned version of it with the same plan revision
    and the current readings carried over (re-measure what was wrong, then sign it). The old version stays
    as it was signed; its readings point to their successors, so SPC charts each value once."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the signed record is corrected: a correction needs a reason.")
    if actor.user_id is None:
        raise PermissionDenied("A correction names its inspector: log in as a person to correct a record.")
    with unit_of_work(factory, actor, Action.INSPECT, reason=reason) as session:
        old = read_form(session, record_id)
        if old.signed_at is None:
            raise ValidationError(f"The record of {old.item_code} is not signed yet; change its values directly.")
        if old.corrected_by is not None:
            raise Conflict(f"The record of {old.item_code} has already been corrected; open the newest version.")
        new_id = uuid7()
        session.add(InspectionRecord(id=new_id, plan_id=old.plan.id, item_id=old.item_id, step_id=old.step_id,
                                     inspector_id=actor.user_id, inspected_at=utcnow(),
                                     result=InspectionResult.OPEN, sample_size=old.sample_size))
        session.flush()
        # A carried reading keeps its confirmation: it is the same reading, confirmed by the same person.
        carried = [(m.id, Measurement(id=uuid7(), record_id=new_id, characteristic_id=m.characteristic_id,
                                      value=m.value, passed=m.passed, defect_code=m.defect_code,
                                      equipment_id=m.equipment_id, measured_at=m.measured_at,
                                      confirmed_by_id=m.confirmed_by_id, confirmed_at=m.confirmed_at))
                   for m in (slot.current for slot in old.slots) if m is not None]
        session.add_all(copy for _, copy in carried)
        session.flush()
        for original, copy in carried:
            if not update_if(session, Measurement, original, Measurement.superseded_by_id.is_(None),
                             {"superseded_by_id": None}, {"superseded_by_id": copy.id}):
                raise Conflict(f"Someone else started a correction of the record of {old.item_code} a moment "
                               "ago; nothing of yours was saved. Open the newest version.")
        session.add(AuditEvent(**event_row(actor, CORRECT_EVENT, table=RECORDS_TABLE, row_id=str(new_id),
                                           new={"corrects": str(record_id)}, reason=reason)))
        session.flush()
        return read_form(session, new_id)


def content_sha256(form: RecordForm) -> str:
    """SHA-256 of the signed content in a canonical JSON form: the item, the plan revision (and a lot's own
    sample size), each characteristic with its limits and defect codes, and every reading (re-measured ones too,
    which replaced which, and who confirmed a failed one and when)."""
    own = {m.id for m in form.measurements}
    readings: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for m in form.measurements:
        reading = {
            "id": str(m.id), "value": m.value, "passed": m.passed, "defect_code": m.defect_code,
            "gauge": str(m.equipment_id) if m.equipment_id else None,
            "measured_at": m.measured_at.astimezone(UTC).isoformat(),
            # Within the record only: a later correction links these readings onward without changing them.
            "replaced_by": str(m.superseded_by_id) if m.superseded_by_id in own else None}
        if m.confirmed_at is not None:  # who vouched for a failed value, and when (by id: names may change)
            reading["confirmed"] = {"by": str(m.confirmed_by_id),
                                    "at": m.confirmed_at.astimezone(UTC).isoformat()}
        readings[m.characteristic_id].append(reading)
    plan = form.plan
    characteristics = []
    for c in plan.characteristics:
        entry = {"id": str(c.id), "seq": c.seq, "name": c.name, "kind": c.kind.value,
                 "classification": c.classification.value, "nominal": c.nominal, "lower_limit": c.lower_limit,
                 "upper_limit": c.upper_limit, "unit": c.unit, "decimals": c.decimals, "gauge_type": c.gauge_type,
                 "readings": readings[c.id]}
        # Keys that came with schema 0003 are left out when empty, so records signed before still verify.
        if c.defect_codes:
            entry["defect_codes"] = [[d.code, d.description] for d in c.defect_codes]
        characteristics.append(entry)
    content = {
        "record": str(form.id), "item": {"id": str(form.item_id), "code": form.item_code},
        "plan": {"id": str(plan.id), "part_number": plan.part_number, "part_revision": plan.part_revision,
                 "plan_type": plan.plan_type.value, "operation": plan.operation_seq, "revision": plan.revision,
                 "sample_size": plan.sample_size},
        "characteristics": characteristics}
    if form.sample_size != plan.sample_size:  # a lot's sample by its size
        content["sample_size"] = form.sample_size
    # Floats are written by repr, the shortest text that reads back as the same double on either database.
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify(form: RecordForm) -> bool:
    """True when the record is signed and its content still matches every signature's hash."""
    digest = content_sha256(form)
    return bool(form.signatures) and all(s.content_sha256 == digest for s in form.signatures)


def _reauthenticate(factory: sessionmaker[Session], actor: Actor, password: str) -> Actor:
    """The signer as the database knows them now (role included), if the password is theirs."""
    if actor.user_id is None:
        raise PermissionDenied("Only a person can sign: log in with your own user name.")
    try:
        return authenticate(factory, actor.username, password)
    except AuthenticationFailed:
        raise AuthenticationFailed(f"That is not the password of {actor.full_name or actor.username}; nothing "
                                   "was signed. Check Caps Lock and the keyboard layout, then enter it "
                                   "again.") from None


def _sign(session: Session, signer: Actor, form: RecordForm, meaning: Meaning) -> Signature:
    assert signer.user_id is not None  # _reauthenticate returns people only
    signature = Signature(form.id, signer.user_id, signer.username, signer.full_name or signer.username, meaning,
                          database_now(session), content_sha256(form))
    session.add(AuditEvent(**event_row(signer, SIGN_EVENT, table=RECORDS_TABLE, row_id=str(form.id),
                                       new=signature.manifest())))
    return signature


def _missing(form: RecordForm) -> str:
    return _names(form.missing)


def _names(slots: tuple[Slot, ...]) -> str:
    counts = Counter(slot.characteristic.name for slot in slots)
    return ", ".join(f"{name} (×{count})" if count > 1 else name for name, count in counts.items())
