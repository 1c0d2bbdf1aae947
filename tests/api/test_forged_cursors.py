"""A hand-made ``?cursor=`` is a 400 (or a page) whatever it holds, never a 500."""

import base64
import json

import pytest

pytestmark = pytest.mark.django_db


def forged(value, pk) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, pk]).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("ordering", "value", "pk"),
    [
        ("-starts_at", "not a time", 1),
        ("-starts_at", 12, 1),
        ("-starts_at", "2026-01-01T00:00:00", 1),
        ("-starts_at", True, 1),
        ("hashtag", "a\x00", 1),
        ("hashtag", 5, 1),
        ("views", "abc", 1),
        ("views", 1.5, 1),
        ("views", 1, 2**70),
        ("views", 2**70, 1),
        ("views", 1, True),
    ],
)
def test_forged_cursor(api, indonesia, ordering, value, pk):
    response = api.get("/api/v1/challenges/", {"ordering": ordering, "cursor": forged(value, pk)})
    assert response.status_code in {200, 400}


def test_a_cursor_time_without_its_offset_is_refused_not_read_in_the_servers_zone(api, indonesia):
    # Every cursor the API writes carries the offset; one without it was forged.
    naive = api.get("/api/v1/challenges/", {"ordering": "-starts_at", "cursor": forged("2026-01-01T00:00:00", 1)})
    assert naive.status_code == 400 and "cursor" in naive.json()["errors"]
    aware = api.get("/api/v1/challenges/", {"ordering": "-starts_at", "cursor": forged("2026-01-01T00:00:00+07:00", 1)})
    assert aware.status_code == 200
    searched = api.get("/api/v1/challenges/", {"q": "dance", "ordering": "-starts_at", "cursor": forged("12", 1)})
    assert searched.status_code == 400
