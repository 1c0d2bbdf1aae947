"""The busiest lists' pages of ids (opsportal.api.keyset): compiled once per caller's rights,
they must still show each caller only their countries and page exactly like the ORM path."""

import pytest

from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db

LISTS = {
    "influencers": lambda country: f.InfluencerFactory(country=country),
    "challenges": lambda country: f.ChallengeFactory(country=country),
}


def _ids(client, url) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("name", LISTS)
def test_each_caller_gets_their_own_countries_whoever_asked_before(name, indonesia, thailand, id_operator):
    make = LISTS[name]
    id_rows = [make(indonesia).pk for _ in range(3)]
    th_rows = [make(thailand).pk for _ in range(2)]
    callers = [
        (make_token([indonesia])[0], None, id_rows),
        (make_token([thailand])[0], None, th_rows),
        (make_token([indonesia, thailand])[0], None, id_rows + th_rows),
        (None, id_operator, id_rows),
        (make_token([thailand])[0], None, th_rows),  # the same rights as an earlier caller
    ]
    for _round in range(2):  # the second time, every caller's statement is the compiled one
        for key, user, expected in callers:
            assert _ids(client_for(key, user=user), f"/api/v1/{name}/") == sorted(expected, reverse=True)


@pytest.mark.parametrize("name", LISTS)
def test_cursor_pages_walk_every_row_once(name, indonesia, thailand):
    make = LISTS[name]
    expected = sorted([make(indonesia).pk for _ in range(7)], reverse=True)
    make(thailand)
    api = client_for(make_token([indonesia])[0])
    seen, url = [], f"/api/v1/{name}/?page_size=3"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == expected
    # Another order goes through the ORM (an ordering is a filter) and agrees.
    assert _ids(api, f"/api/v1/{name}/?ordering=updated_at&page_size=50") == expected[::-1]


@pytest.mark.parametrize("name", LISTS)
def test_filters_still_apply(name, indonesia, thailand):
    make = LISTS[name]
    id_rows = [make(indonesia).pk for _ in range(2)]
    th_rows = [make(thailand).pk for _ in range(2)]
    api = client_for(make_token([indonesia, thailand])[0])
    assert _ids(api, f"/api/v1/{name}/") == sorted(id_rows + th_rows, reverse=True)
    assert _ids(api, f"/api/v1/{name}/?country=ID") == sorted(id_rows, reverse=True)
    assert _ids(api, f"/api/v1/{name}/?country=TH") == sorted(th_rows, reverse=True)


def test_a_revoked_token_is_refused_on_its_next_page(indonesia):
    from django.utils import timezone

    f.ChallengeFactory(country=indonesia)
    key, token = make_token([indonesia])
    api = client_for(key)
    assert api.get("/api/v1/challenges/").status_code == 200
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    assert api.get("/api/v1/challenges/").status_code == 401


def test_a_forged_cursor_is_a_400(indonesia):
    api = client_for(make_token([indonesia])[0])
    assert api.get("/api/v1/challenges/?cursor=bm90LWpzb24").status_code == 400


@pytest.mark.postgresql(reason="prepared statements are PostgreSQL's")
@pytest.mark.parametrize("name", LISTS)
def test_the_precompiled_statements_are_prepared_on_the_connection(name, indonesia):
    """Django turns psycopg's preparing off unless OPTIONS names a threshold, and then
    ``prepare=True`` is ignored too: the statements were planned again on every request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    LISTS[name](indonesia)
    api = client_for(make_token([indonesia])[0])
    for _ in range(2):
        with CaptureQueriesContext(connection) as logged:
            assert _ids(api, f"/api/v1/{name}/")
        # A prepared statement's run is logged with its text, as any other query.
        assert all(query["sql"] for query in logged.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    table = f'"{name}_{name[:-1]}"'
    assert any(table in sql and "= ANY(" in sql for sql in prepared), prepared
