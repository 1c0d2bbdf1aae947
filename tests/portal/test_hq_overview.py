"""HQ's cross-country overview: for HQ viewers and administrators, sortable, linking into each
country; HQ lands there instead of on the first (maybe empty) country."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from influencers.models import PlatformAccount
from opsportal.portal.mixins import SESSION_KEY
from tests import factories as f

from .test_query_counts import build_rows, count_queries

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def markets(indonesia, thailand):
    now = timezone.now()
    cambodia = f.CountryFactory(code="KH", name="Cambodia")
    frame = f.ChallengeFactory(country=indonesia, status="live", views=53_000_000)
    f.MetricSnapshotFactory(challenge=frame, captured_at=now - dt.timedelta(days=8), views=3_000_000)
    f.MetricSnapshotFactory(challenge=frame, captured_at=now, views=53_000_000)
    f.ChallengeFactory(country=thailand, status="live", views=1_000)
    core = f.InfluencerFactory(country=indonesia, is_core=True, core_since=timezone.localdate())
    account = f.PlatformAccountFactory(influencer=core, followers=6_000)
    f.FollowerSnapshotFactory(account=account, date=timezone.localdate() - dt.timedelta(days=8), followers=1_000)
    f.FollowerSnapshotFactory(account=account, date=timezone.localdate(), followers=6_000)
    f.EventFactory(country=thailand, starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=4))
    past = f.EventFactory(country=indonesia, starts_at=now - dt.timedelta(days=10), ends_at=now - dt.timedelta(days=9))
    f.EventTaskFactory(event=past, due_on=timezone.localdate() - dt.timedelta(days=2))
    f.IncidentFactory(country=indonesia, status="open", title="zz-secret-incident")
    return {"cambodia": cambodia}


def test_hq_lands_on_the_overview_not_an_empty_country(hq_viewer, superuser, markets):
    for user in (hq_viewer, superuser):
        client = signed_in(user)
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == reverse("portal:hq_overview")
        # Once a country is chosen, the dashboard is that country's.
        client.post("/country/", {"country": markets["cambodia"].pk, "next": "/"})
        assert client.get("/").status_code == 200


def test_team_members_keep_their_dashboard_and_may_not_open_the_overview(id_operator, th_operator, markets):
    for user in (id_operator, th_operator):
        client = signed_in(user)
        assert client.get("/").status_code == 200
        assert client.get("/hq/").status_code == 403


def test_overview_figures_sorting_and_links(hq_viewer, indonesia, thailand, markets):
    client = signed_in(hq_viewer)
    response = client.get("/hq/")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.context["rows"]}
    assert set(rows) == {"Indonesia", "Thailand", "Cambodia"}
    indo = rows["Indonesia"]
    assert (indo["live"], indo["views_week"], indo["core"], indo["core_new"]) == (1, 50_000_000, 1, 1)
    assert indo["follower_gain"] == 5_000 and indo["overdue"] == 1
    assert rows["Thailand"]["events_ahead"] == 1
    # An HQ viewer without the government grant sees no incidents, by any column.
    assert indo["incidents"] is None
    assert "zz-secret-incident" not in response.content.decode()
    assert "Open incidents" not in response.content.decode()
    # Sorted by the week's views by default; by any column on request, both ways.
    assert [r["name"] for r in response.context["rows"]] == ["Indonesia", "Thailand", "Cambodia"]
    names = [r["name"] for r in client.get("/hq/", {"sort": "name"}).context["rows"]]
    assert names == ["Cambodia", "Indonesia", "Thailand"]
    names = [r["name"] for r in client.get("/hq/", {"sort": "-events_ahead"}).context["rows"]]
    assert names[0] == "Thailand"
    assert client.get("/hq/", {"sort": "nonsense"}).status_code == 200
    # Each country opens with one click: the switcher, then that country's dashboard.
    page = response.content.decode()
    assert f'name="country" value="{thailand.pk}"' in page
    response = client.post("/country/", {"country": thailand.pk, "next": "/"})
    assert response["Location"] == "/" and client.session[SESSION_KEY] == thailand.pk


def test_superuser_sees_open_incidents(superuser, indonesia, markets):
    response = signed_in(superuser).get("/hq/", {"sort": "-incidents"})
    rows = response.context["rows"]
    assert rows[0]["name"] == "Indonesia" and rows[0]["incidents"] == 1


def test_overview_has_a_constant_query_count(hq_viewer, indonesia, thailand, django_assert_max_num_queries):
    client = signed_in(hq_viewer)
    url = reverse("portal:hq_overview")
    build_rows(indonesia, None, 1)
    with_one = count_queries(client, url, {}, django_assert_max_num_queries)
    build_rows(indonesia, None, 20)
    build_rows(thailand, None, 20)
    for code in ("KH", "VN", "JP", "MY"):
        f.CountryFactory(code=code)
    assert count_queries(client, url, {}, django_assert_max_num_queries) == with_one


def test_day_based_figures_count_by_each_countrys_own_day(hq_viewer, indonesia):
    """At 20:00 UTC it is tomorrow in Jakarta and midday in Los Angeles. HQ counts a country's
    overdue work and new core influencers by that country's day, as its own dashboard does."""
    now = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    utc_day = now.date()
    usa = f.CountryFactory(code="US", name="United States", timezone="America/Los_Angeles")
    for country in (indonesia, usa):
        event = f.EventFactory(country=country)
        f.EventTaskFactory(event=event, due_on=utc_day)
        cancelled = f.EventFactory(country=country, status="cancelled")
        f.EventTaskFactory(event=cancelled, due_on=utc_day - dt.timedelta(days=5))
        influencer = f.InfluencerFactory(country=country, is_core=True, core_since=utc_day - dt.timedelta(days=7))
        f.InfluencerInteractionFactory(influencer=influencer, next_follow_up_on=utc_day)

    with mock.patch("django.utils.timezone.now", return_value=now):
        rows = {row["name"]: row for row in signed_in(hq_viewer).get("/hq/").context["rows"]}

    # Jakarta (5 December): the task and the follow-up are overdue; the core influencer of the
    # 27th is more than a week old. Los Angeles (4 December): neither is overdue, the core one is new.
    assert (rows["Indonesia"]["overdue"], rows["Indonesia"]["core_new"]) == (2, 0)
    assert (rows["United States"]["overdue"], rows["United States"]["core_new"]) == (0, 1)


def test_the_weeks_follower_gain_counts_from_each_countrys_own_day(hq_viewer, indonesia):
    """At 20:00 UTC on 4 December it is 5 December in Jakarta and 4 December in Los Angeles: a
    week back is 28 November in one and 27 November in the other, and each country's gain counts
    from its own day's count, whichever zone the request runs in."""
    now = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    usa = f.CountryFactory(code="US", name="United States", timezone="America/Los_Angeles")
    for country in (indonesia, usa):
        account = f.PlatformAccountFactory(influencer__country=country, influencer__is_core=True)
        for day, followers in ((dt.date(2026, 11, 27), 1_000), (dt.date(2026, 11, 28), 1_500)):
            f.FollowerSnapshotFactory(account=account, date=day, followers=followers)
        PlatformAccount.objects.filter(pk=account.pk).update(followers=2_000, followers_on=dt.date(2026, 12, 4))

    with mock.patch("django.utils.timezone.now", return_value=now):
        rows = {row["name"]: row for row in signed_in(hq_viewer).get("/hq/").context["rows"]}

    assert (rows["Indonesia"]["follower_gain"], rows["United States"]["follower_gain"]) == (500, 1_000)
