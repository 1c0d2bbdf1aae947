"""Bulk ingestion: 10,000-row batches, replay, all-or-nothing, cached totals, one audit entry."""

import dataclasses
import datetime as dt

import pytest

from challenges.models import Challenge, ChallengeMetricSnapshot
from influencers.models import FollowerRefresh, FollowerSnapshot, Influencer, PlatformAccount
from opsportal.models import AuditEntry
from tests import factories as f
from tests.api.conftest import client_for, make_token
from tests.followers import post_counts

pytestmark = pytest.mark.django_db

METRICS_URL = "/api/v1/challenge-metrics/bulk/"
FOLLOWERS_URL = "/api/v1/follower-snapshots/bulk/"
BASE = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def metric_rows(challenges, hours: int, start=BASE, scale=1):
    return [
        {
            "country": c.country.code,
            "hashtag": f"#{c.hashtag.upper()}",
            "captured_at": (start + dt.timedelta(hours=h)).astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat(),
            "views": (h + 1) * 1000 * scale + i,
            "videos": h + i,
            "likes": h * 10,
            "comments": h,
            "shares": h // 2,
        }
        for i, c in enumerate(challenges)
        for h in range(hours)
    ]


def test_ten_thousand_metric_rows_then_replay(api, indonesia):
    challenges = [f.ChallengeFactory(country=indonesia) for _ in range(100)]
    rows = metric_rows(challenges, 100)
    assert len(rows) == 10_000
    response = api.post(METRICS_URL, {"rows": rows}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"rows": 10_000, "created": 10_000, "updated": 0, "unchanged": 0}
    assert ChallengeMetricSnapshot.objects.count() == 10_000
    first = Challenge.objects.get(pk=challenges[0].pk)
    assert first.views == 100 * 1000
    assert first.metrics_at == BASE + dt.timedelta(hours=99)
    assert AuditEntry.objects.filter(model="challenges.challengemetricsnapshot").count() == 1
    entry = AuditEntry.objects.get(model="challenges.challengemetricsnapshot")
    assert entry.door == "api" and entry.token is not None and entry.details["rows"] == 10_000

    replay = api.post(METRICS_URL, {"rows": rows}, format="json")
    assert replay.json() == {"rows": 10_000, "created": 0, "updated": 0, "unchanged": 10_000}
    assert ChallengeMetricSnapshot.objects.count() == 10_000


def test_metric_upsert_counts_and_totals_follow_latest(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia, hashtag="goyang")
    rows = metric_rows([challenge], 3)
    api.post(METRICS_URL, {"rows": rows}, format="json")
    rows[1]["views"] = 999_999  # an older snapshot corrected
    rows.append({**rows[0], "captured_at": "2026-06-30T00:00:00Z"})  # an even older one
    response = api.post(METRICS_URL, {"rows": rows}, format="json")
    assert response.json() == {"rows": 4, "created": 1, "updated": 1, "unchanged": 2}
    challenge.refresh_from_db()
    # The latest snapshot wins, not the latest written.
    assert challenge.views == 3000 and challenge.metrics_at == BASE + dt.timedelta(hours=2)
    # A later snapshot moves the totals; deleting it moves them back.
    later = {**rows[0], "captured_at": "2026-07-05T00:00:00+00:00", "views": 10}
    latest = {**rows[2], "views": 3001}  # the latest until now, corrected in the same batch
    response = api.post(METRICS_URL, {"rows": [later, latest]}, format="json")
    # A row after the challenge's latest snapshot is new without a probe; the other is probed.
    assert response.json() == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0}
    challenge.refresh_from_db()
    assert challenge.views == 10
    snapshot = ChallengeMetricSnapshot.objects.get(challenge=challenge, views=10)
    assert api.delete(f"/api/v1/challenge-metrics/{snapshot.pk}/").status_code == 204
    challenge.refresh_from_db()
    assert challenge.views == 3001


