"""The dashboard's weekly gains, before and after they were stored (issue 16), in one run.

    DATABASE_URL=... python manage.py shell -c "from benchmarks.dashboard_gains import run; run()"

On a bench_portal database (``benchmarks.seed``; the seed's follower refresh stores the gains).
Times, for Indonesia: the old live computation (every core account, two probes each: what the
half-hour cache hid), the stored read, the whole dashboard page served both ways, and the beat
task recomputing every core row when the window moves. Server time through Django's stack.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.stats import percentile
from dashboard import dashboard
from influencers.gains import live_week_gains, refresh_week_gains, top_week_gains, week_since
from influencers.models import Influencer
from opsportal.access import in_country
from opsportal.models import Country
from opsportal.scope import system_scope


def _old_top_gains(country, today: dt.date, *, limit: int = 5) -> list[dict]:
    """Main's ``_top_follower_gains`` meaning without its cache: every core row computed live."""
    since = week_since(today)
    core = in_country(Influencer.objects.filter(is_core=True), country)
    rows = live_week_gains(core, since).order_by(F("gain").desc(nulls_last=True), "pk")[:limit]
    return [{"influencer": row, "gain": row.gain} for row in rows if row.gain and row.gain > 0]


def _median(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), percentile(times, 0.95)


def run(repeat: int = 10, log=print) -> None:
    from benchmarks.management.commands.bench_portal import Command

    with system_scope():
        country = Country.objects.get(code="ID")
        today = timezone.localdate(timezone=country.zone)
        core = in_country(Influencer.objects.filter(is_core=True), country)
        log(f"Indonesia: {core.count():,} core influencers, {core.filter(accounts__isnull=False).count():,} accounts")
        refresh_week_gains()  # anything left stale by earlier runs
        old = _old_top_gains(country, today)
        new = top_week_gains(in_country(Influencer.objects.all(), country), today)
        assert [(r["influencer"].pk, r["gain"]) for r in old] == [(r.pk, r.gain) for r in new], (old, new)
        for label, fn in (
            ("gains, live (main without its cache)", lambda: _old_top_gains(country, today)),
            (
                "gains, stored",
                lambda: top_week_gains(in_country(Influencer.objects.all(), country), today),
            ),
        ):
            median, p95 = _median(fn, repeat)
            log(f"{label:44} median {median:8.1f} ms  p95 {p95:8.1f} ms")

        command = Command()
        command._portal_records(country)
        user = command._lead(country)
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)

    def page():
        response = client.get("/")
        assert response.status_code == 200

    for label, patch in (
        ("dashboard page, gains live (main, cache cleared)", _old_top_gains),
        ("dashboard page, gains stored", None),
    ):
        cache.clear()
        with mock.patch.object(dashboard, "top_follower_gains", patch or dashboard.top_follower_gains):
            page()
            with CaptureQueriesContext(connection) as captured:
                page()
            median, p95 = _median(page, repeat)
        log(f"{label:50} median {median:8.1f} ms  p95 {p95:8.1f} ms  {len(captured)} queries")

    with system_scope(), transaction.atomic():
        # The window moves (tomorrow in every country): every core row is recomputed, once.
        started = time.perf_counter()
        rows = refresh_week_gains(now=timezone.now() + dt.timedelta(days=1))
        log(f"beat task, window moved: {rows:,} rows in {(time.perf_counter() - started) * 1000:,.0f} ms")
        started = time.perf_counter()
        rows = refresh_week_gains(now=timezone.now() + dt.timedelta(days=1))
        log(f"beat task, nothing stale: {rows:,} rows in {(time.perf_counter() - started) * 1000:,.1f} ms")
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        # The rolled-back versions would stay in the partial index until autovacuum (the stale
        # check visits them: about 15 ms for 10,000); the next run measures a clean table.
        cursor.execute("VACUUM influencers_influencer")
