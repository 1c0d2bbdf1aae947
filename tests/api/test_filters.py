"""Every filter of every list, natural keys, ordering and cursor pagination."""

import datetime as dt

import pytest
from django.utils import timezone

from influencers.models import Category
from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def _ids(api, url):
    response = api.get(url)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# (path, query, make the record that matches, make one that does not) — records in Indonesia.
CASES = [
    # challenges
    ("challenges", "country=ID", lambda c, o: f.ChallengeFactory(country=c), None),
    (
        "challenges",
        "hashtag=%23GOYANG",
        lambda c, o: f.ChallengeFactory(country=c, hashtag="goyang"),
        lambda c, o: f.ChallengeFactory(country=c),
    ),
    (
        "challenges",
        "status=live,planned",
        lambda c, o: f.ChallengeFactory(country=c, status="live"),
        lambda c, o: f.ChallengeFactory(country=c, status="idea"),
    ),
    (
        "challenges",
        "format=comedy",
        lambda c, o: f.ChallengeFactory(country=c, format="comedy"),
        lambda c, o: f.ChallengeFactory(country=c),
    ),
    (
        "challenges",
        "owner=me",
        lambda c, o: f.ChallengeFactory(country=c, owner=o),
        lambda c, o: f.ChallengeFactory(country=c),
    ),
    (
        "challenges",
        "owner=id-lead",
        lambda c, o: f.ChallengeFactory(country=c, owner=o),
        lambda c, o: f.ChallengeFactory(country=c),
    ),
    (
        "challenges",
        "start_after=2026-07-01T00:00:00%2B07:00&start_before=2026-07-03",
        lambda c, o: f.ChallengeFactory(country=c, starts_at=T0),
        lambda c, o: f.ChallengeFactory(country=c),
    ),
    (
        "challenges",
        "end_after=2026-07-05&end_before=2026-07-06",
        lambda c, o: f.ChallengeFactory(country=c, starts_at=T0, ends_at=T0 + dt.timedelta(days=4)),
        lambda c, o: f.ChallengeFactory(country=c, starts_at=T0, ends_at=T0 + dt.timedelta(days=20)),
    ),
    (
        "challenges",
        "views_min=1000&views_max=5000",
        lambda c, o: f.ChallengeFactory(country=c, views=2000),
        lambda c, o: f.ChallengeFactory(country=c, views=10),
    ),
    (
        "challenges",
        "videos_min=5",
        lambda c, o: f.ChallengeFactory(country=c, videos=9),
        lambda c, o: f.ChallengeFactory(country=c, videos=1),
    ),
    (
        "challenges",
        "q=songkran",
        lambda c, o: f.ChallengeFactory(country=c, title="Songkran splash"),
        lambda c, o: f.ChallengeFactory(country=c),
    ),
    (
        "challenges",
        "cultural_moment={moment}",
        lambda c, o: f.ChallengeFactory(country=c, cultural_moment=f.CulturalMomentFactory(country=c)),
        lambda c, o: f.ChallengeFactory(country=c),
    ),
    # participations and metrics
    (
        "challenge-participations",
        "hashtag=goyang",
        lambda c, o: f.ParticipationFactory(challenge__country=c, challenge__hashtag="goyang"),
        lambda c, o: f.ParticipationFactory(challenge__country=c),
    ),
    (
        "challenge-participations",
        "role=joined&views_min=10",
        lambda c, o: f.ParticipationFactory(challenge__country=c, role="joined", video_views=50),
        lambda c, o: f.ParticipationFactory(challenge__country=c),
    ),
    (
        "challenge-metrics",
        "country=ID&hashtag=goyang",
        lambda c, o: f.MetricSnapshotFactory(challenge__country=c, challenge__hashtag="goyang"),
        lambda c, o: f.MetricSnapshotFactory(challenge__country=c),
    ),
    (
        "challenge-metrics",
        "captured_after=2026-07-01T00:00:00Z&captured_before=2026-07-02T00:00:00Z&views_min=5",
        lambda c, o: f.MetricSnapshotFactory(challenge__country=c, captured_at=T0 + dt.timedelta(hours=3), views=6),
        lambda c, o: f.MetricSnapshotFactory(challenge__country=c),
    ),
    # influencers
    (
        "influencers",
        "stage=onboarded",
        lambda c, o: f.InfluencerFactory(country=c, stage="onboarded"),
        lambda c, o: f.InfluencerFactory(country=c),
    ),
    (
        "influencers",
        "kind=athlete&tier=mega",
        lambda c, o: f.InfluencerFactory(country=c, kind="athlete", tier="mega"),
        lambda c, o: f.InfluencerFactory(country=c, kind="athlete"),
    ),
    ("influencers", "category=dance", "category", lambda c, o: f.InfluencerFactory(country=c)),
    (
        "influencers",
        "platform=youtube",
        lambda c, o: f.PlatformAccountFactory(influencer__country=c, platform="youtube").influencer,
        lambda c, o: f.PlatformAccountFactory(influencer__country=c, platform="tiktok").influencer,
    ),
    (
        "influencers",
        "platform=youtube&handle=@KayKai",
        lambda c, o: f.PlatformAccountFactory(influencer__country=c, platform="youtube", handle="kaykai").influencer,
        lambda c, o: f.PlatformAccountFactory(influencer__country=c, platform="youtube").influencer,
    ),
    (
        "influencers",
        "owner=me",
        lambda c, o: f.InfluencerFactory(country=c, relationship_owner=o),
        lambda c, o: f.InfluencerFactory(country=c),
    ),
    (
        "influencers",
        "is_core=true",
        lambda c, o: f.InfluencerFactory(country=c, is_core=True),
        lambda c, o: f.InfluencerFactory(country=c),
    ),
    (
        "influencers",
        "crossed_over=true",
        lambda c, o: f.InfluencerFactory(country=c, crossed_over_on=dt.date(2018, 1, 1)),
        lambda c, o: f.InfluencerFactory(country=c),
    ),
    (
        "influencers",
        "followers_min=1000000&followers_max=9000000",
        lambda c, o: f.InfluencerFactory(country=c, total_followers=5_700_000),
        lambda c, o: f.InfluencerFactory(country=c, total_followers=10),
    ),
    (
        "influencers",
        "q=nate",
        lambda c, o: f.InfluencerFactory(country=c, name="Nate & Mee"),
        lambda c, o: f.InfluencerFactory(country=c),
    ),
    (
        "influencers",
        "q=natemee",
        lambda c, o: f.PlatformAccountFactory(influencer__country=c, handle="natemee").influencer,
        lambda c, o: f.InfluencerFactory(country=c),
    ),
    (
        "platform-accounts",
        "platform=youtube&handle=kaykai",
        lambda c, o: f.PlatformAccountFactory(influencer__country=c, platform="youtube", handle="KayKai"),
        lambda c, o: f.PlatformAccountFactory(influencer__country=c, platform="youtube"),
    ),
    (
        "platform-accounts",
        "followers_min=100&influencer={influencer}",
        "account_of_influencer",
        lambda c, o: f.PlatformAccountFactory(influencer__country=c, followers=500),
    ),
    (
        "follower-snapshots",
        "platform=youtube&handle=kaykai&date_after=2026-06-01&date_before=2026-06-30&followers_max=10",
        lambda c, o: f.FollowerSnapshotFactory(
            account__influencer__country=c,
            account__platform="youtube",
            account__handle="kaykai",
            date=dt.date(2026, 6, 5),
            followers=5,
        ),
        lambda c, o: f.FollowerSnapshotFactory(
            account__influencer__country=c,
            account__platform="youtube",
            account__handle="other",
            date=dt.date(2026, 6, 5),
            followers=5,
        ),
    ),
    (
        "influencer-interactions",
        "kind=call&owner=me&follow_up_before=2026-07-10&follow_up_done=false",
        lambda c, o: f.InfluencerInteractionFactory(
            influencer__country=c, kind="call", owner=o, next_follow_up_on=dt.date(2026, 7, 5)
        ),
        lambda c, o: f.InfluencerInteractionFactory(influencer__country=c, kind="call", owner=o),
    ),
    (
        "influencer-interactions",
        "start_after=2026-06-30T00:00:00Z&start_before=2026-07-02T00:00:00Z",
        lambda c, o: f.InfluencerInteractionFactory(influencer__country=c, occurred_at=T0),
        lambda c, o: f.InfluencerInteractionFactory(influencer__country=c),
    ),
    # events
    (
        "events",
        "status=confirmed&kind=festival&city=jakarta",
        lambda c, o: f.EventFactory(country=c, status="confirmed", kind="festival"),
        lambda c, o: f.EventFactory(country=c, kind="festival"),
    ),
    (
        "events",
        "start_after=2026-07-01T00:00:00Z&start_before=2026-07-02T00:00:00Z&owner=me",
        lambda c, o: f.EventFactory(country=c, starts_at=T0 + dt.timedelta(hours=2), owner=o),
        lambda c, o: f.EventFactory(country=c, owner=o),
    ),
    (
        "events",
        "q=warehouse",
        lambda c, o: f.EventFactory(country=c, name="Djakarta Warehouse Project"),
        lambda c, o: f.EventFactory(country=c),
    ),
    (
        "partners",
        "kind=media&q=kompas",
        lambda c, o: f.PartnerFactory(country=c, kind="media", name="Kompas TV"),
        lambda c, o: f.PartnerFactory(country=c, kind="media"),
    ),
    ("event-partners", "event={event}", "event_partner", lambda c, o: f.EventPartnerFactory(event__country=c)),
    (
        "event-tasks",
        "done=false&owner=me&due_before=2099-01-01",
        lambda c, o: f.EventTaskFactory(event__country=c, assignee=o),
        lambda c, o: f.EventTaskFactory(event__country=c, assignee=o, done_at=timezone.now()),
    ),
    (
        "event-guests",
        "status=attended",
        lambda c, o: f.EventGuestFactory(event__country=c, status="attended"),
        lambda c, o: f.EventGuestFactory(event__country=c),
    ),
    # locales
    (
        "cultural-moments",
        "q=songkran&starts_after=2026-04-01&starts_before=2026-04-30",
        lambda c, o: f.OccurrenceFactory(moment__country=c, moment__name="Songkran").moment,
        lambda c, o: f.CulturalMomentFactory(country=c),
    ),
    ("memberships", "role=lead", lambda c, o: o.memberships.get(), lambda c, o: f.MembershipFactory(country=c)),
    (
        "government-contacts",
        "stance=supportive&influence=high&q=minister",
        lambda c, o: f.GovernmentContactFactory(
            country=c, stance="supportive", influence="high", title="x", person_name="The Minister"
        ),
        lambda c, o: f.GovernmentContactFactory(country=c),
    ),
    (
        "government-contacts",
        "contacted_after=2018-07-01T00:00:00Z&contacted_before=2018-07-31T00:00:00Z",
        lambda c, o: f.GovernmentContactFactory(country=c, last_contacted_at=dt.datetime(2018, 7, 4, tzinfo=dt.UTC)),
        lambda c, o: f.GovernmentContactFactory(country=c),
    ),
    (
        "government-interactions",
        "kind=call&start_after=2018-07-01T00:00:00Z&start_before=2018-07-31T00:00:00Z",
        lambda c, o: f.GovernmentInteractionFactory(
            contact__country=c, kind="call", occurred_at=dt.datetime(2018, 7, 4, tzinfo=dt.UTC)
        ),
        lambda c, o: f.GovernmentInteractionFactory(contact__country=c, kind="call"),
    ),
    (
        "regulatory-incidents",
        "status=open&kind=ban&start_after=2018-07-01T00:00:00Z",
        lambda c, o: f.IncidentFactory(country=c, opened_at=dt.datetime(2018, 7, 3, tzinfo=dt.UTC)),
        lambda c, o: f.IncidentFactory(country=c, kind="takedown"),
    ),
]


