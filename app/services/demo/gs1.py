"""GS1 numbers the demo prints on its goods: GTIN-14, SSCC-18 (both with check digits) and SGTIN-96 EPCs."""

from __future__ import annotations

# Company-prefix digits → (partition value, prefix bits, item-reference bits), GS1 TDS table 14-2.
_SGTIN_PARTITIONS = {12: (0, 40, 4), 11: (1, 37, 7), 10: (2, 34, 10), 9: (3, 30, 14),
                     8: (4, 27, 17), 7: (5, 24, 20), 6: (6, 20, 24)}
_SGTIN96_HEADER = 0x30
_SERIAL_BITS = 38


def check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit: weights 3, 1, 3 … from the right-most digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


def gtin14(company_prefix: str, item_reference: str, indicator: str = "0") -> str:
    body = indicator + company_prefix + item_reference
    if len(body) != 13 or not body.isdigit():
        raise ValueError("a GTIN-14 needs indicator, company prefix and item reference of 13 digits together")
    return body + check_digit(body)


def sscc(extension: str, company_prefix: str, serial_reference: int) -> str:
    width = 16 - len(company_prefix)
    if serial_reference >= 10 ** width:
        raise ValueError(f"serial reference {serial_reference} does not fit in {width} digits")
    body = f"{extension}{company_prefix}{serial_reference:0{width}d}"
    return body + check_digit(body)


def sgtin96(gtin: str, serial: int, *, company_prefix_digits: int, filter_value: int = 1) -> str:
    """The 24 hex digits of an SGTIN-96 EPC for `gtin` (14 digits) and a numeric serial."""
    partition, prefix_bits, item_bits = _SGTIN_PARTITIONS[company_prefix_digits]
    if serial >= 1 << _SERIAL_BITS:
        raise ValueError(f"serial {serial} does not fit in an SGTIN-96")
    company_prefix = int(gtin[1:1 + company_prefix_digits])
    item_reference = int(gtin[0] + gtin[1 + company_prefix_digits:13])  # indicator digit leads
    value = _SGTIN96_HEADER
    for field, bits in ((filter_value, 3), (partition, 3), (company_prefix, prefix_bits),
                        (item_reference, item_bits), (serial, _SERIAL_BITS)):
        value = (value << bits) | field
    return f"{value:024X}"
