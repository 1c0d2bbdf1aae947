"""Server time of the search page and the API's ``q`` filter for a fixed list of queries,
the worst cases included, on scale data (PostgreSQL).

Scale 1: 100,000 influencers (300,000 accounts) and 10,000 challenges with 1,000,000 metric
snapshots (``benchmarks/seed.py``, shared with bench_api and bench_portal); scale 10: ten times
the influencers and challenges. Each query is requested in-process through Django's whole
middleware stack as a country lead (Indonesia; Thailand for the Thai word), 20 times.

    DATABASE_URL=postgres://.../search_bench python manage.py migrate
    DATABASE_URL=postgres://.../search_bench python manage.py bench_search [--scale 10] [--write-docs]
"""

from __future__ import annotations

import logging
import os
import re
import statistics
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import seed as seeding
from benchmarks.management.commands.bench_portal import Command as BenchPortal
from benchmarks.stats import percentile
from locales.models import Country, Role, TeamMembership

START, END = "<!-- search-benchmark:start -->", "<!-- search-benchmark:end -->"


def markers(scale: int) -> tuple[str, str]:
    """The docs block of a scale: 1x keeps the plain markers, 10x its own just after them."""
    if scale == 1:
        return START, END
    return f"<!-- search-benchmark-{scale}x:start -->", f"<!-- search-benchmark-{scale}x:end -->"


TARGET_P95_MS = 250
PORTAL_TABLES = [
    "events_event",
    "events_partner",
    "locales_governmentcontact",
    "locales_regulatorrequest",
    "locales_requestitem",
    "agreements_agreement",
    "agreements_deliverable",
    "budgets_budgetline",
]

# (what it stands for, query, country of the lead who types it)
QUERIES = [
    ("a word in every name", "creator", "ID"),
    ("one letter, in no word's start", "a", "ID"),
    ("one letter, every name's start", "c", "ID"),
    ("a Thai word in every Thai name", "ครีเอเตอร์", "TH"),
    ("a typo of the word in every name", "craetor", "ID"),
    ("a hashtag (a fifth of the challenges)", "#dancechallenge", "ID"),
    ("a handle (a thousand partial matches)", "@tiktok_12", "ID"),
    ("a number only", "12345", "ID"),
    ("two words, one in every name", "creator 777", "ID"),
    ("no hit", "zqxvw", "ID"),
]
# The API's search: the ``q`` filter of its lists (50 a page, keyset pagination).
API_QUERIES = [
    ("API influencers, a word in every name", "/api/v1/influencers/?country=ID&q=creator"),
    ("API influencers, a typo", "/api/v1/influencers/?country=ID&q=craetor"),
    ("API challenges, a hashtag", "/api/v1/challenges/?country=ID&q=%23dancechallenge"),
]


