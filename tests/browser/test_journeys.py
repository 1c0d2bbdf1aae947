"""The journeys of the portal issue, in a real browser on demo-like data."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_operator_day(page, demo):
    """Sign in, read the dashboard, create a challenge, move a card, log outreach, tick a task."""
    sign_in(page, "dewi")
    expect(page.get_by_role("heading", name="Indonesia today")).to_be_visible()
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    expect(page.get_by_role("link", name="#MultiFrame")).to_be_visible()
    expect(page.locator("nav#main-nav")).not_to_contain_text("Government")

    # Create a challenge; a first try with the end before the start keeps the input and shows the error.
    page.get_by_role("link", name="Challenges", exact=True).click()
    page.get_by_role("link", name="New challenge").click()
    page.get_by_label("Hashtag").fill("#GoyangLebaran")
    page.get_by_label("Title").fill("Lebaran dance")
    page.get_by_label("Format").select_option("dance")
    page.get_by_label("Status").select_option("planned")
    page.get_by_label("Starts").fill("2030-04-01T10:00")
    page.get_by_label("Ends").fill("2030-03-01T10:00")
    page.get_by_role("button", name="Create challenge").click()
    expect(page.locator(".has-error")).to_contain_text("The end cannot be before the start.")
    expect(page.get_by_label("Title")).to_have_value("Lebaran dance")
    page.get_by_label("Ends").fill("2030-04-14T22:00")
    page.get_by_role("button", name="Create challenge").click()
    expect(page.get_by_role("heading", name=re.compile("#GoyangLebaran"))).to_be_visible()
    expect(page.get_by_text("Challenge #GoyangLebaran created.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("1 Apr 2030 10:00 WIB")

    # Move Nate & Mee from contacted to onboarded on the board: one click, no page load.
    page.get_by_role("link", name="Pipeline").click()
    card = page.locator(".board-card", has_text="Nate & Mee")
    expect(
        page.locator("section.column", has=page.get_by_role("heading", name=re.compile("^Contacted")))
    ).to_contain_text("Nate & Mee")
    card.get_by_role("button", name="Move to Onboarded").click()
    onboarded = page.locator("section.column", has=page.get_by_role("heading", name=re.compile("^Onboarded")))
    expect(onboarded).to_contain_text("Nate & Mee")
    demo["nate"].refresh_from_db()
    assert demo["nate"].stage == "onboarded"

    # Log an outreach with a follow-up date, inline.
    page.goto(f"/influencers/{demo['nate'].pk}/")
    follow_up = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    page.get_by_label("Kind").select_option("call")
    page.get_by_label("Summary").fill("Called about the DWP backstage session.")
    page.get_by_label("Next follow-up").fill(follow_up)
    page.get_by_role("button", name="Log outreach").click()
    outreach = page.locator("#outreach")
    expect(outreach).to_contain_text("Outreach logged.")
    expect(outreach).to_contain_text("Called about the DWP backstage session.")
    assert demo["nate"].interactions.filter(next_follow_up_on=follow_up).exists()

    # Tick an event task in place.
    page.goto(f"/events/{demo['dwp'].pk}/")
    task = page.locator(".checklist li", has_text="Confirm the creators' backstage passes")
    task.get_by_role("button", name=re.compile("as done")).click()
    expect(page.locator(".checklist li.done", has_text="Confirm the creators' backstage passes")).to_be_visible()
    assert demo["dwp"].tasks.get(title__startswith="Confirm").done_at is not None
    assert page.console_errors == []


def test_government_officer_logs_meeting_on_2018_incident(page, demo):
    sign_in(page, "sari")
    page.get_by_role("link", name="Government").click()
    page.get_by_role("link", name="All incidents").click()
    page.get_by_role("link", name="2018 temporary ban").click()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Opened")
    expect(timeline).to_contain_text("Management met the Minister.")
    expect(timeline).to_contain_text("Resolved")
    page.get_by_label("Contact").select_option(label=str(demo["minister"]))
    page.get_by_label("Kind").select_option("meeting")
    page.get_by_label("When").fill("2018-07-05T09:30")
    page.get_by_label("Summary").fill("Follow-up meeting on content moderation.")
    page.get_by_label("Follow up on").fill("2018-07-12")
    page.get_by_role("button", name="Log interaction").click()
    expect(page.get_by_text("Interaction logged.")).to_be_visible()
    expect(timeline).to_contain_text("Follow-up meeting on content moderation.")
    expect(timeline).to_contain_text("5 Jul 2018 09:30 WIB")
    assert demo["ban"].interactions.count() == 2


def test_operator_typing_a_government_url_gets_404(page, demo):
    sign_in(page, "dewi")
    response = page.goto(f"/government/contacts/{demo['minister'].pk}/")
    assert response.status == 404
    response = page.goto("/government/")
    assert response.status == 404


def test_dashboard_on_a_phone_has_no_horizontal_scroll(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server.url)
    page = context.new_page()
    try:
        sign_in(page, "dewi")
        for path in ("/", "/influencers/board/", "/calendar/", f"/events/{demo['dwp'].pk}/", "/challenges/"):
            page.goto(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        # The menu opens from its button on a phone.
        page.goto("/")
        page.get_by_role("button", name="Menu").click()
        expect(page.get_by_role("link", name="Calendar", exact=True)).to_be_visible()
    finally:
        context.close()


def test_a_lists_filters_fold_on_a_phone_until_one_is_in_use(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server.url)
    page = context.new_page()
    try:
        sign_in(page, "dewi")
        page.goto("/challenges/")
        # The first challenge shows above the fold; the filters open from their summary.
        expect(page.get_by_role("button", name="Apply filters")).to_be_hidden()
        page.get_by_text("Filters", exact=True).click()
        page.get_by_label("Status").select_option("live")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**/challenges/?*status=live*")
        # In use, they stay open and say how many.
        expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
        expect(page.locator("details.filters summary")).to_contain_text("1 in use")
    finally:
        context.close()
    # On a wide screen they are open from the start.
    page = browser.new_page(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    try:
        sign_in(page, "dewi")
        page.goto("/challenges/")
        expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    finally:
        page.close()
