"""Issue 17's regulator requests in a real browser: a government-relations officer logs a
takedown request, adds the items it names and answers it; the lead sees the on-time rate; an
operator never finds the page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from locales.models import RegulatorRequest, StaffProfile
from opsportal.db import Door
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("OPSPORTAL_FORM_SHOTS")  # a folder: screenshots of the new screens go there


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _context_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    other = context.new_page()
    other.set_default_timeout(15_000)
    return context, other


def test_gr_officer_logs_a_takedown_adds_items_and_answers_it(page, demo, browser, live_server):
    sign_in(page, "sari")
    page.get_by_role("link", name="Government").click()
    page.get_by_role("link", name="Regulator requests").first.click()
    expect(page.get_by_role("heading", name=re.compile("Regulator requests"))).to_be_visible()
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Kind").select_option("takedown")
    page.get_by_label("From").fill("Kominfo, Directorate of Informatics Application Control")
    page.get_by_label("Channel").select_option("letter")
    page.get_by_label("Reference").fill("KOMINFO/TD/0703")
    page.get_by_label("Handled by").select_option(str(demo["users"]["gr"].pk))
    page.get_by_label("Incident").select_option(str(demo["ban"].pk))
    shoot(page, "request-new")
    page.get_by_role("button", name="Log request").click()

    expect(page.get_by_role("heading", name=re.compile("Content takedown"))).to_be_visible()
    expect(page.locator(".countdown")).to_contain_text("due in 1")  # 48 hours: "due in 1 day, 23 hours"
    record = RegulatorRequest.objects.get()
    assert (record.deadline - record.received_at).total_seconds() == 48 * 3600
    assert record.history.first().history_door == Door.PORTAL

    for target, action in (
        ("https://www.example.com/@prank.id/video/1", "removed"),
        ("@prank.id", "restricted"),
    ):
        page.locator("[name='item-target']").fill(target)
        page.locator("[name='item-action']").select_option(action)
        page.get_by_role("button", name="Add item").click()
        expect(page.get_by_role("cell", name=target, exact=True)).to_be_visible()
    expect(page.locator("#items-h + .table-wrap tbody tr")).to_have_count(2)
    shoot(page, "request-page")
    page.get_by_role("button", name="Mark as Answered").click()
    expect(page.locator("h1 .badge")).to_have_text("Answered")
    expect(page.locator("dl.facts")).to_contain_text("on time")
    record.refresh_from_db()
    assert record.status == "answered" and record.on_time is True
    page.get_by_role("link", name="Regulator requests").first.click()
    expect(page.locator("table.responsive-table")).to_contain_text("answered on time")
    shoot(page, "requests-list")
    assert page.console_errors == []

    # The lead sees the on-time rate on the government page and on the dashboard.
    context, lead = _context_page(browser, live_server)
    sign_in(lead, "budi")
    expect(lead.locator("#government").locator("..")).to_contain_text("100 % answered on time")
    lead.get_by_role("link", name="Government").click()
    expect(lead.locator("dl.stats")).to_contain_text("100")
    shoot(lead, "government-lead")
    context.close()

    # An operator never finds it: no link, and the addresses do not exist for them.
    context, operator = _context_page(browser, live_server)
    sign_in(operator, "dewi")
    expect(operator.get_by_role("link", name="Regulator requests")).to_have_count(0)
    for url in ("/government/requests/", f"/government/requests/{record.pk}/"):
        assert operator.goto(url).status == 404
    shoot(operator, "requests-operator")
    context.close()


def test_request_screens_in_indonesian(page, demo):
    """The new screens in the team's language, photographed at both widths."""
    StaffProfile.objects.filter(user=demo["users"]["lead"]).update(preferred_language="id")
    from tests import factories as f

    record = f.RegulatorRequestFactory(
        country=demo["ban"].country, incident=demo["ban"], authority="Kominfo", handler=demo["users"]["gr"]
    )
    f.RequestItemFactory(request=record, target="https://www.example.com/@prank.id/video/1", action="removed")
    sign_in(page, "budi")
    for name, url in (
        ("requests-id", "/government/requests/"),
        ("request-id", f"/government/requests/{record.pk}/"),
        ("request-edit-id", f"/government/requests/{record.pk}/edit/"),
        ("government-id", "/government/"),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        body = page.locator("main").inner_text()
        assert "None" not in body, url
        shoot(page, name)
    assert page.console_errors == []
