"""Measure what a deploy does to requests in flight: gunicorn HUP (reload) and TERM (stop).

Starts gunicorn (gunicorn.conf.py, 2 workers) on a free loopback port over a throw-away SQLite
database, keeps CONCURRENCY clients requesting /readyz back to back, and reports:
- HUP: the longest time any request took around the reload (the "stall"), and errors;
- TERM: requests that were reset or cut (accepted, then no answer) versus refused after the
  listener closed (a load balancer retries those; docs/operations.md, rolling restarts).
Bounded: a few seconds of loopback traffic per run. Usage:
    .venv/bin/python scripts/deploy_check.py [sync|gthread] [preload|nopreload]
"""

from __future__ import annotations

import http.client
import os
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(worker_class: str = "sync", preload: str = "preload") -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="opsportal-deploy-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
        "OPSPORTAL_VAR_DIR": str(tmp),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "deploy-check-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "GUNICORN_WORKER_CLASS": worker_class,
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
        term_at = time.monotonic()
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=60)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=40)
        around = [r for r in results if hup_at - 1 <= r[0] < term_at - 2]
        hup = {
            "requests": len(around),
            "stall_s": round(max((d for _s, d, _o in around), default=0), 2),
            "errors": sum(1 for *_x, o in around if o != "ok"),
        }
        after = [r for r in results if r[0] >= term_at - 2]
        term = {
            "ok": sum(1 for *_x, o in after if o == "ok"),
            "reset": sum(1 for *_x, o in after if o == "reset" or o.startswith("error")),
            "refused_after_close": sum(1 for *_x, o in after if o == "refused"),
            "stop_s": round(time.monotonic() - term_at, 2),
        }
    finally:
        stop.set()
        if master.poll() is None:
            master.kill()
    report = {"worker_class": worker_class, "preload": preload, "hup": hup, "term": term}
    print(report)
    return report


if __name__ == "__main__":
    main(*sys.argv[1:])
