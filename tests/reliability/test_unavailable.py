"""While PostgreSQL or Redis is away: 503 with Retry-After (not 500), caches and the throttle fail open.

The database outage is simulated by making every query raise what psycopg raises when the
server is gone (Django's OperationalError); tests/reliability/test_faults.py stops a real one.
"""

import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from rest_framework.test import APIClient

from tests.api.conftest import make_token

# A loopback port where nothing listens: connecting is refused at once, as when Redis is stopped.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def database_away():
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    return mock.patch.multiple(CursorWrapper, execute=refuse, executemany=refuse)


@pytest.fixture
def dead_redis_cache(settings):
    # Django's setting_changed handler rebuilds the cache connections from the new value.
    settings.CACHES = {"default": {"BACKEND": "opsportal.cache.FailOpenRedisCache", "LOCATION": DEAD_REDIS}}


@pytest.mark.django_db
def test_the_portal_answers_its_own_503_page_with_retry_after_while_the_database_is_away(client, id_operator):
    client.force_login(id_operator)
    client.raise_request_exception = False
    with database_away():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"Briefly unavailable" in response.content
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_anonymous_sign_in_page_answers_503_too(client):
    client.raise_request_exception = False
    with database_away():
        response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 503


@pytest.mark.django_db
def test_the_api_answers_503_in_its_error_shape_while_the_database_is_away(indonesia):
    key, _token = make_token([indonesia])
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    with database_away():
        response = api.get("/api/v1/challenges/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = json.loads(response.content)
    assert body["type"] == "service_unavailable"
    assert body["errors"] == {}
    assert body["message"]


@pytest.mark.django_db
def test_a_database_outage_is_logged_as_one_line_not_a_traceback(client, caplog):
    from opsportal.logs import QuietRefusalsFilter

    client.raise_request_exception = False
    with database_away(), caplog.at_level(logging.ERROR, logger="django.request"):
        client.post("/accounts/login/", {"username": "x", "password": "y"})
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1  # not a second "Service Unavailable" line for the 503 itself
    QuietRefusalsFilter().filter(records[0])
    assert records[0].exc_info is None
    assert "-> 503 (database unavailable: OperationalError" in records[0].getMessage()


@pytest.mark.django_db
def test_a_code_bug_stays_a_500(client):
    client.raise_request_exception = False
    with mock.patch("opsportal.health.JsonResponse", side_effect=RuntimeError("bug")):
        response = client.get("/healthz")
    assert response.status_code == 500


@pytest.mark.django_db
def test_the_api_and_its_throttle_fail_open_while_redis_is_away(indonesia, dead_redis_cache, settings, caplog):
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "FailOpenRedisCache"
    key, _token = make_token([indonesia])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    with caplog.at_level(logging.WARNING, logger="opsportal.cache"):
        statuses = [api.get("/api/v1/challenges/").status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert any("failing open" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_the_dashboard_renders_while_the_redis_cache_is_away(client, id_operator, dead_redis_cache):
    client.force_login(id_operator)
    assert client.get("/").status_code == 200


def test_the_fail_open_cache_turns_every_operation_into_a_miss(dead_redis_cache):
    from django.core.cache import cache

    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    cache.set("k", 1)
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("k", 5) == 5
    assert cache.incr("n", 3) == 3
    cache.delete("k")
