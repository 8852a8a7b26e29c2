"""EPC memory to identifiers: GS1 encodings (SGTIN-96 and others) through epcpy, anything else as raw hex."""

from __future__ import annotations

import logging
from functools import lru_cache

from epcpy import ConvertException, hex_to_tag_encodable
from epcpy.epc_schemes import SGTIN
from epcpy.utils.common import replace_uri_escapes

from app.devices.events import Tag

log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)  # a tag on the reader is seen many times a second; decode it once
def describe_epc(epc_hex: str) -> Tag:
    """The tag for an EPC in hex. Non-GS1 EPCs (TIDs, custom encodings) are identifiers too: raw hex."""
    epc_hex = epc_hex.upper()
    if not epc_hex:
        return Tag(epc=epc_hex)
    try:
        scheme = hex_to_tag_encodable(epc_hex)
    except (ConvertException, ValueError) as exc:
        log.debug("EPC %s is not a GS1 encoding (%s); kept as raw hex", epc_hex, exc)
        return Tag(epc=epc_hex)
    if isinstance(scheme, SGTIN):
        # urn:epc:id:sgtin:CompanyPrefix.ItemRef.Serial — the serial may itself hold dots
        serial = replace_uri_escapes(scheme.epc_uri.split(":", 4)[4].split(".", 2)[2])
        return Tag(epc=epc_hex, uri=scheme.epc_uri, gtin=scheme.gtin(), serial=serial)
    return Tag(epc=epc_hex, uri=scheme.epc_uri)
