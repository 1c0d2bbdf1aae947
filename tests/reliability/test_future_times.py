"""Measurements more than an hour in the future are refused with the row or field named, at every door
(the services hold the rule: opsportal.timecheck)."""

import datetime as dt

import pytest
from django.utils import timezone

from challenges.models import ChallengeMetricSnapshot
from influencers.models import FollowerSnapshot
from opsportal.timecheck import day_ahead, moment_ahead
from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db

METRICS_URL = "/api/v1/challenge-metrics/bulk/"
FOLLOWERS_URL = "/api/v1/follower-snapshots/bulk/"


@pytest.fixture
def api(indonesia):
    key, _token = make_token([indonesia])
    return client_for(key)


def _metric(challenge, at: dt.datetime, views: int = 1) -> dict:
    return {"country": "ID", "hashtag": challenge.hashtag, "captured_at": at.isoformat(), "views": views}


def test_the_rule_allows_an_hour_of_clock_skew():
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    assert not moment_ahead(now + dt.timedelta(minutes=59), now)
    assert moment_ahead(now + dt.timedelta(minutes=61), now)
    # 12:00 UTC is already 02:00 the next day in UTC+14: that day has begun somewhere.
    assert not day_ahead(dt.date(2026, 12, 3), now)
    assert day_ahead(dt.date(2026, 12, 4), now)


def test_a_bulk_metric_row_two_hours_ahead_is_named_and_nothing_is_written(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    now = timezone.now()
    rows = [_metric(challenge, now - dt.timedelta(hours=1)), _metric(challenge, now + dt.timedelta(hours=2))]
    response = api.post(METRICS_URL, {"rows": rows}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[1].captured_at"]
    assert "future" in response.json()["errors"]["rows[1].captured_at"][0]
    assert not ChallengeMetricSnapshot.objects.exists()


def test_a_bulk_metric_row_within_the_slack_is_stored(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    response = api.post(
        METRICS_URL, {"rows": [_metric(challenge, timezone.now() + dt.timedelta(minutes=30))]}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_a_follower_row_dated_after_tomorrow_is_named(api, indonesia):
    account = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    ahead = (timezone.now() + dt.timedelta(days=3)).date()
    rows = [
        {"platform": "youtube", "handle": "kaykai", "date": "2026-06-01", "followers": 10},
        {"platform": "youtube", "handle": "kaykai", "date": str(ahead), "followers": 10},
    ]
    response = api.post(FOLLOWERS_URL, {"rows": rows}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[1].date"]
    assert not FollowerSnapshot.objects.filter(account=account).exists()


def test_the_single_snapshot_doors_refuse_it_too(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    account = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube")
    metric = api.post(
        "/api/v1/challenge-metrics/",
        {"challenge": challenge.pk, "captured_at": "9999-12-31T00:00:00Z", "views": 1},
        format="json",
    )
    assert metric.status_code == 400 and "captured_at" in metric.json()["errors"], metric.json()
    follower = api.post(
        "/api/v1/follower-snapshots/", {"account": account.pk, "date": "9999-12-31", "followers": 1}, format="json"
    )
    assert follower.status_code == 400 and "date" in follower.json()["errors"], follower.json()


def test_the_services_hold_the_rule_for_every_door_that_types_one_number(indonesia):
    """The portal's forms, the API's single rows and an event's quick capture all save through
    these services: the rule is theirs (the portal forms had a rule of their own, 5 minutes)."""
    from django.core.exceptions import ValidationError

    from challenges.metrics import metric_snapshot_type
    from influencers.followers import follower_count_type

    challenge = f.ChallengeFactory(country=indonesia)
    account = f.PlatformAccountFactory(influencer__country=indonesia)
    with pytest.raises(ValidationError) as metric:
        metric_snapshot_type(challenge, captured_at=timezone.now() + dt.timedelta(hours=2), views=1)
    with pytest.raises(ValidationError) as follower:
        follower_count_type(account, date=(timezone.now() + dt.timedelta(days=3)).date(), followers=1)
    assert set(metric.value.message_dict) == {"captured_at"} and set(follower.value.message_dict) == {"date"}
    assert not ChallengeMetricSnapshot.objects.exists() and not FollowerSnapshot.objects.exists()
    metric_snapshot_type(challenge, captured_at=timezone.now() + dt.timedelta(minutes=30), views=1)
    assert ChallengeMetricSnapshot.objects.count() == 1  # within the hour of clock skew
