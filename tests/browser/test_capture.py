"""Quick capture at an event, on a phone (issue 14): from sign-in to the saved record and back,
with the network going away in between. The entry waits in the browser and arrives once."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from events.models import EventGuest
from influencers.models import Influencer, PlatformAccount
from opsportal.db import Door
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on(
        "console",
        lambda msg: (
            msg.type == "error" and "Failed to load resource" not in msg.text and page.console_errors.append(msg.text)
        ),
    )
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield context, page
    context.close()


def shoot(page, name: str) -> None:
    """Screenshots at a phone's and a laptop's width (OPSPORTAL_FORM_SHOTS names the folder)."""
    folder = Path(os.environ.get("OPSPORTAL_FORM_SHOTS") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def fill_walk_in(page, name: str, handle: str, followers: str) -> None:
    page.locator("#id_walkin-name").fill(name)
    page.get_by_label("Platform").select_option("tiktok")
    page.locator("#id_walkin-handle").fill(handle)
    page.get_by_label("Followers").fill(followers)
    page.locator("#id_walkin-note").fill("Met at the booth; wants to join the dance challenge.")
    page.get_by_role("button", name="Save walk-in").click()


def test_walk_in_captured_offline_arrives_once_when_the_network_returns(phone, demo):
    context, page = phone
    dwp = demo["dwp"]
    sign_in(page, "dewi")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name="Djakarta Warehouse Project").click()
    page.get_by_role("link", name="Quick capture").click()
    expect(page.get_by_role("heading", name="Quick capture")).to_be_visible()
    assert no_sideways_scroll(page)

    # The network goes away at the festival: the entry waits on the phone.
    context.set_offline(True)
    fill_walk_in(page, "Rara Sekar", "@rarasekar.dwp", "12500")
    queue = page.locator("#capture-queue")
    expect(queue).to_be_visible()
    expect(queue).to_contain_text("Waiting to send: 1")
    expect(queue).to_contain_text("Rara Sekar")
    expect(page.locator("#capture-offline")).to_be_visible()
    expect(page.locator("#id_walkin-name")).to_have_value("")  # ready for the next one
    assert not PlatformAccount.objects.filter(handle="rarasekar.dwp").exists()
    assert no_sideways_scroll(page)
    shoot(page, "capture-queued")

    # It comes back: the entry is sent by itself, once.
    context.set_offline(False)
    expect(page.locator("#capture-sent")).to_contain_text("Rara Sekar saved.")
    expect(queue).to_be_hidden()
    expect(page.locator("#capture-offline")).to_be_hidden()
    assert PlatformAccount.objects.filter(handle="rarasekar.dwp").count() == 1
    rara = Influencer.objects.get(accounts__handle="rarasekar.dwp")
    assert Influencer.objects.filter(name="Rara Sekar").count() == 1
    assert rara.total_followers == 12_500 and rara.history.first().history_door == Door.PORTAL
    assert EventGuest.objects.get(event=dwp, influencer=rara).status == "attended"
    assert page.evaluate(
        "localStorage.length === 0 || Object.values(localStorage).every(v => v.includes('\"waiting\":[]'))"
    )

    # The page shows it, and leads to the saved record and back.
    page.reload()
    expect(page.locator("#capture-recent")).to_contain_text("Rara Sekar")
    shoot(page, "capture-sent")
    page.locator("#capture-recent").get_by_role("link", name="Rara Sekar").click()
    expect(page.get_by_role("heading", name=re.compile("Rara Sekar"))).to_be_visible()
    expect(page.locator("body")).to_contain_text("@rarasekar.dwp")
    page.go_back()
    expect(page.get_by_role("heading", name="Quick capture")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "None" not in body
    assert page.console_errors == []


def test_an_entry_whose_answer_was_lost_is_saved_once(phone, demo, live_server):
    """The request reached the server but the phone never heard back: it sends the entry again
    later, and the server answers "already saved" without a second record."""
    context, page = phone
    sign_in(page, "dewi")
    url = f"/events/{demo['dwp'].pk}/capture/"
    page.goto(url)
    reached = []

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        reached.append(route.fetch().status)  # the server saves it...
        route.abort()  # ...and the answer is lost on the way back

    page.route(re.compile(r".*/capture/$"), lose_the_answer)
    fill_walk_in(page, "Nate Mee", "natemee.dwp", "1500000")
    expect(page.locator("#capture-queue")).to_contain_text("Waiting to send: 1")
    assert reached == [201]
    assert PlatformAccount.objects.filter(handle="natemee.dwp").count() == 1
    page.unroute(re.compile(r".*/capture/$"))

    page.reload()  # the page sends what waits as it loads
    expect(page.locator("#capture-sent")).to_contain_text("Nate Mee was already saved.")
    expect(page.locator("#capture-queue")).to_be_hidden()
    assert PlatformAccount.objects.filter(handle="natemee.dwp").count() == 1
    assert Influencer.objects.filter(name="Nate Mee").count() == 1
    assert page.console_errors == []


def test_a_refused_entry_shows_its_errors_next_to_the_fields(phone, demo):
    context, page = phone
    sign_in(page, "dewi")
    page.goto(f"/events/{demo['dwp'].pk}/capture/")
    fill_walk_in(page, "Someone", "", "-3")
    expect(page.locator(".field.has-error")).to_have_count(2)
    expect(page.locator(".field.has-error").first).to_contain_text("This field is required.")
    expect(page.locator("#id_walkin-name")).to_have_value("Someone")  # nothing lost
    assert no_sideways_scroll(page)
    shoot(page, "capture-errors")
    assert not Influencer.objects.filter(name="Someone").exists()
    assert page.console_errors == []


def test_an_entry_refused_after_the_network_returned_can_be_put_back_and_fixed(phone, demo):
    """Queued offline with a handle the country already has: refused when sent, kept on the
    phone with its reason, and put back in the form with a link to the influencer."""
    context, page = phone
    sign_in(page, "dewi")
    page.goto(f"/events/{demo['dwp'].pk}/capture/")
    context.set_offline(True)
    fill_walk_in(page, "Kaykai again", "kaykaisalaider", "100")
    expect(page.locator("#capture-queue")).to_contain_text("Waiting to send: 1")
    context.set_offline(False)
    refused = page.locator("#capture-refused")
    expect(refused).to_contain_text("Not saved: Kaykai again")
    expect(refused).to_contain_text("Kaykai Salaider already has this handle.")
    expect(page.locator("#capture-queue")).to_be_hidden()
    shoot(page, "capture-refused")
    refused.get_by_role("button", name="Put back in the form").click()
    expect(refused).to_be_hidden()
    expect(page.locator("#id_walkin-name")).to_have_value("Kaykai again")
    handle = page.locator(".field.has-error")
    expect(handle).to_contain_text("Kaykai Salaider already has this handle.")
    expect(page.locator(".capture-existing").get_by_role("link", name="Kaykai Salaider")).to_be_visible()
    page.locator("#id_walkin-handle").fill("kaykai.second")
    page.get_by_role("button", name="Save walk-in").click()
    expect(page.locator("#capture-sent")).to_contain_text("Kaykai again saved.")
    assert Influencer.objects.filter(name="Kaykai again").count() == 1
    assert no_sideways_scroll(page)
    assert page.console_errors == []
