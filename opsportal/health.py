"""/healthz (the process answers) and /readyz (it can serve: PostgreSQL, Redis, migrations).

Both are for load balancers and monitors: no login, no session, no HTTPS redirect
(SECURE_REDIRECT_EXEMPT), no cookies, and nothing that can hang longer than a second per check.
/readyz answers 503 naming every failing part, and shows when the worker and beat last ticked
(information only: a stopped worker must not take the web out of the load balancer). Anyone may
call it, so the reasons (host names, ports, migration names) go to the log, not the answer.
"""

from __future__ import annotations

import logging
import sys
import time

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

# Checking migrations reads every migration file: do it once per process after success.
_migrations_ok = False


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure is "not ready", named in the answer
        return f"{type(error).__name__}: {error}".strip()[:300]
    return None


def _check_migrations() -> str | None:
    global _migrations_ok
    if _migrations_ok:
        return None
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001
        return f"{type(error).__name__}: {error}"[:300]
    if pending:
        return f"{len(pending)} unapplied: " + ", ".join(f"{m.app_label}.{m.name}" for m, _b in pending[:5])
    _migrations_ok = True
    return None


def _redis_urls() -> dict[str, str]:
    """The Redis servers this deployment uses (broker, cache), by role."""
    urls = {}
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        urls["broker"] = broker
    cache = settings.CACHES["default"]
    if "redis" in cache["BACKEND"].lower():
        location = cache["LOCATION"]
        urls["cache"] = location[0] if isinstance(location, list | tuple) else location
    return urls


def _check_redis(url: str) -> str | None:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:  # noqa: BLE001
        return f"{type(error).__name__}: {error}"[:300]
    return None


def _heartbeats() -> dict:
    from opsportal.models import Heartbeat

    now = timezone.now()
    try:
        rows = {row.name: row for row in Heartbeat.objects.all()}
    except Exception:  # noqa: BLE001 - the database check already reports this
        return {}
    return {
        name: {"at": row.at.isoformat(), "age_seconds": round((now - row.at).total_seconds())}
        for name, row in rows.items()
    }


@never_cache
@require_GET
def readyz(request):
    started = time.perf_counter()
    checks: dict[str, str] = {}
    failing: list[str] = []

    def record(name: str, error: str | None) -> None:
        checks[name] = "ok" if error is None else "unavailable"
        if error is not None:
            failing.append(name)
            log.warning("readyz: %s: %s", name, error)

    database_error = _check_database()
    record("database", database_error)
    if database_error is None:
        record("migrations", _check_migrations())
    else:
        checks["migrations"] = "unknown"
    for role, url in _redis_urls().items():
        record(f"redis_{role}", _check_redis(url))
    # A web worker that is stopping (opsportal.gunicorn_worker, GUNICORN_DRAIN_SECONDS) is taken
    # out of the balancer before it closes its listener.
    worker = sys.modules.get("opsportal.gunicorn_worker")
    if worker is not None and worker.draining():
        checks["web"] = "draining"
        failing.append("web")

    body = {
        "status": "ok" if not failing else "unavailable",
        "failing": failing,
        "checks": checks,
        "heartbeats": _heartbeats() if database_error is None else {},
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    response = JsonResponse(body, status=200 if not failing else 503)
    if failing:
        response["Retry-After"] = str(settings.OPSPORTAL_RETRY_AFTER)
    return response
