"""The attacker's test, kept in CI: each hole found by the attack on the production settings
(issue 18), tried again through the door where it was found, so it stays closed.

Each test names the finding it guards; docs/security.md lists them with the attack class.
"""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import bearer

API = "/api/v1"


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# --- 6. Deeply nested or oversized JSON: 400/413, never a 500 -----------------------------------
@pytest.mark.parametrize("path", ["/webhooks/", "/challenges/", "/influencers/", "/events/"])
@pytest.mark.parametrize("depth", [101, 2000])
def test_deeply_nested_json_is_a_400_at_every_api_door(world, tokens, path, depth):
    client = Client(raise_request_exception=False)
    # The webhooks resource was reachable with a read-only token; the others need write.
    _token, key = tokens["read" if path == "/webhooks/" else "write"]
    response = client.post(API + path, _nested(depth), content_type="application/json", **bearer(key))
    assert response.status_code == 400, response.content[:300]
    assert response.json()["message"]


def test_nested_object_too_deep_in_a_field_is_a_400(world, tokens):
    _token, key = tokens["write"]
    body = b'{"name": "x", "url": "https://example.com/h", "event_types": ' + _nested(150) + b"}"
    response = Client(raise_request_exception=False).post(
        API + "/webhooks/", body, content_type="application/json", **bearer(key)
    )
    assert response.status_code == 400


def test_json_depth_at_the_limit_still_parses(world, tokens):
    from opsportal.api.renderers import MAX_JSON_DEPTH, _too_deep

    assert not _too_deep(eval(_nested(MAX_JSON_DEPTH)))  # noqa: S307 (a literal we built)
    assert _too_deep(eval(_nested(MAX_JSON_DEPTH + 1)))  # noqa: S307


def test_oversized_json_is_a_413(world, tokens, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _token, key = tokens["write"]
    body = b'{"name": "' + b"x" * 2000 + b'"}'
    response = Client(raise_request_exception=False).post(
        API + "/webhooks/", body, content_type="application/json", **bearer(key)
    )
    assert response.status_code == 413
