"""List pages keep a constant number of queries whatever the number of rows (1 or 50)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


def build_rows(country, owner, n: int) -> None:
    """``n`` of each record a list or the dashboard shows, with the relations they display."""
    now = timezone.now()
    today = timezone.localdate()
    for i in range(n):
        moment = f.CulturalMomentFactory(country=country)
        f.OccurrenceFactory(
            moment=moment,
            year=2026,
            starts_on=today + dt.timedelta(days=i % 20),
            ends_on=today + dt.timedelta(days=i % 20 + 1),
        )
        challenge = f.ChallengeFactory(
            country=country,
            owner=owner,
            cultural_moment=moment,
            status="live",
            starts_at=now - dt.timedelta(days=i % 10),
            views=1000 * i,
            metrics_at=now,
        )
        f.MetricSnapshotFactory(challenge=challenge, captured_at=now - dt.timedelta(days=1), views=10 * i)
        influencer = f.InfluencerFactory(
            country=country,
            relationship_owner=owner,
            is_core=True,
            stage=["prospect", "contacted", "onboarded", "active", "dormant"][i % 5],
        )
        account = f.PlatformAccountFactory(influencer=influencer, platform="tiktok")
        f.PlatformAccountFactory(influencer=influencer, platform="youtube")
        f.FollowerSnapshotFactory(account=account, date=today - dt.timedelta(days=2), followers=100)
        f.FollowerSnapshotFactory(account=account, date=today, followers=200 + i)
        f.InfluencerInteractionFactory(influencer=influencer, next_follow_up_on=today + dt.timedelta(days=i % 20))
        f.ParticipationFactory(challenge=challenge, influencer=influencer)
        event = f.EventFactory(country=country, owner=owner, starts_at=now + dt.timedelta(days=i % 14, hours=1))
        f.EventTaskFactory(event=event, due_on=today - dt.timedelta(days=1))
        f.EventTaskFactory(event=event, due_on=today + dt.timedelta(days=i % 20))
        f.EventGuestFactory(event=event, influencer=influencer)
        contact = f.GovernmentContactFactory(country=country, organization=f"Ministry {i % 5}")
        incident = f.IncidentFactory(country=country)
        f.GovernmentInteractionFactory(contact=contact, incident=incident, follow_up_on=today + dt.timedelta(days=1))
        regulator_request = f.RegulatorRequestFactory(
            country=country,
            incident=incident,
            contact=contact,
            handler=owner,
            received_at=now - dt.timedelta(hours=i * 3 + 50),  # the first is already overdue
            status=["received", "in_progress", "answered"][i % 3],
            answered_at=now if i % 3 == 2 else None,
        )
        f.RequestItemFactory(request=regulator_request)
        f.MembershipFactory(country=country, user=f.UserFactory(), role="operator")
        # Going cold: a creator added long ago with no contact since, a partner of an old event.
        type(influencer).objects.filter(pk=influencer.pk).update(created_at=now - dt.timedelta(days=100))
        old_event = f.EventFactory(country=country, starts_at=now - dt.timedelta(days=100 + i))
        f.EventPartnerFactory(event=old_event, partner=f.PartnerFactory(country=country))


PAGES = [
    ("portal:dashboard", {}),
    ("portal:calendar", {}),
    ("portal:calendar", {"view": "agenda"}),
    ("portal:search", {"q": "e"}),
    ("challenges:list", {}),
    ("challenges:list", {"status": "live", "ordering": "-views"}),
    ("influencers:list", {}),
    ("influencers:list", {"stage": "prospect", "platform": "tiktok", "followers_min": "0"}),
    ("influencers:board", {}),
    ("events:list", {}),
    ("locales:government", {}),
    ("locales:incidents", {}),
    ("locales:team", {}),
    ("locales:requests", {}),
    ("locales:requests", {"status": "received", "kind": "takedown", "overdue": "true", "handler": "me"}),
]

# Page, session, user, access, countries, saved views... plus each page's own reads.
MAX_QUERIES = 36  # the dashboard is the most; 3 of its queries are the quarter's goals (goals.selectors)


def count_queries(client, url, params, django_assert_max_num_queries) -> int:
    client.get(url, params)  # warm the session and the last-used filters
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name,params", PAGES, ids=[f"{p[0]}{'?' if p[1] else ''}{'&'.join(p[1])}" for p in PAGES])
def test_list_pages_have_a_constant_query_count(
    client, indonesia, id_lead, django_assert_max_num_queries, name, params
):
    client.force_login(id_lead)
    url = reverse(name)
    build_rows(indonesia, id_lead, 1)
    if name == "influencers:board":
        # The board runs one query per non-empty stage (at most five): fill every column.
        for stage in ("contacted", "onboarded", "active", "dormant"):
            f.InfluencerFactory(country=indonesia, stage=stage)
    with_one = count_queries(client, url, params, django_assert_max_num_queries)
    build_rows(indonesia, id_lead, 49)
    with_fifty = count_queries(client, url, params, django_assert_max_num_queries)
    assert with_fifty == with_one, f"{name}: {with_one} queries with 1 row, {with_fifty} with 50"
