"""Issue 17's budgets journey: a lead adds DWP's budget lines and an exchange rate, sees the
total in USD with the rate named; HQ (an administrator here: HQ's finance grant arrives with the
agreements work) sees the spend per country in USD naming that rate. An operator sees no money."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from budgets.models import BudgetLine, ExchangeRate
from tests import factories as f
from tests.browser.conftest import sign_in
from tests.browser.test_record_journeys import shoot

pytestmark = pytest.mark.browser

LINES = [
    ("venue", "Booth and creator lounge", "500000000", "480000000"),
    ("production", "Filming crew and editing", "450000000", "470000000"),
    ("creators", "Fees for twelve creators", "300000000", "300000000"),
    ("travel", "Flights and hotels", "250000000", ""),
]


def test_lead_budgets_dwp_and_hq_sees_the_total_in_usd(page, browser, live_server, demo):
    dwp = demo["dwp"]
    sign_in(page, "budi")
    page.goto(f"/events/{dwp.pk}/")
    budget = page.locator("#budget")
    expect(budget.get_by_role("heading", name="Budget")).to_be_visible()
    for category, description, planned, actual in LINES:
        budget.get_by_role("link", name="Add a budget line").click()
        page.get_by_label("Category").select_option(category)
        page.get_by_label("Description").fill(description)
        page.get_by_label("Planned").fill(planned)
        page.get_by_label("Actual").fill(actual)
        expect(page.get_by_label("Currency")).to_have_value("IDR")  # the event's, prefilled
        page.get_by_role("button", name="Add line").click()
        page.wait_for_url(re.compile(rf"/events/{dwp.pk}/"))
    assert BudgetLine.objects.filter(event=dwp, currency="IDR").count() == 4
    # No rate yet: the rupiah figures are named and left out, never counted as zero.
    expect(budget.get_by_text("No rate:")).to_be_visible()
    shoot(page, "budget-event-no-rate")

    expect(page.locator("nav a[href='/budgets/rates/']")).to_have_count(1)
    page.goto("/budgets/rates/")
    valid_on = (dwp.starts_at - dt.timedelta(days=7)).date()
    page.locator("#id_currency").fill("IDR")
    page.locator("#id_rate").fill("0.0000739262")
    page.get_by_label("Valid on").fill(valid_on.isoformat())
    page.get_by_label("Source").fill("Bank Indonesia JISDOR mid-rate")
    page.get_by_role("button", name="Add rate").click()
    expect(page.get_by_role("cell", name="Bank Indonesia JISDOR mid-rate")).to_be_visible()
    assert ExchangeRate.objects.get().created_by.username == "budi"
    shoot(page, "budget-rates")

    page.goto(f"/events/{dwp.pk}/")
    total = budget.locator(".budget-total")
    expect(total).to_contain_text("Total in USD")
    expect(total).to_contain_text("110,889")  # 1.5 billion rupiah planned at 0.0000739262
    expect(budget.locator(".rates-used")).to_contain_text("Bank Indonesia JISDOR mid-rate")
    expect(budget.get_by_text("No rate:")).to_have_count(0)
    shoot(page, "budget-event")
    assert not page.console_errors

    # An operator of the same team sees the event, not its money.
    operator = browser.new_context(base_url=live_server.url).new_page()
    sign_in(operator, "dewi")
    operator.goto(f"/events/{dwp.pk}/")
    expect(operator.locator("#budget")).to_have_count(0)
    expect(operator.get_by_role("link", name="Exchange rates")).to_have_count(0)
    shoot(operator, "budget-event-operator")

    f.UserFactory(username="hq-admin", is_superuser=True, is_staff=True)
    hq = browser.new_context(base_url=live_server.url).new_page()
    sign_in(hq, "hq-admin")
    hq.goto("/hq/")
    spend = hq.locator(".hq-spend")
    expect(spend.get_by_role("heading", name="Spend in USD")).to_be_visible()
    row = spend.get_by_role("row", name=re.compile("Indonesia"))
    expect(row).to_contain_text("110,889")
    expect(row).to_contain_text("Bank Indonesia JISDOR mid-rate")
    shoot(hq, "budget-hq")


def test_budget_screens_in_indonesian(page, demo):
    dwp = demo["dwp"]
    f.BudgetLineFactory(event=dwp, category="venue", description="Booth", planned=500_000_000, currency="IDR")
    f.ExchangeRateFactory(valid_on=(dwp.starts_at - dt.timedelta(days=30)).date(), source="Bank Indonesia")
    sign_in(page, "budi")
    page.goto(f"/events/{dwp.pk}/")
    page.evaluate("document.cookie = 'django_language=id; path=/'")
    page.goto(f"/events/{dwp.pk}/")
    expect(page.locator("#budget")).to_be_visible()
    shoot(page, "budget-event-id")
    page.goto("/budgets/rates/")
    shoot(page, "budget-rates-id")
    # The event's challenge: its spend per thousand views gained.
    challenge = dwp.challenge
    f.BudgetLineFactory(event=None, challenge=challenge, category="production", planned=10_000_000, actual=8_000_000)
    page.goto(f"/challenges/{challenge.pk}/")
    expect(page.locator("#budget .cpm")).to_be_visible()
    shoot(page, "budget-challenge-id")
    page.evaluate("document.cookie = 'django_language=en; path=/'")
    page.reload()
    expect(page.locator("#budget")).to_contain_text("Cost per thousand views gained")
    shoot(page, "budget-challenge")
    assert not page.console_errors