def test_one_bad_row_writes_nothing_and_is_named(api, indonesia):
    challenges = [f.ChallengeFactory(country=indonesia) for _ in range(10)]
    rows = metric_rows(challenges, 10)
    rows[57]["views"] = -5
    original = rows[58]["captured_at"]
    rows[58]["captured_at"] = "2026-07-01T10:00:00"  # no offset
    rows[59]["hashtag"] = "nosuchchallenge"
    response = api.post(METRICS_URL, {"rows": rows}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert "rows[57].views" in body["errors"]
    assert "rows[58].captured_at" in body["errors"]
    assert "rows[57]" in body["message"]
    assert ChallengeMetricSnapshot.objects.count() == 0
    # The unknown hashtag is found once the other rows are fixed.
    rows[57]["views"] = 5
    rows[58]["captured_at"] = original
    response = api.post(METRICS_URL, {"rows": rows}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[59].hashtag"]
    assert ChallengeMetricSnapshot.objects.count() == 0
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "rows"),
        ({"rows": "nope"}, "rows"),
        ({"rows": [1]}, "rows[0]"),
        ({"rows": [{"country": "ID", "hashtag": "x", "captured_at": "yesterday", "views": 1}]}, "rows[0].captured_at"),
        (
            {"rows": [{"country": "ID", "hashtag": "x", "captured_at": "0001-01-01T00:00:00+14:00", "views": 1}]},
            "rows[0].captured_at",
        ),
        (
            {"rows": [{"country": "ID", "hashtag": "x", "captured_at": "9999-12-31T23:00:00-05:00", "views": 1}]},
            "rows[0].captured_at",
        ),
        (
            {"rows": [{"country": "ID", "hashtag": "x", "captured_at": "2026-07-01T00:00:00Z", "views": True}]},
            "rows[0].views",
        ),
        (
            {"rows": [{"country": "ID", "hashtag": "x", "captured_at": "2026-07-01T00:00:00Z", "views": 2**64}]},
            "rows[0].views",
        ),
        (
            {"rows": [{"country": "ID", "hashtag": "x", "captured_at": "2026-07-01T00:00:00Z", "view": 1}]},
            "rows[0].view",
        ),
        (
            {"rows": [{"country": "Indonesia", "hashtag": "x", "captured_at": "2026-07-01T00:00:00Z", "views": 1}]},
            "rows[0].country",
        ),
    ],
)
def test_malformed_batches_are_400(api, indonesia, payload, field):
    f.ChallengeFactory(country=indonesia, hashtag="x")
    response = api.post(METRICS_URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_duplicate_rows_in_a_batch_are_named(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    rows = metric_rows([challenge], 2)
    rows.append({**rows[1], "captured_at": (BASE + dt.timedelta(hours=1)).isoformat()})  # same instant, UTC
    response = api.post(METRICS_URL, {"rows": rows}, format="json")
    assert response.status_code == 400
    assert "rows[2].captured_at" in response.json()["errors"]


@pytest.mark.parametrize("hashtag", ["nul\x00byte", 'tag"quote', "back\\slash", "comma,brace{}", "NULL", "ไทย tag"])
def test_awkward_hashtags_are_looked_up_not_executed(api, indonesia, hashtag):
    """Hashtags travel to PostgreSQL inside an array literal: quoting must hold for any text."""
    f.ChallengeFactory(country=indonesia, hashtag="real")
    row = {"country": "ID", "hashtag": hashtag, "captured_at": "2026-07-01T00:00:00Z", "views": 1}
    response = api.post(METRICS_URL, {"rows": [row]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[0].hashtag"]
    assert not ChallengeMetricSnapshot.objects.exists()


def test_too_many_rows_is_413(api, indonesia):
    row = {"country": "ID", "hashtag": "x", "captured_at": "2026-07-01T00:00:00Z", "views": 1}
    response = api.post(METRICS_URL, {"rows": [row] * 10_001}, format="json")
    assert response.status_code == 413
    assert response.json()["type"] == "payload_too_large"


def test_bulk_is_scoped_to_the_tokens_countries(indonesia, thailand):
    f.ChallengeFactory(country=thailand, hashtag="songkran")
    key, _token = make_token([indonesia])
    row = {"country": "TH", "hashtag": "songkran", "captured_at": "2026-07-01T00:00:00Z", "views": 1}
    response = client_for(key).post(METRICS_URL, {"rows": [row]}, format="json")
    assert response.status_code == 400
    assert "rows[0].hashtag" in response.json()["errors"]
    key, _token = make_token([indonesia], ("read",))
    assert client_for(key).post(METRICS_URL, {"rows": [row]}, format="json").status_code == 403


def test_read_only_country_in_a_mixed_session_is_refused(indonesia, thailand):
    from locales.models import Role

    user = f.UserFactory(username="mixed")
    f.MembershipFactory(user=user, country=indonesia, role=Role.OPERATOR)
    f.MembershipFactory(user=user, country=thailand, role=Role.VIEWER)
    f.ChallengeFactory(country=thailand, hashtag="songkran")
    row = {"country": "TH", "hashtag": "songkran", "captured_at": "2026-07-01T00:00:00Z", "views": 1}
    response = client_for(user=user).post(METRICS_URL, {"rows": [row]}, format="json")
    assert response.status_code == 400
    assert "rows[0].country" in response.json()["errors"]


# --- followers ------------------------------------------------------------------------------


def follower_rows(accounts, days: int, start=dt.date(2026, 6, 1)):
    return [
        {
            "platform": a.platform,
            "handle": f"@{a.handle.upper()}",
            "date": str(start + dt.timedelta(days=d)),
            "followers": 1000 + d * 10 + i,
        }
        for i, a in enumerate(accounts)
        for d in range(days)
    ]


def test_ten_thousand_follower_rows_then_replay(api, indonesia, django_capture_on_commit_callbacks):
    accounts = [f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube") for _ in range(100)]
    rows = follower_rows(accounts, 100)
    with django_capture_on_commit_callbacks() as after_commit:
        response = api.post(FOLLOWERS_URL, {"rows": rows}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"rows": 10_000, "created": 10_000, "updated": 0, "unchanged": 0}
    account = PlatformAccount.objects.get(pk=accounts[3].pk)
    assert account.followers == 1000 + 990 + 3 and account.followers_on == dt.date(2026, 9, 8)
    # The influencers' totals wait in the batch's queue for the task its commit sends...
    assert Influencer.objects.get(pk=account.influencer_id).total_followers == 0
    assert sorted(FollowerRefresh.objects.values_list("since", flat=True).distinct()) == [dt.date(2026, 6, 1)]
    assert FollowerRefresh.objects.count() == 100 and len(after_commit) == 1
    after_commit[0]()
    assert Influencer.objects.get(pk=account.influencer_id).total_followers == account.followers
    assert not FollowerRefresh.objects.exists()
    with django_capture_on_commit_callbacks() as after_commit:
        replay = api.post(FOLLOWERS_URL, {"rows": rows}, format="json")
    assert replay.json() == {"rows": 10_000, "created": 0, "updated": 0, "unchanged": 10_000}
    assert not FollowerRefresh.objects.exists() and not after_commit  # nothing moved, nothing queued
    assert FollowerSnapshot.objects.count() == 10_000
    assert AuditEntry.objects.filter(model="influencers.followersnapshot").count() == 2


@pytest.mark.parametrize("handle", ["nul\x00byte", 'kay"kai', "back\\slash", "comma,brace{}", "NULL"])
def test_awkward_handles_are_looked_up_not_executed(api, indonesia, handle):
    f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    row = {"platform": "youtube", "handle": handle, "date": "2026-07-01", "followers": 1}
    response = api.post(FOLLOWERS_URL, {"rows": [row]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[0].handle"]
    assert not FollowerSnapshot.objects.exists()


def test_follower_bad_row_writes_nothing(api, indonesia):
    account = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    rows = follower_rows([account], 5)
    rows[3]["date"] = "04/07/2026"
    response = api.post(FOLLOWERS_URL, {"rows": rows}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[3].date"]
    assert not FollowerSnapshot.objects.exists()


def test_totals_growth_and_crossover(api, indonesia):
    influencer = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider")
    f.PlatformAccountFactory(influencer=influencer, platform="youtube", handle="kaykai")
    f.PlatformAccountFactory(influencer=influencer, platform="tiktok", handle="kaykai")
    f.PlatformAccountFactory(influencer=influencer, platform="instagram", handle="kaykai")
    today = dt.date.today()
    day = lambda n: str(today - dt.timedelta(days=n))  # noqa: E731
    rows = [
        {"platform": "youtube", "handle": "kaykai", "date": day(60), "followers": 5_000_000},
        {"platform": "youtube", "handle": "kaykai", "date": day(0), "followers": 5_700_000},
        {"platform": "instagram", "handle": "kaykai", "date": day(60), "followers": 2_000_000},
        {"platform": "tiktok", "handle": "kaykai", "date": day(60), "followers": 100_000},
        {"platform": "tiktok", "handle": "kaykai", "date": day(40), "followers": 4_000_000},
        {"platform": "tiktok", "handle": "kaykai", "date": day(0), "followers": 6_100_000},
    ]
    assert post_counts(api, rows).status_code == 200
    influencer.refresh_from_db()
    assert influencer.total_followers == 5_700_000 + 2_000_000 + 6_100_000
    assert influencer.crossed_over_on == today
    body = api.get(f"/api/v1/influencers/{influencer.pk}/").json()
    assert body["followers_by_platform"] == {"instagram": 2_000_000, "tiktok": 6_100_000, "youtube": 5_700_000}
    # 30-day growth: from the last count at least 30 days old.
    assert body["growth_30d"] == (5_700_000 - 5_000_000) + (6_100_000 - 4_000_000)
    assert body["crossed_over"] is True and body["crossed_over_on"] == str(today)
    # A correction in the past moves the crossover earlier...
    fix = [{"platform": "tiktok", "handle": "kaykai", "date": day(40), "followers": 5_100_000}]
    post_counts(api, fix)
    influencer.refresh_from_db()
    assert influencer.crossed_over_on == today - dt.timedelta(days=40)
    # ...and deleting the snapshot that made it undoes it.
    snapshot = FollowerSnapshot.objects.get(account__platform="tiktok", date=today - dt.timedelta(days=40))
    assert api.delete(f"/api/v1/follower-snapshots/{snapshot.pk}/").status_code == 204
    influencer.refresh_from_db()
    assert influencer.crossed_over_on == today


def test_crossover_sql_matches_the_portable_rule(indonesia):
    """The set-based SQL and the per-influencer Python agree on a random history."""
    import random

    from influencers.followers import first_crossover
    from tests.followers import ingest_counts

    rng = random.Random(7)
    influencers = []
    for n in range(20):
        influencer = f.InfluencerFactory(country=indonesia)
        for platform in ("tiktok", "youtube", "instagram")[: rng.randint(1, 3)]:
            f.PlatformAccountFactory(influencer=influencer, platform=platform, handle=f"{platform}{n}")
        influencers.append(influencer)
    rows = []
    for account in PlatformAccount.objects.all():
        for d in rng.sample(range(30), 8):
            rows.append(
                {
                    "platform": account.platform,
                    "handle": account.handle,
                    "date": str(dt.date(2026, 1, 1) + dt.timedelta(days=d)),
                    "followers": rng.randint(0, 1000),
                }
            )
    ingest_counts(rows)
    for influencer in influencers:
        influencer.refresh_from_db()
        assert influencer.crossed_over_on == first_crossover(influencer.pk), influencer.pk


def test_portable_path_gives_the_same_result(indonesia, monkeypatch):
    """The SQLite fallback: same counts, same cached totals."""
    from django.db import connection

    from challenges import metrics
    from tests.followers import ingest_counts

    challenge = f.ChallengeFactory(country=indonesia, hashtag="goyang")
    account = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    monkeypatch.setattr(connection, "vendor", "sqlite")
    rows = metric_rows([challenge], 3)
    assert metrics.ingest_metric_rows(rows).as_dict() == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    rows[0]["views"] = 7
    assert metrics.ingest_metric_rows(rows).as_dict() == {"rows": 3, "created": 0, "updated": 1, "unchanged": 2}
    challenge.refresh_from_db()
    assert challenge.views == 3000
    frows = follower_rows([account], 3)
    assert ingest_counts(frows).as_dict()["created"] == 3
    assert ingest_counts(frows).as_dict()["unchanged"] == 3
    account.refresh_from_db()
    assert account.followers == 1020
    assert Influencer.objects.get(pk=account.influencer_id).total_followers == 1020


@pytest.mark.postgresql(reason="the one-statement upsert that can race is PostgreSQL's; SQLite writes row by row")
def test_a_challenge_appearing_mid_batch_asks_to_send_again(api, indonesia, monkeypatch):
    """The one statement matched fewer rows than the lookup that names errors finds: a race."""
    from challenges import metrics

    challenge = f.ChallengeFactory(country=indonesia)
    real = metrics._upsert_postgresql

    def one_row_short(parsed, editable):
        written = real(parsed, editable)
        return dataclasses.replace(written, matched=written.matched - 1)

    monkeypatch.setattr(metrics, "_upsert_postgresql", one_row_short)
    response = api.post(METRICS_URL, {"rows": metric_rows([challenge], 2)}, format="json")
    assert response.status_code == 400
    assert "send it again" in response.json()["errors"]["rows"][0]
    assert not ChallengeMetricSnapshot.objects.exists()
    challenge.refresh_from_db()
    assert challenge.views == 0
