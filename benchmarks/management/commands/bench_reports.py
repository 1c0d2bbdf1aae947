"""Benchmark the weekly reports: 150 countries at the API benchmark's scale, figures and charts timed.

With ``--workers 1`` everything is generated inside one transaction that is rolled back at the end
(unless --keep), and the reports are built one after the other. With several workers (the default,
2: Celery's prefork pool on this 2-core machine) the generated countries must be committed so that
the worker processes see them; they are kept and reused by the next run, so run it on a benchmark
database. Results go to docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from benchmarks.stats import percentile
from challenges.models import Challenge, ChallengeMetricSnapshot
from events.models import Event, EventTask
from influencers.models import FollowerSnapshot, Influencer, PlatformAccount
from locales.models import (
    Country,
    CulturalMoment,
    CulturalMomentOccurrence,
    GovernmentContact,
    GovernmentInteraction,
    RegulatoryIncident,
    Role,
    TeamMembership,
)
from reports import services
from reports.figures import country_figures
from reports.hq import hq_figures
from reports.weeks import parse_week, week_bounds

ZONES = ["Asia/Jakarta", "Asia/Bangkok", "Asia/Tokyo", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]
PLATFORMS = ["tiktok", "youtube", "instagram", "facebook"]
BENCH_NAME = "Bench country"
TARGET_SECONDS = 60
STAGES = ["prospect", "contacted", "onboarded", "active", "dormant"]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the weekly report of 150 countries (figures, charts, HQ) on generated data, then roll it back."

    def add_arguments(self, parser):
        parser.add_argument("--countries", type=int, default=150)
        parser.add_argument(
            "--scale", type=int, default=1, help="1: 100,000 influencers, 1,000,000 snapshots; 10: ten times."
        )
        parser.add_argument("--influencers", type=int, help="In all countries together (default 100,000 × scale).")
        parser.add_argument(
            "--snapshots", type=int, help="Challenge metric snapshots in all (default 1,000,000 × scale)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="Processes building reports side by side, as Celery's prefork pool does (default 2). "
            "1: one after the other, in a transaction rolled back at the end.",
        )
        parser.add_argument("--week", default="2026-W47")
        parser.add_argument("--keep", action="store_true", help="Commit the generated data instead of rolling back.")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, countries, scale, influencers, snapshots, workers, week, keep, seed, **options):
        try:
            parse_week(week)
        except ValueError as error:
            raise CommandError(f"--week: {error}")
        if countries < 1 or workers < 1 or scale < 1:
            raise CommandError("--countries, --workers and --scale must be at least 1.")
        influencers = influencers or 100_000 * scale
        snapshots = snapshots or 1_000_000 * scale
        self.rng = random.Random(seed)
        if workers > 1:
            self.committed(countries, influencers, snapshots, week)
            self.measure(week, workers)
            return
        try:
            with transaction.atomic():
                self.generated(countries, influencers, snapshots, week)
                self.measure(week, 1)
                if not keep:
                    raise Rollback
        except Rollback:
            self.stdout.write("rolled back the generated data")

    def generated(self, countries: int, influencers: int, snapshots: int, week: str) -> None:
        started = time.perf_counter()
        made = self.generate(countries, influencers, snapshots, week)
        self.stdout.write(f"generated {made} in {time.perf_counter() - started:.1f}s")
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would give a real database (ANALYZE sees the
            # transaction's own rows); without them the planner takes the tables for empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def committed(self, countries: int, influencers: int, snapshots: int, week: str) -> None:
        """Worker processes only see committed rows: generate once and keep them for later runs."""
        kept = list(Country.objects.filter(name__startswith=BENCH_NAME).order_by("name").values_list("pk", flat=True))
        have = len(kept)
        if have == countries:
            self.country_ids = kept
            self.stdout.write(f"reusing the {have} generated countries already in this database")
            return
        if have:
            raise CommandError(
                f"This database holds {have} generated countries, not {countries}: use another database "
                "or the same --countries."
            )
        with transaction.atomic():
            self.generated(countries, influencers, snapshots, week)
        self.stdout.write("the generated countries are kept in this database for the next run")

    # --- data -----------------------------------------------------------------------------
    def generate(self, n_countries: int, n_influencers: int, n_snapshots: int, week: str) -> str:
        User = get_user_model()
        per_influencers = max(1, n_influencers // n_countries)
        challenges_per = 40
        snaps_per_challenge = max(2, n_snapshots // (n_countries * challenges_per))
        taken = set(Country.objects.values_list("code", flat=True))
        codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(26 * 26)]
        codes = [code for code in codes if code not in taken]
        if len(codes) < n_countries:
            raise CommandError(f"Only {len(codes)} two-letter codes are free for generated countries.")
        countries = Country.objects.bulk_create(
            [
                Country(
                    code=codes[i],
                    name=f"{BENCH_NAME} {i:03d}",
                    timezone=ZONES[i % len(ZONES)],
                    currency="USD",
                    default_language="en",
                )
                for i in range(n_countries)
            ]
        )
        self.country_ids = [c.pk for c in countries]
        totals = dict.fromkeys(["influencers", "accounts", "follower snapshots", "metric snapshots", "events"], 0)
        for c in countries:
            b = week_bounds(week, c.timezone)
            users = User.objects.bulk_create(
                [User(username=f"bench-{c.code}-{k}", email=f"bench-{c.code}-{k}@example.com") for k in range(5)]
            )
            TeamMembership.objects.bulk_create(
                [
                    TeamMembership(user=u, country=c, role=role)
                    for u, role in zip(
                        users,
                        [Role.LEAD, Role.OPERATOR, Role.OPERATOR, Role.GOVERNMENT_RELATIONS, Role.VIEWER],
                        strict=True,
                    )
                ]
            )
            totals["influencers"] += self._influencers(c, b, users, per_influencers, totals)
            totals["metric snapshots"] += self._challenges(c, b, users, challenges_per, snaps_per_challenge)
            totals["events"] += self._events_and_more(c, b, users)
        return ", ".join(f"{v:,} {k}" for k, v in totals.items()) + f" in {n_countries} countries"

    def _influencers(self, c, b, users, count, totals) -> int:
        rng = self.rng
        people = Influencer.objects.bulk_create(
            [
                Influencer(
                    country=c,
                    name=f"Creator {c.code} {k}",
                    is_core=k % 6 == 0,
                    core_since=b.start_date - dt.timedelta(days=rng.randint(-3, 400)) if k % 6 == 0 else None,
                    stage=rng.choice(STAGES),
                    relationship_owner=users[1],
                    crossed_over_on=b.start_date + dt.timedelta(days=rng.randint(0, 6)) if k % 50 == 0 else None,
                )
                for k in range(count)
            ],
            batch_size=2000,
        )
        history = Influencer.history.model
        moved = [p for p in people if rng.random() < 0.1]
        history.objects.bulk_create(
            [
                history(
                    id=p.pk,
                    country_id=c.pk,
                    name=p.name,
                    stage=stage,
                    kind=p.kind,
                    is_core=p.is_core,
                    created_at=b.prev_start,
                    history_date=when,
                    history_type=kind,
                )
                for p in moved
                for stage, when, kind in (
                    ("prospect", b.prev_start, "+"),
                    (p.stage, b.start + dt.timedelta(hours=rng.randint(1, 160)), "~"),
                )
            ],
            batch_size=2000,
        )
        accounts = PlatformAccount.objects.bulk_create(
            [
                PlatformAccount(influencer=p, platform=platform, handle=f"{c.code.lower()}{p.pk}{platform[:2]}")
                for p in people
                for platform in PLATFORMS[: 1 + p.pk % 2]
            ],
            batch_size=5000,
        )
        snaps = []
        for a in accounts:
            base = rng.randint(1_000, 2_000_000)
            for offset, grow in ((-8, 0), (0, rng.randint(0, 5000)), (6, rng.randint(0, 50_000))):
                base += grow
                snaps.append(FollowerSnapshot(account=a, date=b.start_date + dt.timedelta(days=offset), followers=base))
        FollowerSnapshot.objects.bulk_create(snaps, batch_size=5000)
        totals["accounts"] += len(accounts)
        totals["follower snapshots"] += len(snaps)
        return len(people)

    def _challenges(self, c, b, users, count, per) -> int:
        rng = self.rng
        challenges = Challenge.objects.bulk_create(
            [
                Challenge(
                    country=c,
                    hashtag=f"bench{c.code.lower()}{k}",
                    title=f"Challenge {k}",
                    format="dance",
                    status="live" if k % 4 else "ended",
                    starts_at=b.prev_start - dt.timedelta(days=3),
                    ends_at=None if k % 4 else b.start + dt.timedelta(days=3),
                    target_views=50_000_000,
                    target_videos=100_000,
                    owner=users[1],
                )
                for k in range(count)
            ]
        )
        span = (b.end - b.prev_start) / per
        rows = []
        for ch in challenges:
            views = videos = 0
            for k in range(per):
                views += rng.randint(0, 400_000)
                videos += rng.randint(0, 900)
                rows.append(
                    ChallengeMetricSnapshot(
                        challenge=ch,
                        captured_at=b.prev_start + span * k,
                        views=views,
                        videos=videos,
                        likes=views // 20,
                        comments=views // 200,
                        shares=views // 100,
                    )
                )
        ChallengeMetricSnapshot.objects.bulk_create(rows, batch_size=5000)
        return len(rows)

    def _events_and_more(self, c, b, users) -> int:
        events = Event.objects.bulk_create(
            [
                Event(
                    country=c,
                    name=f"Event {k}",
                    kind="meet_up",
                    city="City",
                    currency="USD",
                    status="held" if k < 10 else "confirmed",
                    starts_at=b.start + dt.timedelta(hours=12 * k),
                    ends_at=b.start + dt.timedelta(hours=12 * k + 4),
                    attendance=100 + k if k < 10 else None,
                )
                for k in range(20)
            ]
        )
        EventTask.objects.bulk_create(
            [
                EventTask(event=e, title=f"Task {k}", assignee=users[2], due_on=b.start_date + dt.timedelta(days=k - 2))
                for e in events
                for k in range(3)
            ]
        )
        contacts = GovernmentContact.objects.bulk_create(
            [
                GovernmentContact(
                    country=c,
                    organization="Ministry",
                    person_name=f"Official {k}",
                    last_contacted_at=b.start - dt.timedelta(days=30 * k),
                )
                for k in range(20)
            ]
        )
        incidents = RegulatoryIncident.objects.bulk_create(
            [
                RegulatoryIncident(country=c, title=f"Incident {k}", kind="inquiry", opened_at=b.prev_start)
                for k in range(3)
            ]
        )
        GovernmentInteraction.objects.bulk_create(
            [
                GovernmentInteraction(
                    country=c,
                    contact=contacts[k % 20],
                    incident=incidents[k % 3],
                    kind="meeting",
                    occurred_at=b.start + dt.timedelta(hours=5 * k),
                    summary="Met",
                )
                for k in range(30)
            ]
        )
        moments = CulturalMoment.objects.bulk_create([CulturalMoment(country=c, name=f"Moment {k}") for k in range(5)])
        CulturalMomentOccurrence.objects.bulk_create(
            [
                CulturalMomentOccurrence(
                    moment=m,
                    year=b.end_date.year,
                    starts_on=b.end_date + dt.timedelta(days=15 * k),
                    ends_on=b.end_date + dt.timedelta(days=15 * k + 1),
                )
                for k, m in enumerate(moments)
            ]
        )
        return len(events)

    # --- measurement ---------------------------------------------------------------------
    def measure(self, week: str, workers: int) -> None:
        countries = self.country_ids
        started = time.perf_counter()
        if workers == 1:
            results = [build_one(pk, week) for pk in countries]
        else:
            # Each worker opens its own connection: none may inherit this process's socket.
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.starmap(build_one, [(pk, week) for pk in countries], chunksize=1)
        total = time.perf_counter() - started
        figure_times, chart_times, queries = zip(*results, strict=True)
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            hq_figures(week)
        hq_time = time.perf_counter() - t0

        def ms(values, q=None):
            values = sorted(values)
            value = statistics.median(values) if q is None else percentile(values, q)
            return f"{value * 1000:.0f} ms"

        load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
        met = "✅" if total < TARGET_SECONDS else "❌"
        self.stdout.write(f"countries: {len(countries)}; workers: {workers}; load average {load}")
        self.stdout.write(
            f"all reports (figures + charts), wall: {total:.1f}s {met} (target under {TARGET_SECONDS}s); "
            f"summed over workers: figures {sum(figure_times):.1f}s, charts {sum(chart_times):.1f}s"
        )
        self.stdout.write(
            f"figures per country: median {ms(figure_times)}, p95 {ms(figure_times, 0.95)}, max {ms(figure_times, 1)}"
        )
        self.stdout.write(f"chart per country: median {ms(chart_times)}, max {ms(chart_times, 1)}")
        self.stdout.write(f"queries per country: min {min(queries)}, max {max(queries)}")
        self.stdout.write(f"HQ cross-country figures: {hq_time * 1000:.0f} ms, {len(captured)} queries")


def build_one(country_id: int, week: str) -> tuple[float, float, int]:
    """One country's report as its Celery task builds it: the figures, then the chart drawn."""
    country = Country.objects.get(pk=country_id)
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        figures = country_figures(country, week)
    t1 = time.perf_counter()
    services.country_chart(figures)
    return t1 - t0, time.perf_counter() - t1, len(captured)
