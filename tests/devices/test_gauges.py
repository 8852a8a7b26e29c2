"""Gauge replies: values, units, tolerance flags, error replies as sentences, banners ignored."""

from __future__ import annotations

import pytest

from app.devices.errors import FrameRejected
from app.devices.events import DeviceFault, Measurement
from app.devices.gauges import MahrDecoder, MitutoyoDecoder, SylvacDecoder

mitutoyo, sylvac, mahr = MitutoyoDecoder(), SylvacDecoder(), MahrDecoder()


@pytest.mark.parametrize(("decoder", "payload", "reading"), [
    (mitutoyo, b"01A+0000.123", Measurement(0.123, "mm", channel=1)),
    (mitutoyo, b"03A-0012.500", Measurement(-12.5, "mm", channel=3)),
    (MitutoyoDecoder(unit="in"), b"01A+00.04850", Measurement(0.0485, "in", channel=1)),
    (sylvac, b"+012.345", Measurement(12.345, "mm")),
    (sylvac, b"-000.010<", Measurement(-0.01, "mm", tolerance="below")),
    (sylvac, b"+012.345=", Measurement(12.345, "mm", tolerance="within")),
    (sylvac, b"+012.399>", Measurement(12.399, "mm", tolerance="above")),
    (mahr, b"+001.234mm", Measurement(1.234, "mm")),
    (mahr, b"-0012.5 \xb5m", Measurement(-12.5, "µm")),
    (mahr, b"0.0485in", Measurement(0.0485, "in")),
])
def test_readings(decoder, payload, reading):
    assert decoder(payload) == [reading]


@pytest.mark.parametrize(("decoder", "payload", "code"), [
    (mitutoyo, b"91", "91"), (sylvac, b"ERR0", "0"), (sylvac, b"ERR3", "3"),
])
def test_error_replies_are_device_errors_with_a_sentence(decoder, payload, code):
    [fault] = decoder(payload)
    assert isinstance(fault, DeviceFault) and fault.code == code
    assert fault.message.startswith("The ") and "take the reading again" in fault.message


@pytest.mark.parametrize(("decoder", "payload"), [
    (sylvac, b"SY289 OPTO-RS V1.05"), (mahr, b"MAHR GMBH,C1208"),
])
def test_banners_and_identities_are_not_readings(decoder, payload):
    assert decoder(payload) == []


@pytest.mark.parametrize(("decoder", "payload"), [
    (mitutoyo, b"01A0000.123"), (mitutoyo, b"01A+0000.1201A+0000.123"), (mitutoyo, b"9!"),
    (sylvac, b"12.345"), (sylvac, b"+012.3+012.345"), (sylvac, b"+\xff12"), (sylvac, b"+\xd9\xa1"),
    (mahr, b"+001.234"), (mahr, b"+001.234kg"),
])
def test_anything_else_is_refused(decoder, payload):
    with pytest.raises(FrameRejected):
        decoder(payload)
