"""/healthz and /readyz: no login, no redirect, 503 naming the failing part."""

import json

import pytest
from django.utils import timezone

from opsportal.models import Heartbeat
from tests.reliability.test_unavailable import DEAD_REDIS, database_away


def test_healthz_answers_without_a_database_or_a_login(client):
    with database_away():
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ok_with_every_part_up_and_shows_the_heartbeats(client):
    Heartbeat.objects.create(name="scheduler", at=timezone.now())
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["heartbeats"]["scheduler"]["age_seconds"] <= 30  # seconds, however loaded the machine


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_is_away_and_logs_why(client, caplog):
    with database_away(), caplog.at_level("WARNING", logger="opsportal.health"):
        response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == "unavailable"
    assert b"Connection refused" not in response.content  # anyone may call it: no internals
    assert "Connection refused" in caplog.text


@pytest.mark.django_db
def test_readyz_names_redis_when_the_broker_and_the_cache_are_away(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    settings.CACHES = {"default": {"BACKEND": "opsportal.cache.FailOpenRedisCache", "LOCATION": DEAD_REDIS}}
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["failing"] == ["redis_broker", "redis_cache"]
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_names_unapplied_migrations(client, monkeypatch, caplog):
    from opsportal import health

    monkeypatch.setattr(health, "_migrations_ok", False)

    class Pending:
        app_label, name = "opsportal", "9999_future"

    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", lambda self, targets: [(Pending, False)]
    )
    with caplog.at_level("WARNING", logger="opsportal.health"):
        body = json.loads(client.get("/readyz").content)
    assert body["failing"] == ["migrations"]
    assert "opsportal.9999_future" in caplog.text


def test_probes_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_production_settings_exempt_the_probes_from_the_redirect():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.SECURE_REDIRECT_EXEMPT)"
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "example.com",
        "DJANGO_SETTINGS_MODULE": "opsportal.settings",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True
    )
    assert "healthz" in out.stdout and "readyz" in out.stdout, out.stderr


@pytest.mark.django_db
def test_readyz_answers_503_draining_while_the_web_worker_stops():
    from django.test import Client

    from opsportal import gunicorn_worker

    gunicorn_worker._draining.set()
    try:
        response = Client().get("/readyz")
    finally:
        gunicorn_worker._draining.clear()
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["failing"] == ["web"]
    assert body["checks"]["web"] == "draining"
