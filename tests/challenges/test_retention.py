"""Hourly metric snapshots older than OPSPORTAL_METRIC_HOURLY_DAYS become one a day (SQLite and PostgreSQL)."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from challenges.metric_totals import refresh_challenge_totals
from challenges.models import Challenge, ChallengeMetricSnapshot
from challenges.retention import metric_snapshots_roll_up, roll_up_cutoff
from challenges.selectors import metric_before
from challenges.tasks import roll_up_metric_snapshots
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 3, 12, 30, tzinfo=dt.UTC)
DAYS = 100  # of hourly history, ten more than are kept hourly


def hourly(challenge, *, days=DAYS):
    start = NOW - dt.timedelta(days=days)
    ChallengeMetricSnapshot.objects.bulk_create(
        ChallengeMetricSnapshot(challenge=challenge, captured_at=start + dt.timedelta(hours=h), views=1000 + 7 * h)
        for h in range(days * 24)
    )


@pytest.fixture
def world(indonesia, settings):
    settings.OPSPORTAL_METRIC_HOURLY_DAYS = 90
    japan = f.CountryFactory(code="JP")
    challenges = [
        f.ChallengeFactory(country=indonesia),
        f.ChallengeFactory(country=indonesia),
        f.ChallengeFactory(country=japan),
    ]
    for challenge in challenges:
        hourly(challenge)
    refresh_challenge_totals([c.pk for c in challenges])
    return challenges


def rows_of(challenge):
    return list(ChallengeMetricSnapshot.objects.filter(challenge=challenge).values_list("captured_at", "views"))


def local_midnights(zone):
    first = (NOW - dt.timedelta(days=DAYS - 1)).astimezone(zone).date()
    return [dt.datetime.combine(first + dt.timedelta(days=d), dt.time(), tzinfo=zone) for d in range(DAYS - 1)]


def test_old_days_keep_their_last_snapshot_and_recent_hours_stay(world, django_assert_max_num_queries):
    before = {c.pk: rows_of(c) for c in world}
    totals = {c.pk: Challenge.objects.values("views", "metrics_at").get(pk=c.pk) for c in world}
    views_at = {
        c.pk: {
            m: Challenge.objects.annotate(v=metric_before(m)).get(pk=c.pk).v
            for m in local_midnights(ZoneInfo(c.country.timezone))
        }
        for c in world
    }

    # The zones; per zone its oldest row, then per batch (ten old days: two, cut at 1 September)
    # one DELETE in its own transaction (a savepoint and its release inside the test's).
    with django_assert_max_num_queries(1 + 2 * (1 + 2 * 3)):
        deleted = metric_snapshots_roll_up(now=NOW, since=dt.date.min)

    assert deleted > 0
    for challenge in world:
        zone = ZoneInfo(challenge.country.timezone)
        cutoff = roll_up_cutoff(zone, NOW)
        last_of_day = {}
        for moment, views in before[challenge.pk]:
            if moment < cutoff:
                last_of_day[moment.astimezone(zone).date()] = (moment, views)  # rows come in time order
        after = rows_of(challenge)
        old = [row for row in after if row[0] < cutoff]
        assert sorted(old) == sorted(last_of_day.values())  # exactly the last of each local day
        assert [row for row in after if row[0] >= cutoff] == [row for row in before[challenge.pk] if row[0] >= cutoff]
        per_day = defaultdict(int)
        for moment, _views in old:
            per_day[moment.astimezone(zone).date()] += 1
        assert set(per_day.values()) == {1}
        assert Challenge.objects.values("views", "metrics_at").get(pk=challenge.pk) == totals[challenge.pk]
        # A report's "last snapshot before local midnight" reads the same numbers as before.
        for moment, views in views_at[challenge.pk].items():
            assert Challenge.objects.annotate(v=metric_before(moment)).get(pk=challenge.pk).v == views

    assert metric_snapshots_roll_up(now=NOW, since=dt.date.min) == 0  # idempotent


def test_the_cutoff_is_local_midnight_ninety_days_back(settings):
    settings.OPSPORTAL_METRIC_HOURLY_DAYS = 90
    jakarta = ZoneInfo("Asia/Jakarta")
    cutoff = roll_up_cutoff(jakarta, NOW)
    assert cutoff == dt.datetime(2026, 9, 4, tzinfo=jakarta)
    assert cutoff.astimezone(dt.UTC) == dt.datetime(2026, 9, 3, 17, tzinfo=dt.UTC)


def test_the_task_looks_a_few_weeks_back_and_the_command_all_the_way(world, settings):
    oldest_kept_hourly = {c.pk: roll_up_cutoff(ZoneInfo(c.country.timezone), NOW) for c in world}
    settings.OPSPORTAL_METRIC_HOURLY_DAYS = 95  # only the first five days are old enough
    expected = 0
    for challenge in world:
        zone = ZoneInfo(challenge.country.timezone)
        old = [m for m, _v in rows_of(challenge) if m < roll_up_cutoff(zone, NOW)]
        expected += len(old) - len({m.astimezone(zone).date() for m in old})
    assert roll_up_metric_snapshots.delay(now=NOW.isoformat()).get() == expected

    settings.OPSPORTAL_METRIC_HOURLY_DAYS = 90
    call_command("roll_up_metric_snapshots", "--all", "--now", NOW.isoformat())
    for challenge in world:
        zone = ZoneInfo(challenge.country.timezone)
        old = ChallengeMetricSnapshot.objects.filter(
            challenge=challenge, captured_at__lt=oldest_kept_hourly[challenge.pk]
        )
        days = [moment.astimezone(zone).date() for moment in old.values_list("captured_at", flat=True)]
        assert len(days) == len(set(days)) >= 10


def test_nothing_old_nothing_deleted(indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    hourly(challenge, days=30)
    assert metric_snapshots_roll_up(now=NOW, since=dt.date.min) == 0
    assert ChallengeMetricSnapshot.objects.filter(challenge=challenge).count() == 30 * 24
