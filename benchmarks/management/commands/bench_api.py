"""Benchmark the API on PostgreSQL against baselines measured in the same run.

Lists: requests/s of the influencer and challenge lists (50 rows, token auth, gunicorn with 2
workers on loopback) beside a bare Django view served by the same gunicorn that runs the same
SQL through psycopg and returns the same JSON. Ingestion: rows/s of the bulk metric endpoint
(10,000-row batches over HTTP) beside psycopg's COPY of as many rows into the same table.

    DATABASE_URL=postgres://.../opsportal_bench python manage.py migrate
    DATABASE_URL=postgres://.../opsportal_bench python manage.py bench_api [--scale 10] [--write-docs]

Each figure is printed beside issue 16's target for it (✅/❌); ``--scale 10`` seeds 1,000,000
influencers and 100,000 challenges (10,000,000 metric snapshots) the first time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import orjson
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from benchmarks import seed as seeding
from benchmarks.load import requests_per_second
from benchmarks.pg import connect, vacuum_if_no_autovacuum
from challenges.metrics import refresh_challenge_totals
from locales.models import Country
from opsportal.models import ApiToken

START, END = "<!-- api-benchmark:start -->", "<!-- api-benchmark:end -->"
BATCH = 10_000
# Issue 16's targets, at every scale: lists against the bare view running the same SQL,
# ingestion (metric snapshots and follower counts) against COPY of the same rows.
LIST_RATIO = 0.75
BULK_RATIO, BULK_RATE = 0.5, 30_000


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, key: str | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _post(url: str, body: bytes, key: str) -> tuple[int, dict, float]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        data = json.loads(response.read())
        return response.status, data, time.perf_counter() - start


class Command(BaseCommand):
    help = "Benchmark API lists and bulk ingestion against bare-psycopg and COPY baselines (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=10.0, help="Duration of each list measurement.")
        parser.add_argument("--rounds", type=int, default=3, help="Alternating rounds per list (median kept).")
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--batches", type=int, default=10, help="10,000-row batches for ingestion.")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Data size: 1 = 100,000 influencers and 10,000 challenges (1M snapshots); 10 = ten times that.",
        )
        parser.add_argument("--influencers", type=int, help="Overrides the scale's 100,000 × scale.")
        parser.add_argument("--challenges", type=int, help="Overrides the scale's 10,000 × scale.")
        parser.add_argument("--hours", type=int, default=100, help="Snapshots per challenge.")
        parser.add_argument("--reseed", action="store_true", help="Seed again even when the data is there.")
        parser.add_argument(
            "--only",
            choices=["lists", "bulk", "followers"],
            help="Measure only the lists, only ingestion, or only follower-count ingestion.",
        )
        parser.add_argument("--write-docs", action="store_true", help="Write the results into docs/performance.md.")

    def handle(self, *args, **opts):
        self.verbosity = opts["verbosity"]
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (set DATABASE_URL).")
        if opts["write_docs"] and opts["only"]:
            raise CommandError("--write-docs needs every measurement; drop --only.")
        opts["influencers"] = opts["influencers"] or 100_000 * opts["scale"]
        opts["challenges"] = opts["challenges"] or 10_000 * opts["scale"]
        snapshots = opts["challenges"] * opts["hours"]
        if opts["reseed"] or not seeding.seeded(opts["influencers"], snapshots):
            self.stdout.write("Seeding…")
            started = time.perf_counter()
            seeding.seed(
                opts["influencers"], opts["challenges"], opts["hours"], log=lambda m: self.stdout.write(f"  {m}")
            )
            self.stdout.write(f"  done in {time.perf_counter() - started:.0f}s")
        self._vacuum_if_no_autovacuum()
        self._load_before = os.getloadavg()[0]
        key = self._token()
        port = _free_port()
        server = self._serve(port)
        results: dict = {}
        try:
            base = f"http://127.0.0.1:{port}"
            for name in ("influencers", "challenges") if opts["only"] in (None, "lists") else ():
                api_path, bare_path = f"/api/v1/{name}/?page_size=50", f"/bench/baseline/{name}/"
                api_body, bare_body = _get(base + api_path, key), _get(base + bare_path)
                if api_body != bare_body:
                    raise CommandError(f"The baseline's JSON differs from the API's for {name}.")
                api_rates, bare_rates = [], []
                for _round in range(opts["rounds"]):
                    headers = {"Authorization": f"Bearer {key}"}
                    api_rates.append(
                        requests_per_second(
                            "127.0.0.1",
                            port,
                            api_path,
                            headers=headers,
                            seconds=opts["seconds"],
                            connections=opts["connections"],
                        )
                    )
                    bare_rates.append(
                        requests_per_second(
                            "127.0.0.1", port, bare_path, seconds=opts["seconds"], connections=opts["connections"]
                        )
                    )
                results[name] = (statistics.median(api_rates), statistics.median(bare_rates))
                self.stdout.write(f"{name}: API {results[name][0]:.0f} req/s, baseline {results[name][1]:.0f} req/s")
            self._future = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=30)
            # Hourly pushes (one new snapshot for each of 10,000 challenges: every cached total
            # moves) and a backfill (100 hours of 100 challenges: few totals move).
            if opts["only"] in (None, "bulk"):
                self._warm_up(base, key)
                results["hourly"] = self._bulk(base, key, opts["batches"], BATCH, self._future)
                results["backfill"] = self._bulk(base, key, opts["batches"], 100, self._future + dt.timedelta(days=60))
            if opts["only"] == "followers":
                self._warm_up(base, key, followers=True)
            if opts["only"] != "lists":
                results["followers"] = self._follower_bulk(base, key, opts["batches"])
        finally:
            server.terminate()
            server.wait(timeout=30)
        if opts["only"] in (None, "bulk"):
            results["copy"] = self._copy(opts["batches"])
        if opts["only"] != "lists":
            results["drain"] = self._drain_follower_refreshes()
            results["copy_followers"] = self._copy_followers(opts["batches"])
            self._cleanup()
        report = self._report(results, opts)
        self.stdout.write(report)
        if opts["write_docs"]:
            self._write_docs(report, opts["scale"])

    # --- setup ----------------------------------------------------------------------------
    # The tables each run writes and deletes again: every run leaves dead rows in them.
    CHURNED = (
        "challenges_challengemetricsnapshot",
        "challenges_challenge",
        "influencers_followersnapshot",
        "influencers_platformaccount",
        "influencers_influencer",
        "influencers_followerrefresh",
    )

    def _vacuum_if_no_autovacuum(self) -> None:
        """Otherwise each run inserts into indexes full of the last run's dead rows."""
        if vacuum_if_no_autovacuum(self.CHURNED):
            self.stdout.write("autovacuum is off on this server: vacuumed the tables the benchmark churns")

    def _token(self) -> str:
        ApiToken.objects.filter(name="bench").delete()
        key = ApiToken.generate_key()
        token = ApiToken(name="bench", scopes=["read", "write"])
        token.set_key(key)
        token.save()
        token.countries.set(Country.objects.all())
        return key

    def _serve(self, port: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "API_THROTTLE_RATE": "100000000/s",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "opsportal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ]
        server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return server
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise CommandError("gunicorn did not start")

    # --- ingestion ------------------------------------------------------------------------
    def _batch(self, start: dt.datetime, challenges: list[tuple[str, str]], k: int) -> bytes:
        """10,000 rows: each challenge gets BATCH / len(challenges) hourly snapshots from ``start``."""
        hours = BATCH // len(challenges)
        rows = [
            {
                "country": code,
                "hashtag": tag,
                "captured_at": (start + dt.timedelta(hours=k * hours + h)).isoformat(),
                "views": 10_000_000 + (k * hours + h) * 1000 + i,
                "videos": 1000 + k,
                "likes": 5000 + k,
                "comments": 300 + k,
                "shares": 100 + k,
            }
            for i, (code, tag) in enumerate(challenges)
            for h in range(hours)
        ]
        return orjson.dumps({"rows": rows})

    def _warm_up(self, base: str, key: str, followers: bool = False) -> None:
        """Let every gunicorn worker answer a small batch first: the figures are for warm workers."""
        from concurrent.futures import ThreadPoolExecutor

        from challenges.models import Challenge
        from influencers.models import PlatformAccount

        moment = self._future + dt.timedelta(days=400)  # inside the range _cleanup() removes
        if followers:
            # A seeded count sent again: the whole path runs and nothing changes.
            account = PlatformAccount.objects.order_by("pk").first()
            row = {
                "platform": account.platform,
                "handle": account.handle,
                "date": account.followers_on.isoformat(),
                "followers": account.followers,
            }
            path = "/api/v1/follower-snapshots/bulk/"
        else:
            code, tag = Challenge.objects.order_by("pk").values_list("country__code", "hashtag").first()
            row = {"country": code, "hashtag": tag, "captured_at": moment.isoformat(), "views": 1}
            path = "/api/v1/challenge-metrics/bulk/"
        body = orjson.dumps({"rows": [row]})
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _i: _post(base + path, body, key), range(8)))

    def _bulk(self, base: str, key: str, batches: int, width: int, start: dt.datetime) -> dict:
        """POST ``batches`` batches spread over ``width`` challenges; then replay the first."""
        from challenges.models import Challenge

        challenges = list(Challenge.objects.order_by("pk").values_list("country__code", "hashtag")[:width])
        payloads = [self._batch(start, challenges, k) for k in range(batches)]
        return self._post_batches(base + "/api/v1/challenge-metrics/bulk/", key, payloads)

    def _post_batches(self, url: str, key: str, payloads: list[bytes]) -> dict:
        """POST each batch (all rows new), timed over HTTP; then replay the first (all unchanged)."""
        seconds, created = 0.0, 0
        for body in payloads:
            status, data, took = _post(url, body, key)
            if status != 200 or data["created"] != data["rows"]:
                raise CommandError(f"Bulk ingestion failed: {status} {data}")
            seconds += took
            if self.verbosity > 1:
                self.stdout.write(f"  batch of {data['rows']:,} rows: {took:.3f}s")
            created += data["created"]
        _status, replay, replay_took = _post(url, payloads[0], key)
        if replay["unchanged"] != replay["rows"]:
            raise CommandError(f"A replay changed rows: {replay}")
        return {"rows": created, "seconds": seconds, "replay_rate": replay["rows"] / replay_took}

    def _copy(self, batches: int) -> dict:
        from challenges.models import Challenge

        ids = list(Challenge.objects.order_by("pk").values_list("pk", flat=True)[:BATCH])
        start_at = self._future + dt.timedelta(days=30)  # between the two bulk ranges
        return self._copy_batches(
            "COPY challenges_challengemetricsnapshot (challenge_id, captured_at, views, videos, likes, "
            "comments, shares, source, recorded_at) FROM STDIN",
            (
                [
                    (pk, start_at + dt.timedelta(hours=k), 10_000_000 + i, 1000, 5000, 300, 100, "api", timezone.now())
                    for i, pk in enumerate(ids)
                ]
                for k in range(batches)
            ),
        )

    def _copy_followers(self, batches: int) -> dict:
        from influencers.models import PlatformAccount

        ids = list(PlatformAccount.objects.order_by("pk").values_list("pk", flat=True)[:BATCH])
        first = self._future.date() + dt.timedelta(days=30)  # after the bulk range
        return self._copy_batches(
            "COPY influencers_followersnapshot (account_id, date, followers, source, recorded_at) FROM STDIN",
            (
                [(pk, first + dt.timedelta(days=k), 1000 + i + k, "api", timezone.now()) for i, pk in enumerate(ids)]
                for k in range(batches)
            ),
        )

    def _copy_batches(self, statement: str, batches) -> dict:
        """psycopg's COPY of each batch in its own transaction, timed from first row to commit."""
        seconds, count = 0.0, 0
        with connect(autocommit=False) as conn:
            for rows in batches:
                started = time.perf_counter()
                with conn.cursor() as cursor, cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
                conn.commit()
                seconds += time.perf_counter() - started
                count += len(rows)
        return {"rows": count, "seconds": seconds}

    def _follower_bulk(self, base: str, key: str, batches: int) -> dict:
        """POST ``batches`` days of counts for the first 10,000 accounts; then replay the first."""
        from influencers.models import PlatformAccount

        accounts = list(PlatformAccount.objects.order_by("pk").values_list("platform", "handle")[:BATCH])
        first = self._future.date()
        payloads = [
            orjson.dumps(
                {
                    "rows": [
                        {
                            "platform": platform,
                            "handle": handle,
                            "date": (first + dt.timedelta(days=k)).isoformat(),
                            "followers": 1000 + i + k,
                        }
                        for i, (platform, handle) in enumerate(accounts)
                    ]
                }
            )
            for k in range(batches)
        ]
        return self._post_batches(base + "/api/v1/follower-snapshots/bulk/", key, payloads)

    def _drain_follower_refreshes(self) -> dict:
        """The work the follower batches queued (influencers' totals, crossovers, week's gains),
        done as one worker does it: off the requests' clock, but on the same machine."""
        from influencers.followers import drain_follower_refreshes

        started = time.perf_counter()
        influencers = drain_follower_refreshes()
        return {"influencers": influencers, "seconds": time.perf_counter() - started}

    def _cleanup(self) -> None:
        from challenges.models import ChallengeMetricSnapshot

        touched = set(
            ChallengeMetricSnapshot.objects.filter(captured_at__gte=self._future)
            .values_list("challenge_id", flat=True)
            .distinct()
        )
        ChallengeMetricSnapshot.objects.filter(captured_at__gte=self._future).delete()
        refresh_challenge_totals(touched)

        from influencers.followers import refresh_followers
        from influencers.models import FollowerSnapshot, PlatformAccount

        added = FollowerSnapshot.objects.filter(date__gte=self._future.date())
        accounts = set(added.values_list("account_id", flat=True).distinct())
        added.delete()
        influencers = PlatformAccount.objects.filter(pk__in=accounts).values_list("influencer_id", flat=True)
        refresh_followers(accounts, dict.fromkeys(set(influencers), dt.date.min))

    # --- report ---------------------------------------------------------------------------
    def _report(self, results: dict, opts: dict) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
            cursor.execute("SHOW shared_buffers")
            shared_buffers = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM influencers_influencer")
            influencers = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM challenges_challengemetricsnapshot")
            snapshots = cursor.fetchone()[0]
        copy = results.get("copy")
        copy_rate = copy["rows"] / copy["seconds"] if copy else 0
        lines = [
            f"Measured {timezone.now():%Y-%m-%d} with `python manage.py bench_api --scale {opts['scale']}"
            f"{' --only ' + opts['only'] if opts['only'] else ''}` on PostgreSQL {version} "
            f"(shared_buffers {shared_buffers}), "
            f"{os.cpu_count()} cores, {influencers:,} influencers (3 accounts each), {snapshots:,} metric snapshots; "
            f"gunicorn with 2 sync workers on loopback, {opts['connections']} client connections, "
            f"median of {opts['rounds']} alternating {opts['seconds']:.0f}s rounds. Load average "
            f"{self._load_before:.1f} → {os.getloadavg()[0]:.1f} (other work on the machine slows both sides "
            "alike; compare the ratios).",
            "",
            "| measurement | API | baseline | ratio | target |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        for name in ("influencers", "challenges") if "influencers" in results else ():
            api, bare = results[name]
            lines.append(
                f"| `GET /api/v1/{name}/?page_size=50` (req/s) | {api:,.0f} | {bare:,.0f} (bare view, same SQL) | "
                f"{api / bare:.2f}× | ≥ {LIST_RATIO}× {_mark(api / bare >= LIST_RATIO)} |"
            )
        for shape, label in (
            (
                ("hourly", "one new snapshot for each of 10,000 challenges"),
                ("backfill", "100 hourly snapshots for each of 100 challenges"),
            )
            if copy
            else ()
        ):
            bulk = results[shape]
            rate = bulk["rows"] / bulk["seconds"]
            ok = rate / copy_rate >= BULK_RATIO and rate >= BULK_RATE
            lines.append(
                f"| `POST /api/v1/challenge-metrics/bulk/`, {shape}: {bulk['rows']:,} new rows in 10,000-row batches, "
                f"{label} (rows/s) | {rate:,.0f} | {copy_rate:,.0f} (psycopg COPY, same rows) | "
                f"{rate / copy_rate:.2f}× | ≥ {BULK_RATIO}× and ≥ {BULK_RATE:,} rows/s {_mark(ok)} |"
            )
            lines.append(
                f"| the {shape} batch replayed, all rows unchanged (rows/s) | {bulk['replay_rate']:,.0f} | | | |"
            )
        if "followers" in results:
            bulk, base = results["followers"], results["copy_followers"]
            rate, copy_rate = bulk["rows"] / bulk["seconds"], base["rows"] / base["seconds"]
            ok = rate / copy_rate >= BULK_RATIO and rate >= BULK_RATE
            lines.append(
                f"| `POST /api/v1/follower-snapshots/bulk/`: {bulk['rows']:,} new counts in 10,000-row batches, "
                f"one for each of 10,000 accounts (rows/s) | {rate:,.0f} | "
                f"{copy_rate:,.0f} (psycopg COPY, same rows) | "
                f"{rate / copy_rate:.2f}× | ≥ {BULK_RATIO}× and ≥ {BULK_RATE:,} rows/s {_mark(ok)} |"
            )
            lines.append(
                f"| the follower batch replayed, all rows unchanged (rows/s) | {bulk['replay_rate']:,.0f} | | | |"
            )
            drain = results.get("drain")
            if drain:
                whole = bulk["rows"] / (bulk["seconds"] + drain["seconds"])
                lines.append(
                    f"| then the influencers' figures the batches queued, refreshed by one worker: "
                    f"{drain['influencers']:,} influencers in {drain['seconds']:.1f} s; batches and refresh "
                    f"together (rows/s) | {whole:,.0f} | | {whole / copy_rate:.2f}× | for information |"
                )
        return "\n".join(lines) + "\n"

    def _write_docs(self, report: str, scale: int = 1) -> None:
        """1x keeps the plain markers; 10x its own block just after them."""
        path = Path(settings.BASE_DIR) / "docs" / "performance.md"
        text = path.read_text() if path.exists() else "# Performance\n"
        start, end = (
            (START, END) if scale == 1 else (START.replace(":", f"-{scale}x:"), END.replace(":", f"-{scale}x:"))
        )
        block = f"{start}\n{report}{end}"
        if start in text and end in text:
            text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
        elif END in text:
            text = text.replace(END, END + "\n\n" + block, 1)
        else:
            text = text.rstrip() + "\n\n## API\n\n" + block + "\n"
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")
