"""Measure what a deploy does to requests in flight: gunicorn HUP (reload) and TERM (stop).

Starts gunicorn (gunicorn.conf.py, 2 workers) on a free loopback port over a throw-away SQLite
database, keeps 8 clients requesting /readyz back to back, and reports:
- HUP: the longest time any request took around the reload (the "stall"), and errors;
- TERM, sent with 32 clients (4x the 8 threads: most requests sit in the listen queue): every
  request sent before TERM (in flight or queued) must get an answer ("before_term"); after it,
  requests are answered, reset or cut (accepted, then no answer: the failure), or refused (the
  listener closed: nothing was sent, a load balancer retries those; docs/operations.md).
Bounded: a few seconds of loopback traffic per run. Usage:
    .venv/bin/python scripts/deploy_check.py [draining|gthread|sync] [preload|nopreload]
DEPLOY_CHECK_KEEP_LOG=/path keeps gunicorn's log there (with LOG_LEVEL=INFO it says how many
queued connections each worker took in before closing: what to read when a run resets any).
("draining" is the production default, opsportal.gunicorn_worker.DrainingThreadWorker.)
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 8
TERM_CONCURRENCY = 32
WORKERS = {"draining": "opsportal.gunicorn_worker.DrainingThreadWorker"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(worker_class: str = "draining", preload: str = "preload") -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="opsportal-deploy-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
        "OPSPORTAL_VAR_DIR": str(tmp),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "deploy-check-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "GUNICORN_WORKER_CLASS": WORKERS.get(worker_class, worker_class),
        "GUNICORN_PRELOAD": "1" if preload == "preload" else "0",
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = (tmp / "gunicorn.log").open("wb")
    master = subprocess.Popen(
        [python, "-m", "gunicorn", "opsportal.wsgi", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    results: list[tuple[float, float, str]] = []  # (start, duration, outcome)
    stop = threading.Event()

    def client():
        while not stop.is_set():
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=35)
                conn.request("GET", "/readyz")
                conn.getresponse().read()
                outcome = "ok"
            except ConnectionRefusedError:
                outcome = "refused"
                time.sleep(0.05)
            except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
                outcome = "reset"
            except OSError as error:
                outcome = f"error:{type(error).__name__}"
            finally:
                conn.close()
            results.append((started, time.monotonic() - started, outcome))

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        threads = [threading.Thread(target=client, daemon=True) for _ in range(CONCURRENCY)]
        for t in threads:
            t.start()
        time.sleep(3)
        hup_at = time.monotonic()
        master.send_signal(signal.SIGHUP)
        time.sleep(10)
        more_at = time.monotonic()
        more = [threading.Thread(target=client, daemon=True) for _ in range(TERM_CONCURRENCY - CONCURRENCY)]
        for t in more:
            t.start()
        threads += more
        time.sleep(3)
        term_at = time.monotonic()
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=60)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=40)
        around = [r for r in results if hup_at - 1 <= r[0] and r[0] + r[1] < more_at]
        calm = sorted(d for s_, d, _o in results if s_ < hup_at - 0.5)
        hup = {
            "p99_before_s": round(calm[int(len(calm) * 0.99)], 2) if calm else None,
            "requests": len(around),
            "stall_s": round(max((d for _s, d, _o in around), default=0), 2),
            # when the slowest request started, from the HUP (negative: before it)
            "stall_started_s": round(max(around, key=lambda r: r[1])[0] - hup_at, 2) if around else None,
            "errors": sum(1 for *_x, o in around if o != "ok"),
        }
        after = [r for r in results if r[0] >= term_at - 2]
        # Sent before TERM and finished after it: in flight or queued when TERM arrived.
        before = [r for r in results if r[0] < term_at <= r[0] + r[1]]
        term = {
            "before_term": len(before),
            "before_term_answered": sum(1 for *_x, o in before if o == "ok"),
            "ok": sum(1 for *_x, o in after if o == "ok"),
            "reset": sum(1 for *_x, o in after if o == "reset" or o.startswith("error")),
            "refused_after_close": sum(1 for *_x, o in after if o == "refused"),
            "stop_s": round(time.monotonic() - term_at, 2),
        }
    finally:
        stop.set()
        if master.poll() is None:
            master.kill()
            master.wait(timeout=10)
        log.close()
        if os.environ.get("DEPLOY_CHECK_KEEP_LOG"):
            shutil.copy(tmp / "gunicorn.log", os.environ["DEPLOY_CHECK_KEEP_LOG"])
        shutil.rmtree(tmp, ignore_errors=True)
    report = {"worker_class": worker_class, "preload": preload, "hup": hup, "term": term}
    print(report)
    return report


if __name__ == "__main__":
    main(*sys.argv[1:])
