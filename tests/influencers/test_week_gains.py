"""The week's follower gains: stored by every door that writes counts, moved on by the beat task at
each country's midnight, and read by the dashboard exactly (stale rows computed live), on both
databases. The reference is the definition the dashboard computed live before (two probes per
account on the snapshots)."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imports.services import job_create, job_run
from influencers import tasks
from influencers.followers import refresh_followers
from influencers.gains import refresh_week_gains
from influencers.models import FollowerSnapshot, Influencer, PlatformAccount
from tests import factories as f
from tests.api.conftest import client_for, make_token
from tests.followers import post_counts

pytestmark = pytest.mark.django_db


def local_today(country) -> dt.date:
    return timezone.localdate(timezone=country.zone)


def definition(country, today: dt.date) -> dict[int, int | None]:
    """Core influencer → Σ over accounts of (latest count after since − last count at or before it)."""
    since = today - dt.timedelta(days=7)
    gains: dict[int, int | None] = {}
    for influencer in Influencer.objects.filter(country=country, is_core=True):
        total = None
        for account in influencer.accounts.all():
            snapshots = FollowerSnapshot.objects.filter(account=account)
            latest = snapshots.filter(date__gt=since).order_by("-date").first()
            before = snapshots.filter(date__lte=since).order_by("-date").first()
            if latest and before:
                total = (total or 0) + latest.followers - before.followers
        gains[influencer.pk] = total
    return gains


def assert_stored(country, today: dt.date) -> None:
    since = today - dt.timedelta(days=7)
    rows = Influencer.objects.filter(country=country)
    stored = {i.pk: i.week_gain for i in rows.filter(is_core=True)}
    assert stored == definition(country, today)
    assert set(rows.filter(is_core=True).values_list("week_gain_since", flat=True)) <= {since}
    assert not rows.filter(is_core=False).exclude(week_gain=None, week_gain_since=None).exists()


def top_five(country, today: dt.date) -> list[tuple[int, int]]:
    gains = [(pk, gain) for pk, gain in definition(country, today).items() if gain and gain > 0]
    return sorted(gains, key=lambda row: (-row[1], row[0]))[:5]


def keep_cached_counts(*influencers) -> None:
    """Factories write snapshots straight to the table: bring the accounts' cached counts (and
    with them the stored gains) up to date as the services would."""
    ids = [i.pk for i in influencers]
    accounts = PlatformAccount.objects.filter(influencer_id__in=ids).values_list("pk", flat=True)
    refresh_followers(list(accounts), dict.fromkeys(ids, dt.date.min))


def dashboard_gains(client) -> list[tuple[int, int]]:
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return [(row["influencer"].pk, row["gain"]) for row in response.context["gains"]]


@pytest.fixture
def creators(indonesia):
    """Twelve creators, half of them core, with one to three accounts each."""
    rng = random.Random(16)
    accounts = []
    for n in range(12):
        influencer = f.InfluencerFactory(country=indonesia, is_core=n % 2 == 0)
        for platform in ("tiktok", "youtube", "instagram")[: rng.randint(1, 3)]:
            accounts.append(f.PlatformAccountFactory(influencer=influencer, platform=platform, handle=f"{platform}{n}"))
    return rng, accounts


def _row(account, day: dt.date, count: int) -> dict:
    return {"platform": account.platform, "handle": account.handle, "date": str(day), "followers": count}


def test_bulk_ingestion_stores_the_definition_and_the_beat_moves_the_window(creators, indonesia):
    rng, accounts = creators
    api = client_for(make_token([indonesia])[0])
    today = local_today(indonesia)
    for back in range(12, -1, -1):  # a daily feed over the window's edge
        day = today - dt.timedelta(days=back)
        # The first day counts everyone (a gain is stored once an influencer's counts are written).
        batch = [_row(a, day, rng.randint(0, 10_000)) for a in accounts if back == 12 or rng.random() < 0.7]
        assert post_counts(api, batch).status_code == 200
        assert_stored(indonesia, today)
    # A correction at the window's start, and a late row inside it.
    since = today - dt.timedelta(days=7)
    fixes = [_row(accounts[0], since, 99_999), _row(accounts[1], since + dt.timedelta(days=2), 5)]
    assert post_counts(api, fixes).status_code == 200
    assert_stored(indonesia, today)
    assert any(gain for gain in definition(indonesia, today).values())

    # The next day in Jakarta: the beat task recomputes every core row for the new window, once.
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert tasks.refresh_week_gains.delay(now=tomorrow.isoformat()).get() == 6
    assert_stored(indonesia, today + dt.timedelta(days=1))
    assert tasks.refresh_week_gains.delay(now=tomorrow.isoformat()).get() == 0
    # By hand, the same.
    call_command("refresh_week_gains", now=(tomorrow + dt.timedelta(days=1)).isoformat(), stdout=io.StringIO())
    assert_stored(indonesia, today + dt.timedelta(days=2))


def test_a_count_typed_in_the_portal_moves_the_gain_and_the_dashboard(id_lead, indonesia):
    today = local_today(indonesia)
    influencer = f.InfluencerFactory(country=indonesia, is_core=True)
    own = f.PlatformAccountFactory(influencer=influencer, platform="tiktok")
    f.FollowerSnapshotFactory(account=own, date=today - dt.timedelta(days=9), followers=1_000)
    client = client_for(user=id_lead)
    url = f"/influencers/accounts/{own.pk}/followers/"
    assert client.post(url, {"date": today.isoformat(), "followers": "1500"}).status_code == 302
    assert_stored(indonesia, today)
    assert dashboard_gains(client) == [(influencer.pk, 500)]
    # Corrected: the stored figure follows at once (no cache to wait for).
    assert client.post(url, {"date": today.isoformat(), "followers": "4000"}).status_code == 302
    assert dashboard_gains(client) == [(influencer.pk, 3_000)]


def test_single_api_writes_and_becoming_core_store_the_gain(indonesia):
    api = client_for(make_token([indonesia])[0])
    today = local_today(indonesia)
    influencer = f.InfluencerFactory(country=indonesia)
    own = f.PlatformAccountFactory(influencer=influencer, platform="tiktok")
    for day, followers in ((today - dt.timedelta(days=10), 100), (today, 700)):
        body = {"account": own.pk, "date": day.isoformat(), "followers": followers}
        assert api.post("/api/v1/follower-snapshots/", body, format="json").status_code == 201
    influencer.refresh_from_db()
    assert (influencer.week_gain, influencer.week_gain_since) == (None, None)  # not core
    response = api.patch(f"/api/v1/influencers/{influencer.pk}/", {"is_core": True}, format="json")
    assert response.status_code == 200, response.content
    assert_stored(indonesia, today)
    latest = FollowerSnapshot.objects.get(account=own, date=today)
    assert api.patch(f"/api/v1/follower-snapshots/{latest.pk}/", {"followers": 900}, format="json").status_code == 200
    influencer.refresh_from_db()
    assert influencer.week_gain == 800
    assert_stored(indonesia, today)


def test_an_import_stores_the_gains_of_the_creators_it_counts(id_lead, indonesia):
    today = local_today(indonesia)
    dewi = f.InfluencerFactory(country=indonesia, name="Dewi Existing", is_core=True)
    account = f.PlatformAccountFactory(
        influencer=dewi, handle="dewi_dance", followers=10_000, followers_on=dt.date(2024, 1, 1)
    )
    f.FollowerSnapshotFactory(account=account, date=dt.date(2024, 1, 1), followers=10_000)
    text = "Nama,Country,TikTok,TikTok followers,Core\nDewi Existing,ID,@dewi_dance,15000,yes\n"
    upload = io.BytesIO(text.encode())
    job = job_create(user=id_lead, kind="influencers", country=None, upload=upload, name="gains.csv")
    job = job_run(job, dry_run=True)
    job.save()
    job_run(job, dry_run=False)
    assert FollowerSnapshot.objects.get(account=account, date=today).followers == 15_000
    dewi.refresh_from_db()
    assert dewi.week_gain == 5_000
    assert_stored(indonesia, today)


def test_stale_rows_are_answered_live_and_other_countries_never_appear(id_lead, indonesia, thailand):
    today = local_today(indonesia)
    since = today - dt.timedelta(days=7)
    people = []
    for n in range(8):
        influencer = f.InfluencerFactory(country=indonesia, is_core=n != 7)
        account = f.PlatformAccountFactory(influencer=influencer)
        f.FollowerSnapshotFactory(account=account, date=since - dt.timedelta(days=1), followers=1_000)
        f.FollowerSnapshotFactory(account=account, date=today, followers=1_000 + 100 * n)
        people.append(influencer)
    keep_cached_counts(*people)
    # Nothing stored yet (rows written before this release, or by a door that does not refresh).
    Influencer.objects.filter(country=indonesia).update(week_gain=None, week_gain_since=None)
    # Thailand's creator gains the most, stored and current; a stale one there too.
    for stored in (True, False):
        thai = f.InfluencerFactory(country=thailand, is_core=True)
        account = f.PlatformAccountFactory(influencer=thai)
        f.FollowerSnapshotFactory(account=account, date=since - dt.timedelta(days=1), followers=0)
        f.FollowerSnapshotFactory(account=account, date=today, followers=10**9)
        if stored:
            Influencer.objects.filter(pk=thai.pk).update(week_gain=10**9, week_gain_since=since)
    # A figure from yesterday's window is not trusted, however large.
    Influencer.objects.filter(pk=people[0].pk).update(week_gain=10**8, week_gain_since=since - dt.timedelta(days=1))
    client = client_for(user=id_lead)
    expected = top_five(indonesia, today)
    assert [pk for pk, _gain in expected] == [people[n].pk for n in (6, 5, 4, 3, 2)]
    assert dashboard_gains(client) == expected
    # Half stored by the service, half stale: the merge is still the exact top five.
    refresh_week_gains(influencer_ids=[p.pk for p in people[::2]])
    assert dashboard_gains(client) == expected
    refresh_week_gains(country=indonesia)
    assert_stored(indonesia, today)
    assert dashboard_gains(client) == expected


def _core_with_counts(country, n: int, today: dt.date) -> None:
    for i in range(n):
        influencer = f.InfluencerFactory(country=country, is_core=True)
        for platform in ("tiktok", "youtube"):
            account = f.PlatformAccountFactory(influencer=influencer, platform=platform)
            f.FollowerSnapshotFactory(account=account, date=today - dt.timedelta(days=8), followers=100)
            f.FollowerSnapshotFactory(account=account, date=today, followers=200 + i)
        keep_cached_counts(influencer)


def _dashboard_queries(client) -> int:
    client.get(reverse("portal:dashboard"))  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("portal:dashboard")).status_code == 200
    return len(captured)


def test_the_dashboard_reads_gains_in_constant_queries(id_lead, indonesia):
    today = local_today(indonesia)
    client = client_for(user=id_lead)
    _core_with_counts(indonesia, 1, today)
    with_one = _dashboard_queries(client)
    _core_with_counts(indonesia, 49, today)
    with_fifty = _dashboard_queries(client)
    assert with_fifty == with_one
    assert dashboard_gains(client) == top_five(indonesia, today)


@pytest.mark.parametrize(
    "zone", ["Asia/Jakarta", "Asia/Bangkok", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "America/St_Johns"]
)
def test_the_beat_refresh_runs_as_each_local_midnight_passes(zone):
    """Readers compute stale gains live (seconds for a large country): the refresh must not wait
    for an interval counted from beat's start, but run on the quarter hour a midnight falls on."""
    from zoneinfo import ZoneInfo

    from celery.schedules import crontab
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["week-gains-refresh"]["schedule"]
    assert isinstance(schedule, crontab)  # the clock's quarter hours, not 15 minutes from beat's start
    midnight = dt.datetime(2026, 12, 5, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)
    assert midnight.hour in schedule.hour and midnight.minute in schedule.minute
