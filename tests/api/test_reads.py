"""What each read carries: challenge totals and 7-day gain, influencer accounts and growth;
the fast read path matches the documented serializers."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from challenges.api.serializers import ChallengeSerializer
from influencers.api.serializers import InfluencerSerializer
from locales.models import GovernmentCommitment
from opsportal.db import Door
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_rows_match_the_documented_serializers(api, indonesia):
    f.PlatformAccountFactory(influencer__country=indonesia)
    f.ChallengeFactory(country=indonesia)
    influencer = api.get("/api/v1/influencers/").json()["results"][0]
    fields = InfluencerSerializer().fields
    assert list(influencer) == [name for name, field in fields.items() if not field.write_only]
    assert list(influencer["accounts"][0]) == list(InfluencerSerializer().fields["accounts"].child.fields)
    challenge = api.get("/api/v1/challenges/").json()["results"][0]
    assert list(challenge) == list(ChallengeSerializer().fields)


def test_portable_influencer_rows_match_postgresql(api, indonesia, monkeypatch):
    from django.db import connection

    influencer = f.InfluencerFactory(country=indonesia)
    influencer.categories.create(slug="comedy", name="Comedy")
    account = f.PlatformAccountFactory(influencer=influencer, platform="youtube", handle="natemee")
    f.FollowerSnapshotFactory(account=account, date=timezone.localdate() - dt.timedelta(days=40), followers=10)
    f.PlatformAccountFactory(influencer=influencer, platform="tiktok", handle="natemee")
    expected = api.get("/api/v1/influencers/").json()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert api.get("/api/v1/influencers/").json() == expected


@pytest.mark.parametrize("path", ["native", "portable"])
def test_growth_counts_from_thirty_days_before_the_countrys_own_today(api, indonesia, monkeypatch, path):
    # 20:00 UTC on 5 December is already 6 December in Jakarta: growth counts from 6 November
    # there (10 followers), not from the UTC day's 5 November (5).
    indonesia.timezone = "Asia/Jakarta"
    indonesia.save()
    account = f.PlatformAccountFactory(influencer__country=indonesia, followers=100)
    for day, followers in ((5, 5), (6, 10)):
        f.FollowerSnapshotFactory(account=account, date=dt.date(2026, 11, day), followers=followers)
    f.FollowerSnapshotFactory(account=account, date=dt.date(2026, 12, 5), followers=100)
    if path == "portable":  # the CASE over the zones that SQLite runs, on PostgreSQL too
        monkeypatch.setattr(connection, "vendor", "sqlite")
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 12, 5, 20, tzinfo=dt.UTC)):
        influencer = api.get("/api/v1/influencers/").json()["results"][0]
        detail = api.get(f"/api/v1/influencers/{influencer['id']}/").json()
        alone = api.get(f"/api/v1/platform-accounts/{account.pk}/").json()
    assert influencer["accounts"][0]["followers"] == 100
    assert influencer["growth_30d"] == influencer["accounts"][0]["growth_30d"] == 90
    assert detail["growth_30d"] == alone["growth_30d"] == 90


def test_challenge_latest_totals_and_gain(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    now = timezone.now()
    f.MetricSnapshotFactory(challenge=challenge, captured_at=now - dt.timedelta(days=9), views=1_000, videos=10)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=now - dt.timedelta(days=8), views=2_000, videos=20)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=now - dt.timedelta(days=1), views=53_000_000, videos=900)
    from challenges.metrics import refresh_challenge_totals

    refresh_challenge_totals([challenge.pk])
    body = api.get(f"/api/v1/challenges/{challenge.pk}/").json()
    assert body["latest"]["views"] == 53_000_000
    assert body["latest"]["captured_at"].endswith("Z")
    assert body["gain_7d"]["views"] == 53_000_000 - 2_000
    assert body["gain_7d"]["videos"] == 900 - 20
    trend = api.get(f"/api/v1/challenges/{challenge.pk}/trend/?days=30").json()
    assert [p["views"] for p in trend["points"]] == [1_000, 2_000, 53_000_000]
    assert trend["points"][-1]["views_gained"] == 53_000_000 - 2_000
    assert api.get(f"/api/v1/challenges/{challenge.pk}/trend/?days=0").status_code == 400


def test_new_challenge_gain_counts_from_first_snapshot(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=timezone.now() - dt.timedelta(days=2), views=100)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=timezone.now() - dt.timedelta(hours=1), views=900)
    from challenges.metrics import refresh_challenge_totals

    refresh_challenge_totals([challenge.pk])
    assert api.get(f"/api/v1/challenges/{challenge.pk}/").json()["gain_7d"]["views"] == 800


def test_influencer_created_with_accounts_and_stage_moves(api, indonesia):
    Category = __import__("influencers.models", fromlist=["Category"]).Category
    Category.objects.create(slug="comedy", name="Comedy")
    response = api.post(
        "/api/v1/influencers/",
        {
            "country": "ID",
            "name": "Nate & Mee",
            "categories": ["comedy"],
            "stage": "contacted",
            "accounts": [{"platform": "youtube", "handle": "@NateMee", "profile_url": "https://youtube.com/@natemee"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["categories"] == ["comedy"]
    assert body["accounts"][0]["handle"] == "NateMee" and body["accounts"][0]["followers"] == 0
    assert body["stage_changed_at"] is not None
    moved = api.patch(body["url"], {"stage": "onboarded"}, format="json").json()
    assert moved["stage"] == "onboarded" and moved["stage_changed_at"] > body["stage_changed_at"]
    # The same handle again is refused, naming the account row.
    again = api.post(
        "/api/v1/influencers/",
        {"country": "ID", "name": "Copy", "accounts": [{"platform": "youtube", "handle": "natemee"}]},
        format="json",
    )
    assert again.status_code == 400
    assert any(key.startswith("accounts[0]") for key in again.json()["errors"])
    # Accounts are not rewritten through the influencer.
    assert api.patch(body["url"], {"accounts": []}, format="json").status_code == 400


def test_interaction_through_the_service_moves_prospect(api, indonesia):
    influencer = f.InfluencerFactory(country=indonesia)
    response = api.post(
        "/api/v1/influencer-interactions/",
        {"influencer": influencer.pk, "kind": "message", "summary": "Hello"},
        format="json",
    )
    assert response.status_code == 201
    influencer.refresh_from_db()
    assert influencer.stage == "contacted"


def test_event_money_and_task_done(api, indonesia, thailand):
    event = api.post(
        "/api/v1/events/",
        {
            "country": "ID",
            "name": "DWP",
            "kind": "festival",
            "city": "Jakarta",
            "starts_at": "2026-12-11T18:00:00+07:00",
            "ends_at": "2026-12-13T04:00:00+07:00",
            "budget": 1500000000,
        },
        format="json",
    ).json()
    assert event["budget"] == "1500000000.00" and event["currency"] == "IDR"
    assert event["starts_at"] == "2026-12-11T11:00:00Z"
    task = api.post("/api/v1/event-tasks/", {"event": event["id"], "title": "Booth"}, format="json").json()
    done = api.patch(task["url"], {"done": True}, format="json").json()
    assert done["done"] is True and done["done_at"]
    moment = f.CulturalMomentFactory(country=thailand)
    wrong = api.post(
        "/api/v1/events/",
        {
            "country": "ID",
            "name": "x",
            "kind": "press",
            "city": "x",
            "starts_at": "2026-12-11T18:00:00+07:00",
            "ends_at": "2026-12-11T19:00:00+07:00",
            "cultural_moment": moment.pk,
        },
        format="json",
    )
    assert wrong.status_code == 400 and "cultural_moment" in wrong.json()["errors"]


def test_government_interaction_touches_contact_and_incident_resolves(gov_api, indonesia):
    contact = f.GovernmentContactFactory(country=indonesia)
    incident = gov_api.post(
        "/api/v1/regulatory-incidents/",
        {"country": "ID", "title": "Ban", "kind": "ban", "opened_at": "2018-07-03T09:00:00+07:00"},
        format="json",
    ).json()
    logged = gov_api.post(
        "/api/v1/government-interactions/",
        {
            "contact": contact.pk,
            "incident": incident["id"],
            "kind": "meeting",
            "summary": "Met the minister",
            "occurred_at": "2018-07-04T10:00:00+07:00",
        },
        format="json",
    )
    assert logged.status_code == 201, logged.json()
    assert logged.json()["country"] == "ID"
    contact.refresh_from_db()
    assert contact.last_contacted_at == dt.datetime(2018, 7, 4, 3, tzinfo=dt.UTC)
    resolved = gov_api.patch(
        incident["url"], {"status": "resolved", "resolved_at": "2018-07-10T12:00:00+07:00"}, format="json"
    ).json()
    assert resolved["status"] == "resolved" and resolved["days_restricted"] == 8
    early = gov_api.post(
        "/api/v1/regulatory-incidents/",
        {
            "country": "ID",
            "title": "x",
            "kind": "ban",
            "status": "resolved",
            "opened_at": "2018-07-03T09:00:00+07:00",
            "resolved_at": "2018-07-01T09:00:00+07:00",
        },
        format="json",
    )
    assert early.status_code == 400


def test_government_commitments_by_natural_keys(gov_api, api, indonesia, thailand, id_gr, id_operator):
    incident = f.IncidentFactory(country=indonesia, title="2018 temporary ban")
    minister = f.GovernmentContactFactory(country=indonesia)
    made = gov_api.post(
        "/api/v1/government-commitments/",
        {
            "incident": incident.pk,
            "contact": minister.pk,
            "description": "A local moderation team reviews flagged videos within 24 hours",
            "due_on": "2018-07-08",
            "owner": id_gr.username,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["country"], body["owner"], body["status"]) == ("ID", id_gr.username, "open")
    commitment = GovernmentCommitment.objects.get()
    assert commitment.history.first().history_door == Door.API
    listed = gov_api.get("/api/v1/government-commitments/", {"incident": incident.pk, "due_before": "2018-07-31"})
    assert [c["id"] for c in listed.json()["results"]] == [commitment.pk]
    assert gov_api.patch(body["url"], {"status": "done"}, format="json").json()["status"] == "done"

    # The same checks as every door: an owner off the team, another country's incident, no country at all.
    refused = gov_api.post(
        "/api/v1/government-commitments/",
        {"incident": incident.pk, "description": "x", "owner": id_operator.username},
        format="json",
    )
    assert refused.status_code == 400 and "owner" in refused.json()["errors"]
    elsewhere = f.IncidentFactory(country=thailand)
    other = gov_api.post(
        "/api/v1/government-commitments/", {"incident": elsewhere.pk, "description": "x"}, format="json"
    )
    assert other.status_code == 400 and "incident" in other.json()["errors"]
    nowhere = gov_api.post("/api/v1/government-commitments/", {"description": "x"}, format="json")
    assert nowhere.status_code == 400 and "country" in nowhere.json()["errors"]
    # Without the government scope the collection does not answer.
    assert api.get("/api/v1/government-commitments/").status_code == 403