def _special(name, country, owner):
    if name == "category":
        influencer = f.InfluencerFactory(country=country)
        influencer.categories.add(Category.objects.create(slug="dance", name="Dance"))
        return influencer, {}
    if name == "account_of_influencer":
        account = f.PlatformAccountFactory(influencer__country=country, followers=900)
        return account, {"influencer": account.influencer_id}
    if name == "event_partner":
        link = f.EventPartnerFactory(event__country=country)
        return link, {"event": link.event_id}
    raise AssertionError(name)


@pytest.mark.parametrize("path, query, make, other", CASES, ids=[f"{c[0]}?{c[1]}" for c in CASES])
def test_filter(path, query, make, other, indonesia, id_lead):
    api = client_for(user=id_lead)
    if isinstance(make, str):
        record, fmt = _special(make, indonesia, id_lead)
    else:
        record, fmt = make(indonesia, id_lead), {}
        if "{moment}" in query:
            fmt = {"moment": record.cultural_moment_id}
    unwanted = other(indonesia, id_lead) if other else None
    found = _ids(api, f"/api/v1/{path}/?{query.format(**fmt)}")
    assert record.pk in found
    if unwanted is not None:
        assert unwanted.pk not in found


def test_updated_since_for_incremental_sync(api, indonesia):
    old = f.ChallengeFactory(country=indonesia)
    type(old).objects.filter(pk=old.pk).update(updated_at=T0 - dt.timedelta(days=30))
    new = f.ChallengeFactory(country=indonesia)
    found = _ids(
        api, "/api/v1/challenges/?updated_since=" + (T0 - dt.timedelta(days=1)).isoformat().replace("+", "%2B")
    )
    assert found == {new.pk}
    snap = f.MetricSnapshotFactory(challenge=new)
    assert _ids(api, "/api/v1/challenge-metrics/?updated_since=2000-01-01T00:00:00Z") == {snap.pk}
    # Bulk ingestion bumps the challenge: its totals changed.
    type(new).objects.filter(pk=new.pk).update(updated_at=T0 - dt.timedelta(days=30))
    row = {"country": "ID", "hashtag": new.hashtag, "captured_at": timezone.now().isoformat(), "views": 5}
    api.post("/api/v1/challenge-metrics/bulk/", {"rows": [row]}, format="json")
    assert new.pk in _ids(
        api, "/api/v1/challenges/?updated_since=" + (T0 - dt.timedelta(days=1)).isoformat().replace("+", "%2B")
    )


