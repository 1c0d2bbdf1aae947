"""Web CPU per request for each kind of the issue-19 mix, and /readyz latency (docs/reliability.md).

    .venv/bin/python -m benchmarks.web_cpu            # about 2 minutes
    BENCH_REQUESTS=100 .venv/bin/python -m benchmarks.web_cpu

Starts its own PostgreSQL cluster and Redis on free loopback ports (tests/reliability/stack.py),
seeds the demo data, serves it with the production gunicorn settings (2 workers, DJANGO_DEBUG=0),
then, one request at a time so that nothing queues:
- for each URL of the load test's mix, the CPU the gunicorn workers spent per request (user +
  system, from /proc: the master's children, live and exited) and PostgreSQL's processes beside
  it, with the wall time's median and p99; the mix's weighted web CPU (target <= 25 ms);
- /readyz: 500 requests, p50/p95/p99 wall time (target p99 < 50 ms).
CPU time is what a request costs whatever else the machine runs; the wall times are only
meaningful with the machine's load average, printed beside them. Everything it started is stopped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from tests.reliability.stack import PYTHON, OwnPostgres, OwnRedis, Processes, free_port, wait_until
from tests.reliability.test_faults import Http, _login

TARGET_CPU_MS = 25
TARGET_READYZ_P99_MS = 50
CLOCK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def tree_cpu(parent: int) -> float:
    """CPU seconds of ``parent``'s children: those alive now plus those that exited (reaped), so a
    PostgreSQL backend that closes or a recycled gunicorn worker still counts."""
    fields = _stat(parent)
    total = int(fields[13]) + int(fields[14]) if fields else 0  # cutime, cstime
    for pid in children(parent):
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * q) - 1))]


def main() -> int:
    count = int(os.environ.get("BENCH_REQUESTS", "200"))
    workdir = Path(os.environ.get("BENCH_DIR", "") or f"/tmp/opsportal-bench-{os.getpid()}")
    workdir.mkdir(parents=True, exist_ok=True)
    postgres, redis = OwnPostgres(workdir), OwnRedis(workdir)
    postgres.init()
    redis.start()
    port = free_port()
    procs = Processes(
        workdir,
        {
            "DATABASE_URL": postgres.url,
            "CACHE_URL": redis.url.replace("/0", "/1"),
            "CELERY_BROKER_URL": redis.url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "OPSPORTAL_VAR_DIR": str(workdir / "var"),
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "API_THROTTLE_RATE": "100000/min",
            "LOG_LEVEL": "WARNING",
        },
    )
    try:
        procs.manage("migrate", "-v0")
        procs.manage("seed_demo")
        token = procs.manage("create_api_token", "--name", "bench", "--countries", "ID", "--scopes", "read,write")
        master = procs.start(
            "web",
            [PYTHON, "-m", "gunicorn", "opsportal.wsgi", "-c", "gunicorn.conf.py", "--workers", "2",
             "--bind", f"127.0.0.1:{port}"],
            ready="Booting worker",
        )  # fmt: skip
        http = Http(port, token.strip().splitlines()[-1])
        wait_until(lambda: http.get("/healthz")[0] == 200, 30, "gunicorn")
        time.sleep(1)  # both workers booted
        postmaster = int((postgres.dir / "data" / "postmaster.pid").read_text().split()[0])
        cookie = _login(http, "id-operator", "opsportal-demo")  # demo.DEFAULT_PASSWORD
        challenges = json.loads(http.get("/api/v1/challenges/?country=ID", token=True)[2])["results"]
        moments = iter(range(10**9))

        def post(path: str, payload: dict) -> int:
            request = urllib.request.Request(
                http.base + path, data=json.dumps(payload).encode(), method="POST",
                headers={"Authorization": f"Bearer {http.token}", "Content-Type": "application/json"},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status

        def moment() -> str:
            return (dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=next(moments))).isoformat()

        kinds = {
            "portal /": lambda: http.get("/", cookie=cookie)[0],
            "portal /challenges/": lambda: http.get("/challenges/", cookie=cookie)[0],
            "portal /influencers/": lambda: http.get("/influencers/", cookie=cookie)[0],
            "portal /events/": lambda: http.get("/events/", cookie=cookie)[0],
            "api /api/v1/challenges/": lambda: http.get("/api/v1/challenges/", token=True)[0],
            "api /api/v1/influencers/": lambda: http.get("/api/v1/influencers/", token=True)[0],
            "write one metric": lambda: post(
                "/api/v1/challenge-metrics/",
                {"challenge": challenges[0]["id"], "captured_at": moment(), "views": 1},
            ),
            "bulk 500 metrics": lambda: post(
                "/api/v1/challenge-metrics/bulk/",
                {
                    "rows": [
                        {"country": "ID", "hashtag": challenges[0]["hashtag"], "captured_at": moment(), "views": i}
                        for i in range(500)
                    ]
                },
            ),  # fmt: skip
        }
        mix = {  # the load test's weights: half portal, a quarter API reads, 15 % writes, 10 % bulk
            "portal /": 0.125, "portal /challenges/": 0.125, "portal /influencers/": 0.125,
            "portal /events/": 0.125, "api /api/v1/challenges/": 0.125, "api /api/v1/influencers/": 0.125,
            "write one metric": 0.15, "bulk 500 metrics": 0.10,
        }  # fmt: skip
        rows = {}
        for name, call in kinds.items():
            n = count if "bulk" not in name else max(count // 4, 10)
            for _ in range(5):
                assert call() in (200, 201), name
            web0, db0 = tree_cpu(master.pid), tree_cpu(postmaster)
            walls = []
            for _ in range(n):
                started = time.perf_counter()
                status = call()
                walls.append((time.perf_counter() - started) * 1000)
                assert status in (200, 201), (name, status)
            web = (tree_cpu(master.pid) - web0) / n * 1000
            db = (tree_cpu(postmaster) - db0) / n * 1000
            rows[name] = {
                "n": n,
                "web_cpu_ms": round(web, 1),
                "db_cpu_ms": round(db, 1),
                "p50_ms": round(statistics.median(walls), 1),
                "p99_ms": round(percentile(walls, 0.99), 1),
            }
        weighted = sum(rows[k]["web_cpu_ms"] * w for k, w in mix.items())
        readyz = []
        for _ in range(500):
            started = time.perf_counter()
            assert http.get("/readyz")[0] == 200
            readyz.append((time.perf_counter() - started) * 1000)
        load = os.getloadavg()
        print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} cores")
        print(f"{'request':28} {'n':>5} {'web CPU ms':>11} {'PG CPU ms':>10} {'p50 ms':>8} {'p99 ms':>8}")
        for name, row in rows.items():
            cpu = f"{row['web_cpu_ms']:11} {row['db_cpu_ms']:10}"
            print(f"{name:28} {row['n']:5} {cpu} {row['p50_ms']:8} {row['p99_ms']:8}")
        print(f"{'the mix (weighted)':28} {'':5} {weighted:11.1f}")
        r = {q: round(percentile(readyz, v), 1) for q, v in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}
        print(f"/readyz (500): p50 {r['p50']} ms, p95 {r['p95']} ms, p99 {r['p99']} ms")
        ok = weighted <= TARGET_CPU_MS and r["p99"] < TARGET_READYZ_P99_MS
        print(json.dumps({"load": load, "kinds": rows, "mix_web_cpu_ms": round(weighted, 1), "readyz": r, "ok": ok}))
        return 0 if ok else 1
    finally:
        procs.stop_all()
        redis.stop()
        postgres.destroy()


if __name__ == "__main__":
    sys.exit(main())