class Command(BaseCommand):
    help = "Measure search (portal page and API q filter) for a fixed list of worst-case queries (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, choices=[1, 10], default=1, help="1x or 10x the seed's rows.")
        parser.add_argument("--repeat", type=int, default=20, help="Requests per query (median and p95 kept).")
        parser.add_argument("--reseed", action="store_true")
        parser.add_argument("--write-docs", action="store_true", help="Write the results into docs/performance.md.")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (set DATABASE_URL).")
        scale = opts["scale"]
        influencers, challenges = 100_000 * scale, 10_000 * scale
        if opts["reseed"] or not seeding.seeded(influencers, challenges * 100):
            self.stdout.write(f"Seeding scale {scale}…")
            started = time.perf_counter()
            seeding.seed(scale=scale, log=lambda m: self.stdout.write(f"  {m}"))
            self.stdout.write(f"  done in {time.perf_counter() - started:.0f}s")
        # The portal's own records (events, partners' kin, agreements naming "Creator N", regulator
        # requests, budget lines), as bench_portal measures them: every group of the page runs.
        BenchPortal()._portal_records(Country.objects.get(code="ID"))
        with connection.cursor() as cursor:
            # As autovacuum would soon after bulk inserts: a GIN index's pending list (fastupdate)
            # is otherwise read on every search (+15 ms for 5,000 regulator requests).
            cursor.execute(f"VACUUM ANALYZE {', '.join(PORTAL_TABLES)}")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        logging.disable(logging.INFO)  # a line per request would bury the table
        clients = {code: self._client(code) for code in {c for _l, _q, c in QUERIES}}
        requests = [(f"{label}: `{q}`", f"/search/?q={quote(q)}", clients[code]) for label, q, code in QUERIES]
        requests += [(label, url, clients["ID"]) for label, url in API_QUERIES]
        rows = []
        for label, url, client in requests:
            self._get(client, url)  # warm: plans and the session cached, as for a person's second search
            times, cpus, sqls, queries = [], [], [], 0
            for _ in range(opts["repeat"]):
                with CaptureQueriesContext(connection) as captured:
                    cpu, started = time.process_time(), time.perf_counter()
                    response = self._get(client, url)
                    times.append((time.perf_counter() - started) * 1000)
                    cpus.append((time.process_time() - cpu) * 1000)
                queries = len(captured)
                sqls.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            times.sort()
            p95 = percentile(times, 0.95)
            row = (
                label,
                statistics.median(times),
                p95,
                statistics.median(cpus),
                statistics.median(sqls),
                queries,
                self._hits(response),
            )
            rows.append(row)
            self.stdout.write(
                f"{'✅' if p95 < TARGET_P95_MS else '❌'} {label:55} median {row[1]:7.1f} ms  p95 {p95:7.1f} ms  "
                f"cpu {row[3]:6.1f} ms  sql {row[4]:6.1f} ms  {queries} queries  {row[6]} hits"
            )
        report = self._report(rows, scale, opts["repeat"])
        self.stdout.write(report)
        if opts["write_docs"]:
            self._write_docs(report, scale)

    def _get(self, client: Client, url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return response

    def _hits(self, response) -> str:
        """Hits shown on the page, with "+" when it says more matched."""
        if response.get("Content-Type", "").startswith("application/json"):
            data = response.json()
            return f"{len(data['results'])}{'+' if data.get('next') else ''}"
        results = response.content.decode().partition('role="status"')[2].partition("</main>")[0]
        more = "?q=" in results or "refine" in results  # "See all in the list" or "More match"
        return f"{results.count('<li>')}{'+' if more else ''}"

    def _client(self, code: str) -> Client:
        from django.contrib.auth import get_user_model

        country = Country.objects.get(code=code)
        user, _ = get_user_model().objects.get_or_create(username=f"bench-search-lead-{code.lower()}")
        TeamMembership.objects.get_or_create(user=user, country=country, defaults={"role": Role.LEAD})
        client = Client()
        client.force_login(user)
        return client

    def _report(self, rows, scale: int, repeat: int) -> str:
        worst = max(r[2] for r in rows)
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        start, end = markers(scale)
        lines = [
            start,
            f"Measured {timezone.now():%Y-%m-%d} with `python manage.py bench_search --scale {scale}` on "
            f"{100_000 * scale:,} influencers ({300_000 * scale:,} accounts) and {10_000 * scale:,} challenges "
            f'({1_000_000 * scale:,} metric snapshots), every influencer named "Creator N". Server time through '
            f"Django's whole middleware stack, signed in as a country lead (Indonesia, which holds a fifth of the "
            f"rows; Thailand for the Thai word), {repeat} requests per query after one warm-up.",
            "",
            "| query | median ms | p95 ms | web CPU ms | SQL ms | queries | hits shown | p95 < 250 ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |",
        ]
        for label, median, p95, cpu, sql, queries, hits in rows:
            mark = "✅" if p95 < TARGET_P95_MS else "❌"
            lines.append(
                f"| {label} | {median:.1f} | {p95:.1f} | {cpu:.1f} | {sql:.1f} | {queries} | {hits} | {mark} |"
            )
        lines += [
            "",
            f"Slowest p95: {worst:.0f} ms (target {TARGET_P95_MS} ms). Load average of the machine when measured: "
            f"{load} on {os.cpu_count()} cores (wall times grow with it; web CPU, this process's own time, "
            "much less; SQL: the queries' time as Django waited for them, medians). "
            '"10+": the page says more matched; nothing counts them.',
            end,
        ]
        return "\n".join(lines)

    def _write_docs(self, report: str, scale: int) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "performance.md"
        text = path.read_text()
        start, end = markers(scale)
        if start in text and end in text:
            text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: report, text, flags=re.S)
        elif END in text:  # another scale's block first: this one after it
            text = text.replace(END, END + "\n\n" + report, 1)
        else:
            text = text.replace("\n## API\n", "\n## Search\n\n" + report + "\n\n## API\n", 1)
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")
