"""Issue 14's journeys: records entered and corrected in the portal, from sign-in to the saved
record and back, in a real browser on demo-like data."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from influencers.models import Influencer
from locales.models import GovernmentCommitment
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


def test_operator_adds_an_influencer_with_two_accounts(page, demo):
    sign_in(page, "dewi")
    page.get_by_role("link", name="Influencers", exact=True).click()
    page.get_by_role("link", name="New influencer").click()
    page.locator("#id_name").fill("Rara Sekar")
    page.get_by_label("Kind").select_option("creator")
    page.get_by_label("City").fill("Bandung")
    page.locator("[name='accounts-0-platform']").select_option("tiktok")
    # A handle that exists in the operator's country: a warning as it is typed, with a link.
    page.locator("[name='accounts-0-handle']").press_sequentially("kaykaisalaider", delay=20)
    warning = page.locator("#accounts-0-dup")
    expect(warning).to_contain_text("This handle already exists")
    expect(warning.get_by_role("link", name="Kaykai Salaider")).to_be_visible()
    shoot(page, "influencer-new")
    page.locator("[name='accounts-0-handle']").fill("rarasekar")
    page.locator("[name='accounts-1-platform']").select_option("youtube")
    page.locator("[name='accounts-1-handle']").fill("@rarasekar.yt")
    page.get_by_role("button", name="Add influencer").click()

    expect(page.get_by_role("heading", name="Rara Sekar")).to_be_visible()
    expect(page.get_by_text("Rara Sekar added.")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("@rarasekar")
    expect(page.locator("table").first).to_contain_text("@rarasekar.yt")
    rara = Influencer.objects.get(name="Rara Sekar")
    assert rara.accounts.count() == 2
    assert rara.history.first().history_door == Door.PORTAL

    # Type a follower count on one account, then back to the list.
    page.get_by_role("link", name=re.compile("Type followers of TikTok @rarasekar$")).click()
    page.get_by_label("Followers").fill("12500")
    shoot(page, "followers-typed")
    page.get_by_role("button", name="Save follower count").click()
    expect(page.get_by_text("Follower count saved.")).to_be_visible()
    rara.refresh_from_db()
    assert rara.total_followers == 12_500
    page.get_by_role("link", name="Influencers").first.click()
    expect(page.get_by_role("link", name="Rara Sekar")).to_be_visible()
    assert page.console_errors == []


def test_operator_types_todays_views_and_corrects_them(page, demo):
    sign_in(page, "dewi")
    page.get_by_role("link", name="Challenges", exact=True).click()
    page.get_by_role("link", name="#MultiFrame").click()
    numbers = page.locator("#numbers")
    numbers.get_by_label("Views").fill("54000000")
    numbers.get_by_label("Videos").fill("181000")
    shoot(page, "challenge-numbers")
    numbers.get_by_role("button", name="Save numbers").click()
    expect(page.get_by_text("Numbers saved.")).to_be_visible()
    first_row = page.locator("#numbers tbody tr").first
    expect(first_row).to_contain_text("54,000,000")
    expect(first_row).to_contain_text("Typed by hand")

    first_row.get_by_role("link", name=re.compile("Correct")).click()
    expect(page.get_by_role("heading", name=re.compile("Correct the numbers"))).to_be_visible()
    page.get_by_label("Views").fill("54500000")
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("Numbers corrected.")).to_be_visible()
    expect(page.locator("#numbers tbody tr").first).to_contain_text("54,500,000")
    demo["frame"].refresh_from_db()
    assert demo["frame"].views == 54_500_000
    # The correction's page keeps the number it replaced.
    page.locator("#numbers tbody tr").first.get_by_role("link", name=re.compile("Correct")).click()
    history = page.locator(".record-history")
    expect(history).to_contain_text("54,000,000")  # the old number, formatted for reading
    expect(history).to_contain_text("(in the portal)")
    shoot(page, "snapshot-correct")
    page.get_by_role("link", name="#MultiFrame").click()
    expect(page.get_by_role("heading", name=re.compile("#MultiFrame"))).to_be_visible()
    assert page.console_errors == []


def test_operator_adds_an_event_task_and_a_guest(page, demo):
    guestless = Influencer.objects.filter(country=demo["indonesia"]).exclude(event_guests__event=demo["dwp"]).first()
    sign_in(page, "dewi")
    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name="Djakarta Warehouse Project").click()
    page.locator("#id_task-title").fill("Brief the booth hosts")
    page.get_by_label("Assignee").select_option(str(demo["users"]["lead"].pk))
    page.get_by_label("Due on").fill("2030-01-10")
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_text("Task added.")).to_be_visible()
    expect(page.locator(".checklist")).to_contain_text("Brief the booth hosts")
    task = demo["dwp"].tasks.get(title="Brief the booth hosts")
    assert task.assignee == demo["users"]["lead"]

    page.locator("#id_guest-influencer").select_option(str(guestless.pk))
    page.get_by_role("button", name="Add guest").click()
    expect(page.get_by_text("Guest added.")).to_be_visible()
    row = page.locator("tr", has_text=guestless.name)
    expect(row).to_be_visible()
    row.get_by_role("combobox").select_option("confirmed")
    with page.expect_response(re.compile(r"/events/guests/\d+/status/$")):
        row.get_by_role("button", name="Save").click()
    expect(page.locator("tr", has_text=guestless.name).locator("select")).to_have_value("confirmed")
    assert demo["dwp"].guests.get(influencer=guestless).status == "confirmed"
    shoot(page, "event-detail")
    page.get_by_role("link", name="Events").first.click()
    expect(page.get_by_role("link", name="Djakarta Warehouse Project")).to_be_visible()
    assert page.console_errors == []


def test_gr_officer_adds_a_commitment_to_an_incident(page, demo):
    sign_in(page, "sari")
    page.get_by_role("link", name="Government").click()
    page.get_by_role("link", name="All incidents").click()
    page.get_by_role("link", name="2018 temporary ban").click()
    page.get_by_role("link", name="Add a commitment").click()
    page.get_by_label("What was promised").fill("A local moderation team reviews flagged videos within 24 hours.")
    page.get_by_label("Made to").select_option(str(demo["minister"].pk))
    page.get_by_label("Due on").fill("2018-07-08")
    shoot(page, "commitment-new")
    page.get_by_role("button", name="Add commitment").click()

    expect(page.get_by_role("heading", name=re.compile("2018 temporary ban"))).to_be_visible()
    items = page.locator(".timeline li")
    expect(items.nth(2)).to_contain_text("A local moderation team reviews flagged videos")
    expect(items.nth(2)).to_contain_text("due 8 Jul 2018")
    expect(items.nth(3)).to_contain_text("Resolved")  # at its own date: before the resolution
    commitment = GovernmentCommitment.objects.get()
    assert commitment.incident == demo["ban"] and commitment.history.first().history_door == Door.PORTAL
    shoot(page, "incident-timeline")
    page.get_by_role("link", name="Incidents").first.click()
    expect(page.get_by_role("link", name="2018 temporary ban")).to_be_visible()
    assert page.console_errors == []


def test_hq_viewer_reads_the_overview_and_opens_a_country(page, demo):
    sign_in(page, "hq")
    expect(page.get_by_role("heading", name="All countries")).to_be_visible()
    table = page.locator("table.hq-overview")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("Indonesia")  # most views this week first
    expect(table).not_to_contain_text("Open incidents")
    table.get_by_role("link", name=re.compile("Country")).click()
    expect(page.locator("table.hq-overview th[aria-sort='ascending']")).to_contain_text("Country")
    shoot(page, "hq-overview")
    page.locator("table.hq-overview").get_by_role("button", name="Indonesia").click()
    expect(page.get_by_role("heading", name="Indonesia today")).to_be_visible()
    expect(page.get_by_role("link", name="#MultiFrame")).to_be_visible()
    page.get_by_role("link", name="All countries").click()
    expect(page.get_by_role("heading", name="All countries")).to_be_visible()
    assert page.console_errors == []


def test_screens_for_leads_and_gr(page, demo):
    """Not a journey: the remaining new screens, rendered without errors (and photographed)."""
    sign_in(page, "budi")
    for name, url in (
        ("moments", "/moments/"),
        ("moment-new", "/moments/new/"),
        ("contact-new", "/government/contacts/new/"),
        ("incident-edit", f"/government/incidents/{demo['ban'].pk}/edit/"),
        ("influencer-edit", f"/influencers/{demo['kaykai'].pk}/edit/"),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        shoot(page, name)
    page.goto("/moments/new/")
    page.locator("#id_name").fill("Lebaran")  # exists already
    page.locator("[name='occurrences-0-year']").fill("2026")
    page.locator("[name='occurrences-0-starts_on']").fill("2026-03-20")
    page.locator("[name='occurrences-0-ends_on']").fill("2026-03-01")
    page.get_by_role("button", name="Add moment").click()
    expect(page.locator(".has-error").first).to_contain_text("The end cannot be before the start.")
    shoot(page, "moment-errors")
    # The name taken is the service's refusal (every door's), once the form itself is right.
    page.locator("[name='occurrences-0-ends_on']").fill("2026-03-21")
    page.get_by_role("button", name="Add moment").click()
    expect(page.locator(".has-error").first).to_contain_text("already has a cultural moment")
    assert page.console_errors == []


def test_lead_hands_a_leavers_records_to_a_colleague(page, demo):
    from events.models import EventTask

    dewi, budi = demo["users"]["operator"], demo["users"]["lead"]
    held = Influencer.objects.filter(relationship_owner=dewi).count()
    assert held and EventTask.objects.filter(assignee=dewi, done_at__isnull=True).exists()
    sign_in(page, "budi")
    page.get_by_role("link", name="Handover packs").click()
    page.get_by_role("link", name="Hand over a leaver's work").click()
    expect(page.locator("table")).to_contain_text("Dewi Lestari")
    page.get_by_label("Person leaving").select_option(str(dewi.pk))
    page.get_by_label("Colleague taking over").select_option(str(budi.pk))
    shoot(page, "handover-reassign")
    page.get_by_role("button", name="Hand over").click()

    expect(page.get_by_text(re.compile(rf"Handed over to Budi Santoso: {held} influencers"))).to_be_visible()
    assert not Influencer.objects.filter(relationship_owner=dewi).exists()
    assert not EventTask.objects.filter(assignee=dewi, done_at__isnull=True).exists()
    kaykai = Influencer.objects.get(pk=demo["kaykai"].pk)
    assert kaykai.history.first().history_door == Door.PORTAL
    page.goto(f"/influencers/{kaykai.pk}/")
    expect(page.locator("dl")).to_contain_text("Budi Santoso")
    assert page.console_errors == []
