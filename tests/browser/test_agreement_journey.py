"""Issue 17's "Done when" for creator agreements, in a real browser: a lead takes an agreement
draft → signed → delivered (the deliverable found in the records: the creator's participation)
→ paid, and the challenge page then shows the paid spend and the cost per thousand views; an
operator sees neither the agreements nor any fee. Screenshots at 1366 and 375 px, in English
and Indonesian, as a lead and as an operator (docs/screenshots/agreements/)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement, Status
from locales.models import Role
from tests import factories as f
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser]

# The committed pictures are refreshed on purpose (OPSPORTAL_SCREENSHOTS=1, scripts/screenshots.py);
# an ordinary run keeps its screenshots under var/ so a test never changes the checkout.
ROOT = Path(__file__).resolve().parents[2]
OUT = (
    ROOT / "docs" / "screenshots" / "agreements"
    if os.environ.get("OPSPORTAL_SCREENSHOTS") == "1"
    else Path(os.environ.get("OPSPORTAL_VAR_DIR") or ROOT / "var") / "screenshots" / "agreements"
)


@pytest.fixture
def story(transactional_db):
    indonesia = f.CountryFactory(code="ID", local_office="Jakarta")
    people = {}
    for username, role, language in (
        ("budi", Role.LEAD, "en"),
        ("ayu", Role.LEAD, "id"),
        ("dewi", Role.OPERATOR, "en"),
    ):
        user = f.UserFactory(username=username, first_name=username.title(), last_name="Santoso")
        f.StaffProfileFactory(user=user, preferred_language=language)
        f.MembershipFactory(user=user, country=indonesia, role=role)
        people[username] = user
    creator = f.InfluencerFactory(country=indonesia, name="Rina Maharani")
    challenge = f.ChallengeFactory(
        country=indonesia,
        hashtag="SatuFrameRame",
        title="Multi-person frame challenge",
        views=53_000_000,
        status="live",
    )
    f.ParticipationFactory(challenge=challenge, influencer=creator, video_url="https://www.tiktok.com/@rina/video/1")
    return {"country": indonesia, "creator": creator, "challenge": challenge, **people}


def shoot(page, name: str):
    OUT.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    body = page.locator("body").inner_text()
    assert "None" not in body, f"{name}: shows None"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{name}: overflows ({width}px)"


def test_draft_signed_delivered_paid_reaches_the_cost_per_thousand_views(browser, live_server, story):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, "budi")

    page.goto(f"/agreements/new/?challenge={story['challenge'].pk}&influencer={story['creator'].pk}")
    page.get_by_label("Title").fill("Seeding #SatuFrameRame")
    page.get_by_label("Fee").fill("15000000")
    page.get_by_role("button", name="Create agreement").click()
    expect(page.locator("h1")).to_contain_text("Seeding #SatuFrameRame")
    expect(page.locator("h1 .badge")).to_have_text("Draft")

    today = dt.date.today().isoformat()
    deliverables = page.locator("form[action$='/deliverables/add/']")
    deliverables.get_by_label("Description").fill("One seed video on launch day")
    deliverables.get_by_label("Hashtag").fill("SatuFrameRame")
    deliverables.get_by_label("Videos required").fill("1")
    deliverables.get_by_label("Due on").fill(today)
    deliverables.get_by_role("button", name="Add deliverable").click()
    expect(page.get_by_text("1 of 1 video found in the records")).to_be_visible()

    page.get_by_role("button", name="Mark as signed").click()
    expect(page.locator("h1 .badge")).to_have_text("Signed")
    page.get_by_role("button", name="Mark delivered", exact=True).click()
    page.get_by_role("button", name="Mark agreement as delivered").click()
    expect(page.locator("h1 .badge")).to_have_text("Delivered")
    shoot(page, "agreement-delivered-lead-1366")

    payments = page.locator("form[action$='/payments/add/']")
    payments.get_by_label("Amount").fill("15000000")
    payments.get_by_label("Due on").fill(today)
    payments.get_by_label("Paid on").fill(today)
    payments.get_by_role("button", name="Add payment").click()
    expect(page.locator("h1 .badge")).to_have_text("Paid")
    agreement = Agreement.objects.get()
    assert agreement.status == Status.PAID and agreement.signed_on is not None
    shoot(page, "agreement-paid-lead-1366")

    page.goto(f"/challenges/{story['challenge'].pk}/")
    section = page.locator("section[aria-labelledby='finance-h']")
    expect(section).to_contain_text("Cost per thousand views")
    expect(section).to_contain_text("Rp\xa0283")  # 15,000,000 / 53,000,000 views × 1000 = 283.02
    shoot(page, "challenge-finance-lead-1366")
    page.goto("/agreements/")
    shoot(page, "agreements-list-lead-1366")
    context.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server.url)
    page = phone.new_page()
    sign_in(page, "budi")
    for name, path in (("agreements-list", "/agreements/"), ("agreement", f"/agreements/{agreement.pk}/")):
        page.goto(path)
        shoot(page, f"{name}-lead-375")
    phone.close()

    indonesian = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    page = indonesian.new_page()
    sign_in(page, "ayu")
    page.goto(f"/agreements/{agreement.pk}/")
    shoot(page, "agreement-lead-id-1366")
    page.goto("/agreements/new/")
    shoot(page, "agreement-form-lead-id-1366")
    indonesian.close()

    for width in (1366, 375):
        operator = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
        page = operator.new_page()
        sign_in(page, "dewi")
        assert page.goto("/agreements/").status == 404
        assert page.goto(f"/agreements/{agreement.pk}/").status == 404
        page.goto(f"/challenges/{story['challenge'].pk}/")
        body = page.locator("body").inner_text()
        assert "Cost per thousand views" not in body and "15,000,000" not in body and "Seeding" not in body
        assert page.get_by_role("link", name="Agreements").count() == 0
        shoot(page, f"challenge-operator-{width}")
        operator.close()
    assert not errors


def test_a_lead_corrects_a_payment_and_removes_one_entered_twice(browser, live_server, story):
    agreement = f.AgreementFactory(
        country=story["country"], influencer=story["creator"], challenge=story["challenge"], status=Status.SIGNED
    )
    first = f.PaymentFactory(agreement=agreement, amount=5_000_000, reference="TRX-1")
    twice = f.PaymentFactory(agreement=agreement, amount=5_000_000, reference="TRX-1 again")
    for width in (1366, 375):
        context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        sign_in(page, "budi")
        page.goto(f"/agreements/payments/{first.pk}/edit/")
        shoot(page, f"payment-edit-lead-{width}")
        if width == 1366:
            page.goto(f"/agreements/{agreement.pk}/")
            page.locator("section[aria-labelledby='payments-h'] li", has_text="TRX-1").first.get_by_role(
                "link", name="Edit"
            ).click()
            page.get_by_label("Amount").fill("6000000")
            page.get_by_label("Reference").fill("TRX-1b")
            page.get_by_role("button", name="Save changes").click()
            expect(page.get_by_text("Changes saved.")).to_be_visible()
            page.goto(f"/agreements/payments/{twice.pk}/edit/")
            page.get_by_role("button", name="Remove this payment").click()
            expect(page.get_by_text("Payment removed.")).to_be_visible()
        context.close()
        assert errors == []
    first.refresh_from_db()
    assert (first.amount, first.reference) == (6_000_000, "TRX-1b")
    assert not agreement.payments.filter(pk=twice.pk).exists()
