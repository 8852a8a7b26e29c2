"""The phone trace page in headless Chromium at 360×740: the token entered once, the item summary, the
genealogy opened level by level, and the scope limits. Debian's /usr/bin/chromium, driven by playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.station.conftest import Plant

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on this machine "
                                "(apt-get install chromium): the phone page cannot be rendered")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_the_trace_renders_on_a_phone(api, phone, tmp_path):
    a = api.actors
    plant = Plant(api.factory, a["op"], a["op2"], a["sup"], a["insp"], a["adm"])
    body = plant.finished_bodies(1)[0]
    page = phone
    # A QR code carries only the item URL: the first visit asks for the token, then a cookie keeps it.
    page.goto(f"{api.url}/m/item/{body}")
    assert "token is missing" in page.locator(".message").inner_text()
    page.fill("#token", api.tokens["reader"])
    page.click("button[type=submit]")
    page.wait_for_selector("#summary h1")
    assert page.url.endswith(f"/m/item/{body}")
    assert page.locator("#summary h1").inner_text() == body
    assert "Valve body" in page.locator("#summary").inner_text()
    # The genealogy: the body, and under it the bar lot it was sawn from, shown once expanded.
    tree = page.locator("#genealogy")
    bar = tree.locator(".leaf").first
    assert not bar.is_visible()
    tree.locator("summary").first.click()
    assert bar.is_visible() and "BAR-40" in bar.inner_text() and "heat H-1" in bar.inner_text()
    assert "may not show certificates" in page.locator("#certificates").inner_text()  # reader lacks the scope
    # Nothing overflows a 360 px screen sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(tmp_path / "mobile-trace.png"), full_page=True)
    assert (tmp_path / "mobile-trace.png").stat().st_size > 10_000
    # The search box finds the next label typed in; a certificate page needs its own scope.
    page.fill("input[name=q]", "H-1")
    page.click("form.search button")
    page.wait_for_selector("main section h1")
    assert "H-1" in page.locator("main section h1").inner_text()
    page.locator("main li a").first.click()  # the bar lot of heat H-1
    page.wait_for_selector("#summary h1")
    summary = page.locator("#summary").inner_text()
    assert "Round bar" in summary and "H-1" in summary
    response = page.goto(f"{api.url}/m/certificate/C-26-00001")
    assert response is not None and response.status == 403
    assert "lacks read:certificates" in page.locator(".message").inner_text()


def test_a_qr_link_with_a_token_opens_the_page_and_a_certificate_is_looked_up(api, phone):
    page = phone
    response = page.goto(f"{api.url}/m/certificate/C-26-404?token={api.tokens['erp']}")
    assert response is not None and response.status == 404
    assert "No certificate C-26-404 was issued" in page.locator(".message").inner_text()
    response = page.goto(f"{api.url}/m")  # the cookie now carries the token
    assert response is not None and response.status == 200
    assert page.locator("input[name=q]").is_visible()
