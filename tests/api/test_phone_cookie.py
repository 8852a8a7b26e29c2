"""The phone page keeps its token in a cookie: HttpOnly and SameSite=strict always, and Secure whenever the
page was reached over HTTPS (uvicorn serving TLS itself, or a loopback reverse proxy saying so), so a browser
never sends the token over plain HTTP."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.api.deps import COOKIE
from tests.api.conftest import LiveServer


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, as an administrator would give api.tls_cert/api.tls_key."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "api.pem", folder / "api.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
def tls_url(api, certificate) -> Iterator[str]:
    cert_file, key_file = certificate
    server = LiveServer(api.factory, ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)).start()
    try:
        yield server.url
    finally:
        server.stop()


def _cookie_attributes(response: httpx.Response) -> tuple[str, set[str]]:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")]
    value, *attributes = header.split(";")
    return value.split("=", 1)[1], {a.strip().lower() for a in attributes}


def _logins(url: str, secret: str, **client: object) -> list[httpx.Response]:
    """The two ways the page keeps a token: the form after a bare QR link, and a QR link carrying ?token=."""
    with httpx.Client(base_url=url, timeout=30, **client) as http:  # type: ignore[arg-type]
        form = http.post("/m/login", data={"token": secret, "next": "/m"})
        http.cookies.clear()
        link = http.get("/m", params={"token": secret})
    assert form.status_code == 303 and link.status_code == 200, (form.text, link.text)
    return [form, link]


def test_over_plain_http_the_cookie_is_httponly_and_strict(api):
    for response in _logins(api.url, api.tokens["reader"]):
        value, attributes = _cookie_attributes(response)
        assert value == api.tokens["reader"]
        assert {"httponly", "samesite=strict"} <= attributes and "secure" not in attributes


def test_behind_a_loopback_proxy_that_says_https_the_cookie_is_secure(api):
    proxied = {"headers": {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}}
    for response in _logins(api.url, api.tokens["reader"], **proxied):
        value, attributes = _cookie_attributes(response)
        assert value == api.tokens["reader"]
        assert {"httponly", "samesite=strict", "secure"} <= attributes


def test_when_threadline_serves_tls_itself_the_cookie_is_secure(api, tls_url, certificate):
    assert tls_url.startswith("https://")
    trusted = ssl.create_default_context(cafile=certificate[0])
    for response in _logins(tls_url, api.tokens["reader"], verify=trusted):
        value, attributes = _cookie_attributes(response)
        assert value == api.tokens["reader"]
        assert {"httponly", "samesite=strict", "secure"} <= attributes
