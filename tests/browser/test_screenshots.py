"""Screenshots for the README: run by scripts/screenshots.py (skipped in normal test runs)."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("OPSPORTAL_SCREENSHOTS") != "1", reason="run by scripts/screenshots.py"),
]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_screenshots(browser, live_server, demo):
    OUT.mkdir(parents=True, exist_ok=True)
    shots = [
        ("dashboard", "/"),
        ("challenge", f"/challenges/{demo['frame'].pk}/"),
        ("influencer", f"/influencers/{demo['kaykai'].pk}/"),
        ("board", "/influencers/board/"),
        ("event", f"/events/{demo['dwp'].pk}/"),
        ("calendar", "/calendar/"),
    ]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "budi")
    for name, path in shots:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    context.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server.url, device_scale_factor=2)
    page = phone.new_page()
    sign_in(page, "budi")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / "dashboard-375.png"), full_page=True)
    phone.close()
