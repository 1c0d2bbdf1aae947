"""Server time of the portal's main pages on the API issue's scale data (PostgreSQL).

Scale 1: 100,000 influencers (300,000 accounts, 600,000 follower counts) and 10,000 challenges
with 1,000,000 metric snapshots, seeded by the same generator as ``bench_api``; scale 10: ten
times the influencers and challenges. Plus events, tasks, government contacts and 5,000
regulator requests (15,000 items) for the measured country, the same at every scale. Each page
is requested in-process through Django's full middleware stack as a country lead; the figure is
the time from request to response, without the network.

Each page is judged against issue 16's target (✅/❌): median under 80 ms and p95 under 150 ms,
and queries per page constant: every warm request of the page ran as many queries, and at 10×
as many as the 1× block of docs/performance.md shows for it (the data grew, the queries did not).

    DATABASE_URL=postgres://.../opsportal_bench python manage.py migrate
    DATABASE_URL=postgres://.../opsportal_bench python manage.py bench_portal [--scale 10] [--write-docs]
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import seed as seeding
from benchmarks.pg import vacuum_if_no_autovacuum
from benchmarks.stats import percentile
from influencers.gains import refresh_week_gains
from locales.models import Country, Role, TeamMembership
from opsportal.access import in_country

START, END = "<!-- portal-benchmark:start -->", "<!-- portal-benchmark:end -->"
# Issue 16's targets for every page, at every scale.
TARGET_MEDIAN_MS, TARGET_P95_MS = 80, 150


def markers(scale: int) -> tuple[str, str]:
    """The docs block of a scale: 1x keeps the plain markers, 10x its own just after them."""
    if scale == 1:
        return START, END
    return f"<!-- portal-benchmark-{scale}x:start -->", f"<!-- portal-benchmark-{scale}x:end -->"


def documented_queries(text: str, scale: int = 1) -> dict[str, int]:
    """Queries per page as the docs block of ``scale`` shows them (its table's sixth column)."""
    start, end = markers(scale)
    block = text.partition(start)[2].partition(end)[0]
    found = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[5].isdigit():
            found[cells[0]] = int(cells[5])
    return found


def verdict(median: float, p95: float, counts: list[int], baseline: int | None = None) -> dict[str, bool]:
    """Issue 16's target for one page: fast enough, and the same queries on every warm request
    (and as many as at 1×, when that is known)."""
    constant = min(counts) == max(counts) and (baseline is None or counts[-1] == baseline)
    return {"median": median < TARGET_MEDIAN_MS, "p95": p95 < TARGET_P95_MS, "queries": constant}


def mark(ok: bool) -> str:
    return "✅" if ok else "❌"


class Command(BaseCommand):
    help = "Measure the server time of the portal's main pages on scale data (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, choices=[1, 10], default=1, help="1x or 10x the seed's rows.")
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page (median and p95 kept).")
        parser.add_argument("--influencers", type=int, help="Overrides the scale's 100,000 × scale.")
        parser.add_argument("--challenges", type=int, help="Overrides the scale's 10,000 × scale.")
        parser.add_argument("--hours", type=int, default=100, help="Snapshots per challenge.")
        parser.add_argument("--reseed", action="store_true")
        parser.add_argument("--write-docs", action="store_true", help="Write the results into docs/performance.md.")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (set DATABASE_URL).")
        opts["influencers"] = opts["influencers"] or 100_000 * opts["scale"]
        opts["challenges"] = opts["challenges"] or 10_000 * opts["scale"]
        if opts["reseed"] or not seeding.seeded(opts["influencers"], opts["challenges"] * opts["hours"]):
            self.stdout.write("Seeding (shared with bench_api)…")
            started = time.perf_counter()
            seeding.seed(
                opts["influencers"], opts["challenges"], opts["hours"], log=lambda m: self.stdout.write(f"  {m}")
            )
            self.stdout.write(f"  done in {time.perf_counter() - started:.0f}s")
        # What beat does as each country's day turns (influencers.tasks.refresh_week_gains): a
        # run just after Jakarta's midnight would otherwise time the dashboard's live fallback.
        if refresh_week_gains():
            vacuum_if_no_autovacuum(["influencers_influencer"])
        country = Country.objects.get(code="ID")
        records = self._portal_records(country)
        user = self._lead(country)
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        logging.disable(logging.INFO)  # a line per request would bury the table
        client = Client()
        client.force_login(user)

        pages = [
            ("Dashboard", "/"),
            ("Challenges list", "/challenges/"),
            ("Challenges list, filtered and sorted", "/challenges/?status=live&ordering=-views"),
            ("Challenge page", f"/challenges/{records['challenge']}/"),
            ("Challenge trend chart (cached)", f"/challenges/{records['challenge']}/chart.svg"),
            ("Influencers list", "/influencers/"),
            (
                "Influencers list, filtered",
                "/influencers/?stage=active&platform=tiktok&followers_min=1000&ordering=-total_followers",
            ),
            ("Influencers list, page 200", "/influencers/?page=200"),
            ("Pipeline board", "/influencers/board/"),
            ("Influencer page", f"/influencers/{records['influencer']}/"),
            ("Follower chart (cached)", f"/influencers/{records['influencer']}/chart.svg"),
            ("Events list", "/events/"),
            ("Event page (12 budget lines, converted)", f"/events/{records['event']}/"),
            ("Exchange rates", "/budgets/rates/"),
            ("Agreements list", "/agreements/"),
            ("Agreements list, filtered", "/agreements/?status=signed&ordering=-fee"),
            ("Agreement page", f"/agreements/{records['agreement']}/"),
            ("Calendar, month", "/calendar/"),
            ("Calendar, agenda", "/calendar/?view=agenda"),
            ("Search", "/search/?q=kaykai"),
            ("Government relations", "/government/"),
            ("Regulator requests", "/government/requests/"),
            ("Regulator requests, overdue takedowns", "/government/requests/?overdue=true&kind=takedown"),
            ("Regulator requests, page 100", "/government/requests/?page=100"),
            ("Regulator request page", f"/government/requests/{records['regulator_request']}/"),
            ("Goals, this quarter", "/goals/"),
            ("Goals, 2018 Q3 (184 outside figures, 50 a page)", "/goals/?year=2018&quarter=3"),
        ]
        rows = []
        from opsportal.models import SavedView

        docs = Path(settings.BASE_DIR) / "docs" / "performance.md"
        at_1x = documented_queries(docs.read_text()) if opts["scale"] != 1 and docs.exists() else {}
        for label, url in pages:
            cache.clear()
            SavedView.objects.filter(user=user).delete()  # no remembered filters between pages
            first, _cpu = self._time(client, url)  # cold: a chart is drawn, caches fill
            times, cpus, counts = [], [], []
            for _ in range(opts["repeat"]):
                with CaptureQueriesContext(connection) as captured:
                    wall, cpu = self._time(client, url)
                times.append(wall)
                cpus.append(cpu)
                counts.append(len(captured))
            times.sort()
            median, p95 = statistics.median(times), percentile(times, 0.95)
            ok = verdict(median, p95, counts, at_1x.get(label))
            row = (label, median, p95, statistics.median(cpus), first, counts[-1], at_1x.get(label), ok)
            rows.append(row)
            self.stdout.write(
                f"{mark(all(ok.values()))} {label:50} median {median:6.1f} ms {mark(ok['median'])}  "
                f"p95 {p95:6.1f} ms {mark(ok['p95'])}  cpu {row[3]:6.1f} ms  first {first:6.1f} ms  "
                f"{counts[0]}→{counts[-1]} queries {mark(ok['queries'])}"
            )
        report = self._report(rows, opts)
        self.stdout.write(report)
        if opts["write_docs"]:
            self._write_docs(report, opts["scale"])

    def _time(self, client: Client, url: str) -> tuple[float, float]:
        """Wall time of the request, and the CPU time this process spent on it (what the
        page costs the web server, without waiting on a busy machine or on PostgreSQL)."""
        cpu, started = time.process_time(), time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return elapsed, (time.process_time() - cpu) * 1000

    def _lead(self, country):
        from django.contrib.auth import get_user_model

        user, _ = get_user_model().objects.get_or_create(username="bench-portal-lead")
        TeamMembership.objects.get_or_create(user=user, country=country, defaults={"role": Role.LEAD})
        return user

    def _portal_records(self, country) -> dict:
        """Events, tasks, guests and government contacts the API seed does not make."""
        from challenges.models import Challenge
        from events.models import Event, EventGuest, EventTask
        from influencers.models import Influencer, InfluencerInteraction
        from locales.models import GovernmentContact, GovernmentInteraction

        now = timezone.now()
        today = timezone.localdate()
        influencer = in_country(Influencer.objects.all(), country).order_by("-total_followers").first()
        challenge = in_country(Challenge.objects.all(), country).order_by("-views").first()
        if not in_country(Event.objects.filter(name__startswith="Bench event"), country).exists():
            events = Event.objects.bulk_create(
                Event(
                    country=country,
                    name=f"Bench event {i}",
                    kind="meet_up",
                    city="Jakarta",
                    currency="IDR",
                    starts_at=now + dt.timedelta(days=i % 60 - 20, hours=i % 24),
                    ends_at=now + dt.timedelta(days=i % 60 - 20, hours=i % 24 + 3),
                    budget=1_000_000 * i,
                )
                for i in range(1, 2001)
            )
            EventTask.objects.bulk_create(
                EventTask(event=e, title=f"Task {j}", due_on=today + dt.timedelta(days=(e.pk + j) % 40 - 20))
                for e in events
                for j in range(5)
            )
            guests = list(in_country(Influencer.objects.all(), country).values_list("pk", flat=True)[:30])
            EventGuest.objects.bulk_create(EventGuest(event=events[0], influencer_id=pk) for pk in guests)
            InfluencerInteraction.objects.bulk_create(
                InfluencerInteraction(
                    influencer_id=pk,
                    kind="message",
                    occurred_at=now,
                    summary="Hello",
                    next_follow_up_on=today + dt.timedelta(days=pk % 30 - 5),
                )
                for pk in in_country(Influencer.objects.all(), country).values_list("pk", flat=True)[:5000]
            )
            contacts = GovernmentContact.objects.bulk_create(
                GovernmentContact(country=country, organization=f"Ministry {i % 12}", person_name=f"Official {i}")
                for i in range(300)
            )
            GovernmentInteraction.objects.bulk_create(
                GovernmentInteraction(
                    country=country,
                    contact=c,
                    kind="meeting",
                    summary="Met",
                    occurred_at=now - dt.timedelta(days=c.pk % 200),
                )
                for c in contacts
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give them
        self._goal_records(country, today)
        event = in_country(Event.objects.filter(name="Bench event 1"), country).first()
        self._budget_records(country, event, challenge)
        agreement = self._agreements(country)
        return {
            "influencer": influencer.pk,
            "challenge": challenge.pk,
            "event": event.pk,
            "agreement": agreement,
            "regulator_request": self._regulator_requests(country, now),
        }

    def _regulator_requests(self, country, now) -> int:
        """5,000 regulator requests over three years (a third still open, some overdue), three
        items each; seeded once, apart from the events so an older bench database gains them."""
        from locales.models import RegulatorRequest, RequestItem

        mine = in_country(RegulatorRequest.objects.filter(reference__startswith="BENCH-"), country)
        if not mine.exists():
            statuses = ["received", "in_progress", "answered", "complied", "contested", "closed"]
            kinds = ["takedown", "takedown", "data", "age", "feature", "other"]
            requests = RegulatorRequest.objects.bulk_create(
                RegulatorRequest(
                    country=country,
                    kind=kinds[i % len(kinds)],
                    authority=f"Authority {i % 20}",
                    channel="letter",
                    reference=f"BENCH-{i}",
                    received_at=(received := now - dt.timedelta(hours=i * 5 + 1)),
                    deadline=received + dt.timedelta(hours=48),
                    status=statuses[i % len(statuses)],
                    answered_at=received + dt.timedelta(hours=i % 72) if i % len(statuses) > 1 else None,
                )
                for i in range(5000)
            )
            RequestItem.objects.bulk_create(
                RequestItem(request=r, target=f"https://example.com/video/{r.pk}-{j}", action="removed")
                for r in requests
                for j in range(3)
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return mine.order_by("deadline").values_list("pk", flat=True).first()

    def _agreements(self, country) -> int:
        """2,000 creator agreements of the country, each with a deliverable and two payments."""
        from agreements.models import Agreement, Deliverable, Payment, Status
        from challenges.models import Challenge
        from influencers.models import Influencer

        today = timezone.localdate()
        mine = in_country(Agreement.objects.filter(title__startswith="Bench agreement"), country)
        if not mine.exists():
            creators = list(in_country(Influencer.objects.all(), country).values_list("pk", flat=True)[:2000])
            plays = list(in_country(Challenge.objects.all(), country).values_list("pk", flat=True)[:500])
            statuses = [Status.DRAFT, Status.SIGNED, Status.DELIVERED, Status.PAID]
            agreements = Agreement.objects.bulk_create(
                Agreement(
                    country=country,
                    influencer_id=creators[i % len(creators)],
                    challenge_id=plays[i % len(plays)],
                    title=f"Bench agreement {i}",
                    status=statuses[i % 4],
                    fee=1_000_000 * (i % 50 + 1),
                    currency="IDR",
                )
                for i in range(1, 2001)
            )
            Deliverable.objects.bulk_create(
                Deliverable(
                    agreement=a,
                    description="Videos",
                    videos_required=3,
                    due_on=today + dt.timedelta(days=a.pk % 40 - 20),
                )
                for a in agreements
            )
            Payment.objects.bulk_create(
                Payment(
                    agreement=a,
                    amount=a.fee / 2,
                    currency="IDR",
                    due_on=today + dt.timedelta(days=a.pk % 30 + j * 30 - 15),
                    paid_on=today if j == 0 and a.status == Status.PAID else None,
                )
                for a in agreements
                for j in range(2)
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return mine.order_by("pk").values_list("pk", flat=True).first()

    def _budget_records(self, country, event, challenge) -> None:
        """Budget lines (12 on the bench event, 2,000 across the others, 6 on the challenge) and
        two years of daily IDR and THB rates: the event page converts at the rate of each line's day."""
        from budgets.models import BudgetLine, ExchangeRate
        from events.models import Event

        if BudgetLine.objects.filter(event=event).exists():
            return
        categories = ["venue", "production", "creators", "travel", "marketing", "other"]
        others = list(
            in_country(Event.objects.filter(name__startswith="Bench event"), country)
            .exclude(pk=event.pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:2000]
        )
        lines = [
            BudgetLine(
                country=country,
                event_id=event.pk,
                category=categories[i % 6],
                description=f"Bench line {i}",
                planned=1_000_000 * (i + 1),
                actual=900_000 * (i + 1) if i % 3 else None,
                currency="IDR" if i % 4 else "USD",
                spent_on=timezone.localdate() - dt.timedelta(days=i * 20),
            )
            for i in range(12)
        ]
        lines += [
            BudgetLine(country=country, event_id=pk, category=categories[pk % 6], planned=5_000_000, currency="IDR")
            for pk in others
        ]
        lines += [
            BudgetLine(
                country=country,
                challenge_id=challenge.pk,
                category=categories[i],
                planned=10_000_000,
                actual=9_000_000,
                currency="IDR",
            )
            for i in range(6)
        ]
        BudgetLine.objects.bulk_create(lines)
        today = timezone.localdate()
        ExchangeRate.objects.bulk_create(
            ExchangeRate(
                currency=code,
                reporting_currency="USD",
                rate=rate,
                valid_on=today - dt.timedelta(days=d),
                source="Bench mid-rate",
            )
            for d in range(730)
            for code, rate in (("IDR", "0.0000640000"), ("THB", "0.0290000000"))
        )

    def _goal_records(self, country, today) -> None:
        """A target for every metric this quarter and in 2018 Q3, and outside figures (MAU and chart
        rank) every day for 250 days from 1 July 2018: 500 rows, 184 of them on 2018 Q3's page."""
        from goals.models import CountryGoal, ExternalFigure, Metric
        from goals.quarters import Quarter

        if in_country(ExternalFigure.objects.filter(source="Bench"), country).exists():
            return
        quarters = {Quarter.of(today), Quarter(2018, 3)}
        CountryGoal.objects.bulk_create(
            [
                CountryGoal(
                    country=country,
                    year=q.year,
                    quarter=q.quarter,
                    metric=m.value,
                    target=1 if m == Metric.CHART_RANK else 1000,
                )
                for q in quarters
                for m in Metric
            ],
            ignore_conflicts=True,
        )
        first = Quarter(2018, 3).first_day
        ExternalFigure.objects.bulk_create(
            [
                ExternalFigure(
                    country=country,
                    metric=metric,
                    measured_on=first + dt.timedelta(days=i),
                    value=i + 1,
                    source="Bench",
                )
                for i in range(250)
                for metric in ("monthly_active_users", "chart_rank")
            ],
            ignore_conflicts=True,  # a demo database (seed_demo) already has some of those days
        )

    def _report(self, rows, opts) -> str:
        scale = opts["scale"]
        counts = (
            f"{opts['influencers']:,} influencers (×3 platform accounts, ×2 follower counts each), "
            f"{opts['challenges']:,} challenges with {opts['challenges'] * opts['hours']:,} metric snapshots"
        )
        start, end = markers(scale)
        with_1x = any(r[6] is not None for r in rows)
        lines = [
            start,
            f"Measured {timezone.now():%Y-%m-%d} with `python manage.py bench_portal --scale {scale}` on {counts}; "
            f"the country measured (Indonesia) holds a fifth of them. Server time through Django's whole "
            f"middleware stack, signed in as a country lead, {opts['repeat']} requests per page; "
            f'"first" is the first request with empty caches (a chart is drawn then). Target: median under '
            f"{TARGET_MEDIAN_MS} ms and p95 under {TARGET_P95_MS} ms, queries per page constant (the same on "
            f"every warm request{', and as many as at 1×' if with_1x else ''}).",
            "",
            f"| page | median ms | p95 ms | web CPU ms | first ms | queries |{' at 1× |' if with_1x else ''} "
            "median · p95 · queries |",
            f"| --- | ---: | ---: | ---: | ---: | ---: |{' ---: |' if with_1x else ''} :---: |",
        ]
        for label, median, p95, cpu, first, queries, base, ok in rows:
            marks = f"{mark(ok['median'])} {mark(ok['p95'])} {mark(ok['queries'])}"
            at_1x = f" {'—' if base is None else base} |" if with_1x else ""
            figures = f"{median:.1f} | {p95:.1f} | {cpu:.1f} | {first:.1f} | {queries}"
            lines.append(f"| {label} | {figures} |{at_1x} {marks} |")
        met = sum(all(r[7].values()) for r in rows)
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        lines += [
            "",
            f"Target met by {met} of {len(rows)} pages (marks: median, p95, queries). Slowest median "
            f"{max(r[1] for r in rows):.0f} ms, slowest p95 {max(r[2] for r in rows):.0f} ms. Load average of "
            f"the machine when measured: {load} on {os.cpu_count()} cores (wall times grow with it; web CPU "
            "much less).",
            end,
        ]
        return "\n".join(lines)

    def _write_docs(self, report: str, scale: int) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "performance.md"
        text = path.read_text() if path.exists() else "# Performance\n"
        start, end = markers(scale)
        if start in text and end in text:
            text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: report, text, flags=re.S)
        elif END in text:  # another scale's block first: this one after it
            text = text.replace(END, END + "\n\n" + report, 1)
        elif "## Portal" in text:
            text = text.replace("## Portal\n", "## Portal\n\n" + report + "\n", 1)
        else:
            text = text.rstrip() + "\n\n## Portal\n\n" + report + "\n"
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")
