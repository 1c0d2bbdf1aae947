"""gunicorn settings for production (the Procfile's web process); every value can be overridden
by the environment or the command line. Measurements behind each choice: docs/reliability.md.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# gthread: measured on the mixed load with 2 workers, 2.4x the requests per second of
# sync at 20 users (53.5 vs 22.5) and 44 vs 17 at 50, same 0 errors; a request waiting on
# PostgreSQL no longer holds a whole process (docs/reliability.md). GUNICORN_WORKER_CLASS=sync
# goes back.
# opsportal.gunicorn_worker is gthread whose stop resets no connection waiting in the listen
# queue (stock gthread reset 8-24 on TERM, measured by scripts/deploy_check.py).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "opsportal.gunicorn_worker.DrainingThreadWorker")
threads = int(os.environ.get("GUNICORN_THREADS", "1" if worker_class == "sync" else "4"))

# A request that takes longer than this is stuck (the slowest page, an import check, is ~5 s):
# its worker is replaced instead of holding a slot forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On TERM and HUP, requests already accepted get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Recycle each worker after about this many requests: RSS grew 145 → 203 MiB with nothing
# recycling it (issue 19). The jitter keeps workers from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
keepalive = 5

# Load Django once in the master and fork ready workers: a HUP or a recycled worker starts
# answering within milliseconds instead of after a 2-4 s import (the 4.4 s HUP stall). New
# code therefore needs a restart of the process, not a HUP (docs/operations.md, rolling restarts).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"

# The portal writes its own access line (opsportal.logs: request id, user, duration).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def post_fork(server, worker):
    # Connections opened in the master (none today, but a warm-up could) must not be shared.
    # Without preload, Django is not set up yet in a fresh worker: nothing to close.
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


def when_ready(server):
    if server.cfg.worker_class_str == "opsportal.gunicorn_worker.DrainingThreadWorker":
        # A stop that comes while every worker is recycling must still find one to take the
        # listen queue in (docs/reliability.md).
        from opsportal.gunicorn_worker import keep_a_worker_for_the_stop

        keep_a_worker_for_the_stop(server)
    _warm(server)


def _warm(server):
    # Warm the master once so that every worker forked from it (at start, on HUP, when one is
    # recycled after max_requests or replaced after a crash) answers its first request at once.
    # Measured: the URLconf (every view, DRF, the serializers) is imported lazily on the first
    # request, 1.0 s of CPU per new worker, which was the HUP stall; the migration check of
    # /readyz adds 0.07 s. Nothing here is required: a failure only leaves the work to the workers.
    from django.conf import settings

    if not settings.configured:  # preload off: the workers load everything themselves
        return
    from django.db import connections
    from django.urls import get_resolver

    try:
        resolver = get_resolver()
        resolver.resolve("/readyz")
        resolver.reverse_dict  # noqa: B018 - built once here instead of in each worker

        from opsportal import health

        health._check_migrations()  # remembered when they are all applied
    except Exception:  # noqa: BLE001
        server.log.warning("warm-up before forking failed; the workers will load lazily", exc_info=True)
    finally:
        connections.close_all()  # the master keeps no connection; workers open their own
