"""Issue 17's goals journeys: a lead sets the quarter's goals and sees attainment on the
dashboard; an HQ viewer compares countries. Screenshots of the new screens at 1366 and 375 px
(``OPSPORTAL_FORM_SHOTS=<folder>``), as a lead and an operator, in English and Indonesian."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from goals.models import CountryGoal
from goals.quarters import Quarter
from locales.models import StaffProfile
from tests import factories as f
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("OPSPORTAL_FORM_SHOTS")


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        # Nothing wider than the screen: the page scrolls down, never sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} at {width}px overflows by {overflow}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def this_quarter(country) -> Quarter:
    return Quarter.of(timezone.localdate(timezone=country.zone))


def test_a_lead_sets_the_quarters_goals_and_sees_attainment_on_the_dashboard(page, demo):
    indonesia = demo["indonesia"] if "indonesia" in demo else f.CountryFactory(code="ID")
    quarter = this_quarter(indonesia)
    sign_in(page, "budi")
    page.get_by_role("navigation").get_by_role("link", name="Goals", exact=True).first.click()
    expect(page.get_by_role("heading", name=f"Goals · Indonesia · {quarter}")).to_be_visible()
    page.get_by_role("link", name=f"Set goals for {quarter}").click()
    page.get_by_label("Core influencers active", exact=True).fill("100")
    page.get_by_label("Challenges launched", exact=True).fill("0")  # refused: a target is 1 or more
    page.get_by_label("App-store chart rank", exact=True).fill("1")
    page.get_by_role("button", name="Save goals").click()
    expect(page.locator(".has-error").first).to_contain_text("A target is 1 or more")
    assert not CountryGoal.objects.exists()
    shoot(page, "goals-edit-errors")
    page.get_by_label("Challenges launched", exact=True).fill("4")
    page.get_by_label("Events held", exact=True).fill("2")
    page.get_by_role("button", name="Save goals").click()
    expect(page.get_by_text(f"Goals for {quarter} saved.")).to_be_visible()
    assert CountryGoal.objects.count() == 4
    # An outside figure with its source.
    page.get_by_role("link", name="Add a figure").click()
    page.get_by_label("Metric").select_option("chart_rank")
    page.get_by_label("Value").fill("2")
    page.get_by_label("Source").fill("App store top free chart, screenshot")
    page.get_by_role("button", name="Save figure").click()
    expect(page.get_by_role("cell", name="App store top free chart, screenshot")).to_be_visible()
    shoot(page, "goals-lead")
    # The dashboard: attainment computed from the records, with the pace needed.
    page.get_by_role("link", name="Dashboard").first.click()
    card = page.locator("section[aria-labelledby='goals-h']")
    expect(card.get_by_role("heading", name=f"Goals for {quarter}")).to_be_visible()
    expect(card).to_contain_text("Core influencers active")
    expect(card.get_by_role("progressbar")).to_have_count(4)
    expect(card).to_contain_text("a week to reach it")
    expect(card).to_contain_text("Behind")  # a rank of 2 against a target of 1
    shoot(page, "goals-dashboard")
    assert page.console_errors == []


def test_an_operator_reads_goals_in_indonesian(page, demo):
    indonesia = f.CountryFactory(code="ID")
    quarter = this_quarter(indonesia)
    f.GoalFactory(country=indonesia, year=quarter.year, quarter=quarter.quarter, metric="core_active", target=100)
    f.GoalFactory(
        country=indonesia, year=quarter.year, quarter=quarter.quarter, metric="challenge_views", target=53_000_000
    )
    StaffProfile.objects.filter(user__username="dewi").update(preferred_language="id")
    sign_in(page, "dewi")
    page.goto("/goals/")
    assert page.locator("html").get_attribute("lang") == "id"
    expect(page.locator("a.button.primary", has_text=str(quarter))).to_have_count(0)  # no "set goals" for operators
    shoot(page, "goals-operator-id")
    page.goto("/")
    shoot(page, "goals-dashboard-operator-id")
    assert page.goto("/goals/edit/").status == 403
    assert page.console_errors == []


def test_an_hq_viewer_compares_countries(page, demo):
    indonesia, thailand = f.CountryFactory(code="ID"), f.CountryFactory(code="TH")
    quarter = Quarter.of(timezone.now().date())
    for country, target in ((indonesia, 100), (thailand, 2)):
        f.GoalFactory(country=country, year=quarter.year, quarter=quarter.quarter, metric="core_active", target=target)
        f.GoalFactory(country=country, year=quarter.year, quarter=quarter.quarter, metric="chart_rank", target=3)
    f.ExternalFigureFactory(country=thailand, metric="chart_rank", measured_on=timezone.localdate(), value=2)
    sign_in(page, "hq")
    table = page.locator("table.hq-goals")
    expect(page.get_by_role("heading", name=f"Goals for {quarter}")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)
    # Sorted by goals on track first: Thailand reached its rank.
    expect(table.locator("tbody tr").first).to_contain_text("Thailand")
    table.get_by_role("link", name="Country").click()
    expect(page.locator("table.hq-goals th[aria-sort='ascending']")).to_contain_text("Country")
    expect(page.locator("table.hq-goals tbody tr").first).to_contain_text("Indonesia")
    shoot(page, "goals-hq")
    # Another quarter: the switcher keeps the sort.
    page.locator("nav .quarter-switch a").first.click()
    expect(page.get_by_role("heading", name=f"Goals for {quarter.previous.previous.previous.previous}")).to_be_visible()
    expect(page.locator("table.hq-goals th[aria-sort='ascending']")).to_contain_text("Country")
    assert page.console_errors == []


def test_outside_figures_labels_wrap_between_words_on_a_phone(page, demo):
    """At 375 px the figures table shows each value under its label; a long source (a URL) must
    not squeeze the label "Sumber" into pieces of a word."""
    indonesia = f.CountryFactory(code="ID")
    f.ExternalFigureFactory(
        country=indonesia,
        metric="monthly_active_users",
        measured_on=timezone.localdate(),
        value=12_000_000,
        source="https://analytics.example.com/monthly-active-users/indonesia/2026-q4/overview-dashboard",
    )
    StaffProfile.objects.filter(user__username="dewi").update(preferred_language="id")
    sign_in(page, "dewi")
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto("/goals/")
    labels = page.evaluate(
        """() => {
          const measure = document.createElement("canvas").getContext("2d");
          return [...document.querySelectorAll("section[aria-labelledby='figures-h'] td[data-label]")].map((td) => {
            const style = getComputedStyle(td, "::before");
            measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const words = td.dataset.label.split(/\\s+/);
            return {
              label: td.dataset.label,
              width: parseFloat(style.width),
              longestWord: Math.max(...words.map((w) => measure.measureText(w).width)),
            };
          });
        }"""
    )
    assert "Sumber" in [label["label"] for label in labels]
    for label in labels:
        # The label box is at least as wide as its longest word (half a pixel for rounding).
        assert label["width"] + 0.5 >= label["longestWord"], label
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    assert page.console_errors == []
