"""Tokens (revoked, expired, last used), sessions with CSRF, throttling, and one error shape."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from opsportal.api.throttling import PerTokenThrottle
from opsportal.models import ApiToken
from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, type_: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"type", "message", "errors"}
    assert body["type"] == type_
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_no_credentials_is_401(db):
    response = APIClient().get("/api/v1/challenges/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Bearer a b", "Bearer \u00e9\u00e9"])
def test_bad_tokens_are_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_error(client.get("/api/v1/challenges/"), 401, "authentication_failed")


def test_revoked_and_expired_tokens_are_401(indonesia):
    key, _token = make_token([indonesia], revoked=True)
    body = assert_error(client_for(key).get("/api/v1/challenges/"), 401, "authentication_failed")
    assert "revoked" in body["message"]
    key, _token = make_token([indonesia], expires_at=timezone.now() - dt.timedelta(minutes=1))
    body = assert_error(client_for(key).get("/api/v1/challenges/"), 401, "authentication_failed")
    assert "expired" in body["message"]
    key, token = make_token([indonesia], expires_at=timezone.now() + dt.timedelta(days=1))
    assert client_for(key).get("/api/v1/challenges/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_is_stored_as_hash_only(indonesia):
    key, token = make_token([indonesia])
    assert key not in token.key_hash and token.key_hash == ApiToken.hash_key(key)


def test_session_login_needs_csrf_for_writes(id_operator, indonesia):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(id_operator)
    assert client.get("/api/v1/challenges/").status_code == 200
    payload = {"country": "ID", "hashtag": "x", "title": "x", "format": "dance"}
    body = assert_error(client.post("/api/v1/challenges/", payload, format="json"), 403, "permission_denied")
    assert "CSRF" in body["message"]


def test_404_405_and_unknown_endpoints(api, indonesia):
    assert_error(api.get("/api/v1/challenges/999999/"), 404, "not_found")
    assert_error(api.get("/api/v1/challenges/ID:nothing/"), 404, "not_found")
    assert_error(api.get("/api/v1/nothing/"), 404, "not_found")
    assert_error(api.post("/api/v1/challenges", {}, format="json"), 404, "not_found")
    assert api.get("/api/v1/challenges").status_code == 301
    assert_error(api.post("/api/v1/memberships/", {}, format="json"), 405, "method_not_allowed")
    assert_error(api.put("/api/v1/challenge-metrics/bulk/", {}, format="json"), 405, "method_not_allowed")


def test_validation_errors_name_the_field(api, indonesia):
    body = assert_error(api.post("/api/v1/challenges/", {"country": "ID"}, format="json"), 400, "validation_error")
    assert {"hashtag", "title", "format"} <= set(body["errors"])
    body = assert_error(
        api.post(
            "/api/v1/challenges/", {"country": "XX", "hashtag": "a", "title": "a", "format": "nope"}, format="json"
        ),
        400,
        "validation_error",
    )
    assert {"country", "format"} <= set(body["errors"])
    body = assert_error(
        api.post(
            "/api/v1/events/",
            {
                "country": "ID",
                "name": "x",
                "kind": "meet_up",
                "city": "Jakarta",
                "starts_at": "2026-07-02T10:00:00+07:00",
                "ends_at": "2026-07-01T10:00:00+07:00",
                "budget": "-1",
            },
            format="json",
        ),
        400,
        "validation_error",
    )
    assert "budget" in body["errors"]


def test_malformed_json_and_wrong_media_type(api):
    response = api.generic("POST", "/api/v1/challenges/", "{not json", content_type="application/json")
    assert_error(response, 400, "validation_error")
    response = api.generic("POST", "/api/v1/challenges/", "a=b", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")


def test_status_guard_from_the_service(api, indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    body = assert_error(
        api.patch(f"/api/v1/challenges/{challenge.pk}/", {"status": "ended"}, format="json"), 400, "validation_error"
    )
    assert "status" in body["errors"]
    body = assert_error(
        api.post(
            "/api/v1/challenges/",
            {"country": "ID", "hashtag": "y", "title": "y", "format": "dance", "status": "live"},
            format="json",
        ),
        400,
        "validation_error",
    )
    assert "status" in body["errors"]


def test_duplicate_is_400_and_race_is_409(api, indonesia, monkeypatch):
    f.ChallengeFactory(country=indonesia, hashtag="Goyang")
    payload = {"country": "ID", "hashtag": "#goyang", "title": "again", "format": "dance"}
    body = assert_error(api.post("/api/v1/challenges/", payload, format="json"), 400, "validation_error")
    assert body["errors"]
    # When validation cannot see it (a concurrent writer), the database says no: 409.
    from challenges.models import Challenge

    monkeypatch.setattr(Challenge, "validate_constraints", lambda self, exclude=None: None)
    monkeypatch.setattr(Challenge, "_clean_hashtag", lambda self: None)
    assert_error(api.post("/api/v1/challenges/", payload, format="json"), 409, "conflict")


def test_delete_of_a_referenced_record_is_409(api, indonesia):
    snapshot = f.MetricSnapshotFactory(challenge__country=indonesia)
    body = assert_error(api.delete(f"/api/v1/challenges/{snapshot.challenge_id}/"), 409, "conflict")
    assert "metric snapshot" in body["message"]


def test_too_large_body_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/api/v1/challenges/", {"title": "x" * 2000}, format="json")
    assert_error(response, 413, "payload_too_large")


def test_invalid_cursor_and_page_size(api, indonesia):
    assert_error(api.get("/api/v1/challenges/?cursor=garbage"), 400, "validation_error")
    from opsportal.api.pagination import _encode

    assert_error(api.get(f"/api/v1/challenges/?ordering=views&cursor={_encode('abc', 1)}"), 400, "validation_error")
    assert api.get("/api/v1/challenges/?page_size=abc").status_code == 200
    assert api.get("/api/v1/challenges/?page_size=100000").status_code == 200


def test_invalid_filters_are_400(api, indonesia):
    for query in ("status=nope", "start_after=yesterday", "views_min=lots", "country=XX", "updated_since=2026-13-01"):
        body = assert_error(api.get(f"/api/v1/challenges/?{query}"), 400, "validation_error")
        assert query.split("=")[0] in body["errors"]


def test_throttle_per_token_with_retry_after(indonesia, monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "3/min"})
    first, _ = make_token([indonesia])
    second, _ = make_token([indonesia])
    api = client_for(first)
    for _ in range(3):
        assert api.get("/api/v1/challenges/").status_code == 200
    response = api.get("/api/v1/challenges/")
    body = assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
    assert response["Retry-After"] in body["message"]
    # Another token has its own budget.
    assert client_for(second).get("/api/v1/challenges/").status_code == 200


def test_create_api_token_command(indonesia, thailand, capsys):
    call_command(
        "create_api_token",
        "--name",
        "warehouse",
        "--countries",
        "id,TH",
        "--scopes",
        "read,write,government",
        "--expires-days",
        "30",
    )
    out = capsys.readouterr().out
    key = out.strip().splitlines()[-1]
    assert key.startswith("ops_")
    token = ApiToken.objects.get(name="warehouse")
    assert token.key_hash == ApiToken.hash_key(key) and key not in str(token.__dict__)
    assert sorted(token.countries.values_list("code", flat=True)) == ["ID", "TH"]
    assert sorted(token.scopes) == ["government", "read", "write"]
    assert token.expires_at > timezone.now() + dt.timedelta(days=29)
    assert client_for(key).get("/api/v1/government-contacts/").status_code == 200
    from django.core.management.base import CommandError

    for bad in (
        ["--countries", "XX"],
        ["--countries", "ID", "--scopes", "admin"],
        ["--countries", "ID", "--expires-days", "0"],
    ):
        with pytest.raises(CommandError):
            call_command("create_api_token", "--name", f"bad{len(bad)}", *bad)
    with pytest.raises(CommandError):
        call_command("create_api_token", "--name", "warehouse", "--countries", "ID")


def test_schema_and_docs(client, id_viewer):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    client.force_login(id_viewer)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for needle in (
        "/api/v1/challenge-metrics/bulk/",
        "/api/v1/follower-snapshots/bulk/",
        "Error:",
        "updated_since",
        "bearerToken",
        "start_after",
        "followers_min",
    ):
        assert needle in text, needle
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content.lower() and b"cdn" not in docs.content.lower()


@pytest.mark.postgresql(reason="the one-query token lookup aggregates countries into an array")
def test_token_lookup_brings_scopes_and_countries_in_one_query(indonesia, thailand):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opsportal.api.authentication import _token

    key, token = make_token([indonesia, thailand], ("read", "government"))
    with CaptureQueriesContext(connection) as ctx:
        found = _token(ApiToken.hash_key(key))
    assert len(ctx.captured_queries) == 1
    assert found.pk == token.pk and found.scopes == ["read", "government"]
    assert sorted(found.country_ids) == sorted([indonesia.pk, thailand.pk])
    assert _token(ApiToken.hash_key("ops_unknown")) is None
