"""Fault tests on a stack of our own: gunicorn (2 workers, DJANGO_DEBUG=0), a Celery worker,
PostgreSQL and Redis started by the test on their own ports. Run: ``bash scripts/faults.sh``.

- PostgreSQL stopped 20 s: every door that needs it answers 503 with Retry-After (the portal's
  page, the API's JSON shape), never 500; /healthz stays 200; recovery within 1 s of its return.
- Redis stopped 15 s: 0 API 5xx (throttle and cache fail open); /readyz names Redis.
- Redis restarted while the worker holds 30 unacknowledged (countdown) messages: the worker
  stays up, reconnects within 10 s and runs new tasks (kombu 5.7.0 exited here).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import urllib.error
import urllib.request

import pytest

from tests.reliability.stack import (
    PYTHON,
    OwnPostgres,
    OwnRedis,
    Processes,
    free_port,
    term_stops_cleanly,
    timing_target,
    wait_until,
)

pytestmark = [pytest.mark.faults]

THINK = (0.5, 1.5)  # seconds a load-test user waits between requests


class Http:
    def __init__(self, port: int, token: str):
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def get(self, path: str, *, token: bool = False, cookie: str | None = None, timeout: float = 10):
        request = urllib.request.Request(self.base + path)
        if token:
            request.add_header("Authorization", f"Bearer {self.token}")
        if cookie:
            request.add_header("Cookie", cookie)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller

    from tests.opsportal.conftest import RecordingHandler

    class OutageHandler(RecordingHandler):
        """Answers 451 (try again later) to every recipient until ``refuse_until``."""

        refuse_until = 0.0

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if time.monotonic() < self.refuse_until:
                return "451 4.3.0 Service unavailable, try again later"
            return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    handler = OutageHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, smtp):
    with term_stops_cleanly():
        yield from _stack(tmp_path_factory, smtp)


def _stack(tmp_path_factory, smtp):
    workdir = tmp_path_factory.mktemp("stack")
    postgres = OwnPostgres(workdir)
    redis = OwnRedis(workdir)
    postgres.init()
    redis.start()
    web_port = free_port()
    procs = Processes(
        workdir,
        {
            "DATABASE_URL": postgres.url,
            "CACHE_URL": redis.url.replace("/0", "/1"),
            "CELERY_BROKER_URL": redis.url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "faults-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "OPSPORTAL_VAR_DIR": str(workdir / "var"),
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "API_THROTTLE_RATE": "100000/min",
            "EMAIL_URL": smtp.url,
        },
    )
    try:
        procs.manage("migrate", "-v0")
        procs.manage("shell", "-c", "from tests import factories as f; f.CountryFactory(code='ID', name='Indonesia')")
        token = procs.manage("create_api_token", "--name", "faults", "--countries", "ID").strip().splitlines()[-1]
        procs.start(
            "web",
            [PYTHON, "-m", "gunicorn", "opsportal.wsgi", "-c", "gunicorn.conf.py", "--workers", "2",
             "--bind", f"127.0.0.1:{web_port}"],
            ready="Booting worker",
        )  # fmt: skip
        http = Http(web_port, token)
        wait_until(lambda: _status(http, "/healthz") == 200, 30, "gunicorn to answer", procs.logs)
        yield postgres, redis, procs, http
    finally:
        procs.stop_all()
        redis.stop()
        postgres.destroy()


def _status(http: Http, path: str, **kwargs) -> int | None:
    try:
        return http.get(path, **kwargs)[0]
    except OSError:
        return None


def test_postgres_stopped_20s_answers_503_with_retry_after_and_recovers_within_a_second(stack):
    postgres, _redis, procs, http = stack
    assert http.get("/api/v1/challenges/", token=True)[0] == 200
    assert http.get("/readyz")[0] == 200

    postgres.stop()
    seen: dict[str, list[int]] = {}
    started = time.monotonic()
    try:
        while time.monotonic() - started < 20:
            for name, path, kwargs in (
                ("api", "/api/v1/challenges/", {"token": True}),
                ("portal", "/challenges/", {"cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
                ("readyz", "/readyz", {}),
                ("healthz", "/healthz", {}),
            ):
                status, headers, body = http.get(path, **kwargs)
                seen.setdefault(name, []).append(status)
                if name in ("api", "portal", "readyz"):
                    assert status == 503, (name, status, body[:300])
                    assert headers.get("Retry-After"), name
                if name == "api":
                    assert json.loads(body)["type"] == "service_unavailable"
                if name == "portal":
                    assert b"Briefly unavailable" in body
                if name == "readyz":
                    assert "database" in json.loads(body)["failing"]
            time.sleep(0.5)
    finally:
        postgres.start()
    back = time.monotonic()
    recovery = wait_until(lambda: _status(http, "/api/v1/challenges/", token=True) == 200, 10, "the API after PG")
    summary = {k: sorted(set(v)) for k, v in seen.items()}
    print(f"\nPostgreSQL 20 s: {sum(map(len, seen.values()))} requests, {summary}, recovered in {recovery:.2f} s")
    assert set(seen["healthz"]) == {200}
    assert time.monotonic() - back < 1.5
    assert recovery < 1.0
    assert "Traceback" not in procs.log("web")


def test_redis_stopped_15s_gives_no_api_5xx_and_readyz_names_redis(stack):
    _postgres, redis, procs, http = stack
    redis.stop()
    statuses: list[int] = []
    readyz_failing = set()
    started = time.monotonic()
    try:
        while time.monotonic() - started < 15:
            statuses.append(http.get("/api/v1/challenges/", token=True)[0])
            statuses.append(http.get("/api/v1/influencers/", token=True)[0])
            status, _h, body = http.get("/readyz")
            assert status == 503
            readyz_failing.update(json.loads(body)["failing"])
            time.sleep(0.2)
    finally:
        redis.start()
    print(f"\nRedis 15 s: {len(statuses)} API requests, statuses {sorted(set(statuses))}")
    assert set(statuses) == {200}
    assert readyz_failing == {"redis_broker", "redis_cache"}
    wait_until(lambda: _status(http, "/readyz") == 200, 10, "readyz after Redis returns")
    assert "failing open" in procs.log("web")


def test_the_worker_survives_a_redis_restart_with_unacked_messages(stack):
    _postgres, redis, procs, _http = stack
    from celery import Celery

    worker = procs.start(
        "worker",
        [PYTHON, "-m", "celery", "-A", "opsportal", "worker", "-c", "2", "-l", "INFO", "-n", "faults@%h"],
        ready=" ready.",
    )
    producer = Celery("faults-producer", broker=redis.url)
    try:
        # Countdown tasks are held by the worker unacknowledged until they are due: webhook and
        # email retries always leave some (issue 19: 30 and 56 when it crashed).
        for _ in range(30):
            producer.send_task("opsportal.tasks.deliver", args=[999_999_999], countdown=600)
        wait_until(lambda: procs.log("worker").count("] received") >= 30, 20, "30 held tasks", procs.logs)

        redis.stop()
        time.sleep(15)
        redis.start()
        back = time.monotonic()
        wait_until(lambda: procs.log("worker").count("Connected to redis") >= 2, 10, "the reconnect", procs.logs)
        reconnect = time.monotonic() - back
        assert worker.poll() is None, procs.log("worker")[-4000:]
        assert "Unrecoverable error" not in procs.log("worker")

        result = producer.send_task("opsportal.tasks.deliver", args=[999_999_998])
        wait_until(lambda: f"{result.id}] succeeded" in procs.log("worker"), 20, "a new task to run", procs.logs)
        print(f"\nRedis restart with 30 unacked: worker alive, reconnected in {reconnect:.1f} s")
        assert reconnect < 10
    finally:
        producer.close()
        procs.kill("worker")


def test_after_a_worker_sigkill_mid_send_every_email_goes_out_within_5_minutes(stack, smtp):
    """Production timings (2-minute lease, beat's one-minute sweep): nothing waits for a person."""
    _postgres, _redis, procs, http = stack
    procs.manage("shell", "-c", "from tests.reliability.seed_due import run; run()")
    smtp.block_first = True  # the first send hangs inside the SMTP conversation until the kill
    worker = [PYTHON, "-m", "celery", "-A", "opsportal", "worker", "-c", "2", "-l", "INFO"]
    procs.start("w1", [*worker, "-n", "w1@%h"], ready=" ready.")
    schedule = procs.workdir / "beat-schedule"
    procs.start("beat", [PYTHON, "-m", "celery", "-A", "opsportal", "beat", "-l", "INFO", "-s", str(schedule)],
                ready="beat: Starting")  # fmt: skip
    from celery import Celery

    # The 15-minute reminders tick, sent now instead of waiting for beat's first interval.
    producer = Celery("faults-producer", broker=_redis.url)
    producer.send_task("opsportal.tasks.reminders_tick")
    producer.close()
    wait_until(smtp.in_flight.is_set, 60, "a send in flight", procs.logs)
    procs.kill("w1")
    killed = time.monotonic()
    smtp.release.set()
    procs.start("w2", [*worker, "-n", "w2@%h"], ready=" ready.")

    wait_until(lambda: len(smtp.messages) >= 2, 300, "both emails after the kill", procs.logs)
    took = time.monotonic() - killed
    time.sleep(5)
    received = smtp.received()
    ids = [m["Message-ID"] for m in smtp.parsed()]
    print(f"\nWorker SIGKILL mid-send: every email delivered {took:.0f} s after the kill; received {received}")
    assert {k: v for k, v in received.items() if k in ("ayu@example.com", "budi@example.com")} == {
        "ayu@example.com": 1,
        "budi@example.com": 1,
    }
    assert len(set(ids)) == 2
    assert took < 300
    body = json.loads(http.get("/readyz")[2])
    assert body["heartbeats"]["scheduler"]["age_seconds"] < 120, body
    procs.kill("w2")
    procs.kill("beat")


def test_smtp_refusing_for_60s_is_drained_within_2_minutes_of_its_return_none_lost_none_doubled(stack, smtp):
    _postgres, redis, procs, _http = stack
    from celery import Celery

    procs.manage("shell", "-c", "from tests.reliability.seed_due import run; run('XB', ('cici', 'dedi'))")
    ours = ("cici@example.com", "dedi@example.com")
    smtp.refuse_until = time.monotonic() + 60
    worker = [PYTHON, "-m", "celery", "-A", "opsportal", "worker", "-c", "2", "-l", "INFO"]
    procs.start("w3", [*worker, "-n", "w3@%h"], ready=" ready.")
    procs.start("beat2", [PYTHON, "-m", "celery", "-A", "opsportal", "beat", "-l", "INFO", "-s",
                          str(procs.workdir / "beat2-schedule")], ready="beat: Starting")  # fmt: skip
    producer = Celery("faults-producer", broker=redis.url)
    producer.send_task("opsportal.tasks.reminders_tick")
    producer.close()
    try:
        mine = lambda: {k: v for k, v in smtp.received().items() if k in ours}  # noqa: E731
        time.sleep(max(0.0, smtp.refuse_until - time.monotonic()))
        assert mine() == {}, "accepted while refusing"
        drained = wait_until(lambda: len(mine()) == 2, 150, "both emails after SMTP returned", procs.logs)
        time.sleep(5)
        print(f"\nSMTP refusing 60 s: both emails delivered {drained:.0f} s after it accepted again; {mine()}")
        assert mine() == {"cici@example.com": 1, "dedi@example.com": 1}
        assert drained <= 120
    finally:
        procs.kill("w3")
        procs.kill("beat2")


def test_a_custom_format_dump_restores_into_a_fresh_database_with_every_record_and_the_audit_trail(stack):
    """docs/operations.md's backup and restore, step by step: pg_dump -Fc, createdb, pg_restore."""
    postgres, _redis, procs, _http = stack
    procs.manage("seed_demo", "--reset")  # the stack already holds a country: load into it anyway
    dump = postgres.dir / "opsportal.dump"
    bin_ = postgres.bin
    common = ["-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres"]
    postgres._run(str(bin_ / "pg_dump"), "-Fc", *common, "-f", str(dump), "opsportal_faults")
    postgres._run(str(bin_ / "createdb"), *common, "opsportal_restored")
    postgres._run(str(bin_ / "pg_restore"), *common, "--no-owner", "--exit-on-error", "-d", "opsportal_restored",
                  str(dump))  # fmt: skip

    def snapshot(database: str) -> dict[str, str]:
        """Every table's row count and a digest of its rows, in key order."""
        tables = postgres._run(
            str(bin_ / "psql"), *common, "-d", database, "-tAc",
            "select tablename from pg_tables where schemaname = 'public' order by 1",
        ).stdout.split()  # fmt: skip
        query = " union all ".join(
            f"select '{t}', count(*)::text || ':' || coalesce(md5(string_agg(x::text, ',' order by x::text)), '') "
            f'from "{t}" x'
            for t in tables
        )
        out = postgres._run(str(bin_ / "psql"), *common, "-d", database, "-tAF", "|", "-c", query).stdout
        return dict(line.split("|", 1) for line in out.strip().splitlines())

    original, restored = snapshot("opsportal_faults"), snapshot("opsportal_restored")
    assert restored == original
    counts = {table: int(value.split(":")[0]) for table, value in original.items()}
    assert counts["opsportal_auditentry"] > 0 and counts["challenges_challenge"] > 0
    assert counts["django_migrations"] > 0
    print(f"\nBackup/restore: {len(counts)} tables, {sum(counts.values())} rows, identical after restore "
          f"(audit entries: {counts['opsportal_auditentry']}, dump {dump.stat().st_size // 1024} KiB)")  # fmt: skip


def _login(web: Http, username: str, password: str) -> str:
    """Sign in through the form (CSRF and all) and return the Cookie header of the session.

    Production cookies are Secure: the test speaks plain HTTP to gunicorn as a TLS proxy would,
    with X-Forwarded-Proto, and carries the cookies itself.
    """
    import re
    import urllib.parse

    def cookies_of(headers) -> dict[str, str]:
        found = {}
        for value in headers.get_all("Set-Cookie") or []:
            name, _eq, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
        return found

    proxy = {"X-Forwarded-Proto": "https", "Referer": web.base.replace("http:", "https:") + "/accounts/login/"}
    with urllib.request.urlopen(urllib.request.Request(web.base + "/accounts/login/", headers=proxy)) as response:
        page = response.read().decode()
        jar = cookies_of(response.headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(
        web.base + "/accounts/login/", data=form.encode(), headers={**proxy, "Cookie": cookie}
    )
    status, body = 200, b""
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            body = response.read()
    except urllib.error.HTTPError as error:  # the 302 after a successful sign-in
        status, body = error.code, error.read()
        jar.update(cookies_of(error.headers))
    assert "sessionid" in jar, f"sign-in failed: {status} {body.decode(errors='replace')[-6000:]}"
    return f"sessionid={jar['sessionid']}"


def test_bounded_mixed_load_on_two_workers_has_no_5xx(stack):
    """50 % portal pages, 25 % API reads, 15 % single writes, 10 % 500-row metric pushes (issue 19's mix),
    20 then 50 users for 30 s each against 127.0.0.1 only. Prints p95/p99 per kind and req/s.

    A user reads what it got before its next request: a think time of 0.5-1.5 s (mean 1 s), as the
    issue's measurement had (50 users saturated at ~36 req/s). Without it (the earlier version) every
    user always had a request queued, so latency was users / throughput whatever the code did
    (20 users / ~50 req/s = 400 ms on this machine)."""
    import random
    import threading
    from concurrent.futures import ThreadPoolExecutor

    _postgres, _redis, procs, http = stack
    from demo.story import DEFAULT_PASSWORD

    procs.manage("seed_demo", "--reset")  # the stack already holds a country: load into it anyway
    cookie = _login(http, "id-operator", DEFAULT_PASSWORD)
    key = procs.manage("create_api_token", "--name", "load", "--countries", "ID", "--scopes", "read,write")
    http_w = Http(http.base.rsplit(":", 1)[1], key.strip().splitlines()[-1])
    challenges = json.loads(http_w.get("/api/v1/challenges/?country=ID", token=True)[2])["results"]
    assert challenges
    counter = iter(range(10**9))
    lock = threading.Lock()

    def moment() -> str:
        with lock:
            n = next(counter)
        return (dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n)).isoformat()

    def post(path: str, payload: dict):
        request = urllib.request.Request(
            http.base + path, data=json.dumps(payload).encode(), method="POST",
            headers={"Authorization": f"Bearer {http_w.token}", "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def one(rng: random.Random) -> tuple[str, int, float]:
        roll = rng.random()
        started = time.perf_counter()
        challenge = rng.choice(challenges)
        if roll < 0.5:
            kind = "portal"
            status = http.get(rng.choice(["/", "/challenges/", "/influencers/", "/events/"]), cookie=cookie)[0]
        elif roll < 0.75:
            kind = "api_read"
            status = http_w.get(rng.choice(["/api/v1/challenges/", "/api/v1/influencers/"]), token=True)[0]
        elif roll < 0.9:
            kind = "write"
            status = post("/api/v1/challenge-metrics/", {"challenge": challenge["id"], "captured_at": moment(),
                                                         "views": rng.randrange(10**6)})  # fmt: skip
        else:
            kind = "bulk_500"
            rows = [{"country": "ID", "hashtag": challenge["hashtag"], "captured_at": moment(), "views": i}
                    for i in range(500)]  # fmt: skip
            status = post("/api/v1/challenge-metrics/bulk/", {"rows": rows})
        return kind, status, (time.perf_counter() - started) * 1000

    def phase(users: int, seconds: float, max_requests: int = 20_000) -> dict:
        results: list[tuple[str, int, float]] = []
        deadline = time.monotonic() + seconds

        def user(seed: int):
            rng = random.Random(seed)
            time.sleep(rng.uniform(0, THINK[1]))  # users arrive spread out, not all at once
            while time.monotonic() < deadline and len(results) < max_requests:
                results.append(one(rng))
                time.sleep(min(rng.uniform(*THINK), max(0.0, deadline - time.monotonic())))

        started = time.monotonic()
        with ThreadPoolExecutor(users) as pool:
            list(pool.map(user, range(users)))
        elapsed = time.monotonic() - started
        load = os.getloadavg()
        report = {"users": users, "requests": len(results), "rps": round(len(results) / elapsed, 1),
                  "load_average": [round(x, 2) for x in load]}  # fmt: skip
        report["5xx"] = sum(1 for _k, s, _t in results if s >= 500)
        report["other_errors"] = sorted({s for _k, s, _t in results if 400 <= s < 500})
        for kind in ("portal", "api_read", "write", "bulk_500"):
            times = sorted(t for k, _s, t in results if k == kind)
            if times:
                report[kind] = {
                    "n": len(times),
                    "p95_ms": round(times[int(len(times) * 0.95) - 1]),
                    "p99_ms": round(times[max(int(len(times) * 0.99) - 1, 0)]),
                }
        print(f"\nLoad: {json.dumps(report)}")
        return report

    quiet = phase(20, 30)
    busy = phase(50, 30)
    for report in (quiet, busy):
        assert report["5xx"] == 0, report
        assert report["other_errors"] == [], report
    kinds = ("portal", "api_read", "write", "bulk_500")
    timing_target(
        all(quiet[k]["p95_ms"] < 250 and quiet[k]["p99_ms"] < 500 for k in kinds),
        "20 users: p95 < 250 ms and p99 < 500 ms for every kind",
        quiet,
    )
    timing_target(busy["rps"] >= 30, "50 users: at least 30 requests a second", busy)
    timing_target(all(busy[k]["p95_ms"] < 1000 for k in kinds), "50 users: p95 < 1 s for every kind", busy)
