"""HQ's report on a fresh install: a week is reported properly or not at all, never as zeros."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from reports import render, services
from reports.models import WeeklyReport
from tests import factories as f

pytestmark = pytest.mark.django_db

WEEK = "2026-W47"


@pytest.fixture
def germany(db):
    return f.CountryFactory(code="DE", name="Germany", languages=["de"], default_language="en")


def test_no_country_report_means_no_hq_report(indonesia, germany, hq_viewer):
    # Tuesday of the next week, past HQ's wait: the old code sent every country as "no report", 0.
    tuesday = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    assert services.due_hq_report(tuesday) is None
    dispatch = services.hq_report_dispatch(WEEK)
    assert dispatch.nothing_to_report and dispatch.report is None
    assert not WeeklyReport.objects.filter(country__isnull=True).exists()
    # The command reports the countries first, then HQ compares them: every country available.
    call_command("send_weekly_reports", "--week", WEEK, stdout=StringIO())
    hq = WeeklyReport.objects.get(country__isnull=True, week=WEEK)
    assert all(row["available"] for row in hq.data["countries"]) and hq.data["missing"] == []


def test_a_country_not_reported_says_so_in_words_and_late_reports_reach_hq(indonesia, germany, hq_viewer):
    f.ChallengeFactory(country=indonesia)
    services.weekly_report_dispatch(indonesia, WEEK)
    tuesday = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    assert services.due_hq_report(tuesday) == WEEK
    hq = services.hq_report_dispatch(WEEK).report
    rows = {row["code"]: row for row in hq.data["countries"]}
    assert rows["DE"]["available"] is False and rows["DE"]["views_gained"] is None  # not 0
    assert hq.data["missing"] == ["Germany"]
    presented = render.present_hq(hq.data, government=False)
    html = render_hq_html(presented)
    assert "Not reported this week" in html and "None" not in html

    # Germany's report, sent late by hand, updates what HQ reads in the portal.
    services.weekly_report_dispatch(germany, WEEK)
    hq.refresh_from_db()
    rows = {row["code"]: row for row in hq.data["countries"]}
    assert rows["DE"]["available"] is True and rows["DE"]["views_gained"] == 0
    assert hq.data["missing"] == []


def render_hq_html(presented: dict) -> str:
    from django.template.loader import render_to_string

    return render_to_string("emails/_hq_report_body.html", {"r": presented, "chart_src": ""})
