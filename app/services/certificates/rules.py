"""When a certificate may not be issued, and the sentence that says why: held, quarantined or scrapped items,
open nonconformances anywhere in the genealogy, and a 3.1 validator who is not independent of the work."""

from __future__ import annotations

import uuid

from app.models import ItemStatus, NonconformanceStatus, Role
from app.models.certificates import CertificateType
from app.services.certificates.facts import CertificateFacts
from app.services.errors import DomainError, ValidationError
from app.services.permissions import Actor

# EN 10204 3.1: validated by the manufacturer's authorised inspection representative.
INSPECTION_REPRESENTATIVES = {Role.INSPECTOR, Role.QUALITY_ENGINEER}
_NOT_DELIVERABLE = {ItemStatus.ON_HOLD.value, ItemStatus.QUARANTINED.value, ItemStatus.SCRAPPED.value}


class CertificateRefused(DomainError):
    pass


def _listing(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def check_issuable(facts: CertificateFacts, statuses: dict[uuid.UUID, str]) -> None:
    blocked = [f"{i.kind.lower()} {i.code} ({i.status.replace('_', ' ')})" for i in facts.items
               if i.status in _NOT_DELIVERABLE]
    if blocked:
        raise CertificateRefused(
            f"No certificate can be issued: {_listing(blocked)} may not be delivered. Release the items "
            "(or disposition their nonconformance) first, then issue the certificate again.")
    delivered = {i.id for i in facts.items}
    held_components = [item_id for item_id, status in statuses.items()
                       if item_id not in delivered and status == ItemStatus.ON_HOLD.value]
    open_ncrs = [n for n in facts.ncrs if n.status == NonconformanceStatus.OPEN.value]
    if open_ncrs:
        named = [f"{n.number} on {_listing(list(n.item_codes), 3)}" for n in open_ncrs]
        raise CertificateRefused(
            f"No certificate can be issued while a nonconformance is open: {_listing(named)}. A quality "
            "engineer must disposition it first (`threadline ncr disposition`).")
    if held_components:
        raise CertificateRefused(
            f"No certificate can be issued: {len(held_components)} component(s) in the genealogy are on hold. "
            "Trace the item to see which, and release them first.")


def check_validator(facts: CertificateFacts, validator: Actor | None) -> None:
    """A 3.1 certificate needs an inspection representative who did none of the manufacturing steps."""
    if facts.cert_type is not CertificateType.EN10204_31:
        return
    if validator is None:
        raise ValidationError("A 3.1 inspection certificate must be validated by an authorised inspection "
                              "representative (an inspector or quality engineer): name one.")
    name = validator.full_name or validator.username
    if validator.role not in INSPECTION_REPRESENTATIVES:
        role = validator.role.label.lower() if validator.role else "system"
        raise CertificateRefused(f"{name} ({role}) may not validate a 3.1 inspection certificate: only an "
                                 "inspector or a quality engineer is an authorised inspection representative.")
    worked = [f"{s.operation} on {s.item_code}" for s in facts.steps if s.operator_id == validator.user_id]
    if worked:
        raise CertificateRefused(
            f"{name} cannot validate this 3.1 certificate: they were the operator of {_listing(worked, 3)}, and "
            "EN 10204 requires the inspection representative to be independent of manufacturing. Ask another "
            "inspector or quality engineer.")
    delivered = {i.id for i in facts.items}
    tested = {r.item_id for r in facts.results}
    untested = [i.code for i in facts.items if i.id not in tested]
    if delivered and untested:
        raise CertificateRefused(
            f"A 3.1 certificate states specific test results of the delivered products, but {_listing(untested)} "
            "have none on record. Inspect them first, or issue a certificate of conformance instead.")