def test_natural_keys_everywhere(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia, hashtag="Goyang")
    account = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="KayKai")
    assert api.get("/api/v1/challenges/ID:goyang/").json()["id"] == challenge.pk
    assert api.get("/api/v1/challenges/id:%23GOYANG/").json()["id"] == challenge.pk
    assert api.get("/api/v1/platform-accounts/youtube:@kaykai/").json()["id"] == account.pk
    assert api.get("/api/v1/countries/ID/").json()["code"] == "ID"
    assert api.get(f"/api/v1/countries/{indonesia.pk}/").json()["code"] == "ID"
    # References in writes: natural key object, "a:b" string, id, or link.
    for ref in (
        {"country": "ID", "hashtag": "#goyang"},
        "ID:goyang",
        challenge.pk,
        f"http://testserver/api/v1/challenges/{challenge.pk}/",
    ):
        response = api.post(
            "/api/v1/challenge-metrics/",
            {"challenge": ref, "captured_at": timezone.now().isoformat(), "views": 1},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["challenge"] == challenge.pk
    for ref in ({"platform": "youtube", "handle": "@kaykai"}, "youtube:kaykai", account.pk):
        response = api.post(
            "/api/v1/follower-snapshots/",
            {"account": ref, "date": str(dt.date.today() - dt.timedelta(days=len(str(ref)))), "followers": 1},
            format="json",
        )
        assert response.status_code == 201, response.json()
    # A link to another kind of record is not accepted.
    response = api.post(
        "/api/v1/challenge-metrics/",
        {
            "challenge": f"http://testserver/api/v1/events/{challenge.pk}/",
            "captured_at": timezone.now().isoformat(),
            "views": 1,
        },
        format="json",
    )
    assert response.status_code == 400 and "challenge" in response.json()["errors"]


def test_cursor_pagination_is_stable_under_ties_and_nulls(api, indonesia):
    made = [
        f.ChallengeFactory(country=indonesia, views=(i % 3) * 100, starts_at=(T0 if i % 2 else None)) for i in range(25)
    ]
    for ordering in ("-views", "views", "starts_at", "-starts_at", "hashtag", ""):
        seen, url = [], f"/api/v1/challenges/?page_size=4&ordering={ordering}"
        while url:
            body = api.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert sorted(seen) == sorted(c.pk for c in made), ordering
        assert len(seen) == len(set(seen)), ordering
    body = api.get("/api/v1/challenges/?ordering=-views&page_size=25").json()
    views = [row["latest"]["views"] for row in body["results"]]
    assert views == sorted(views, reverse=True)


def test_unknown_ordering_is_400(api):
    response = api.get("/api/v1/challenges/?ordering=password")
    assert response.status_code == 400 and "ordering" in response.json()["errors"]


def test_token_country_filter_cannot_reach_other_countries(indonesia, thailand):
    f.ChallengeFactory(country=thailand)
    key, _token = make_token([indonesia])
    response = client_for(key).get("/api/v1/challenges/?country=TH")
    assert response.status_code == 400
    assert "country" in response.json()["errors"]
