"""Every list endpoint runs the same number of queries for 1 row and for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import client_for, make_token
from tests.api.resources import RESOURCES

pytestmark = pytest.mark.django_db

# PostgreSQL: the token (with its countries), the page's ids, the rows (JSON subqueries), plus a
# constant few elsewhere (a prefetch, the country filter's lookup, the other teams working the
# page's shared creators). SQLite fetches the token's countries, and an influencer page's accounts
# and categories, in queries of their own, and knowing no time zones, the countries' zones (each
# account's growth counts from its country's day).
BUDGET = 7 if connection.vendor == "postgresql" else 8


def _count(api, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.path != "countries"], ids=lambda r: r.path)
def test_list_queries_do_not_grow_with_rows(resource, indonesia, django_assert_max_num_queries):
    key, _token = make_token([indonesia], ("read", "write", "government", "finance"))
    api = client_for(key)
    api.get(resource.url())  # warm up: last_used_at is written on first use
    resource.make(indonesia)
    with django_assert_max_num_queries(BUDGET):
        one, rows = _count(api, resource.url())
    assert rows == 1
    for _ in range(49):
        resource.make(indonesia)
    with django_assert_max_num_queries(BUDGET):
        fifty, rows = _count(api, resource.url() + "?page_size=50")
    assert rows == 50
    assert one == fifty
    # Filtering by country (a natural key) adds one constant lookup at most.
    many, _rows = _count(api, resource.url() + "?country=ID&page_size=50")
    assert many <= fifty + 1


def test_countries_list_is_constant(django_assert_max_num_queries, superuser):
    from tests import factories as f

    api = client_for(user=superuser)
    f.CountryFactory(code="ID")
    with django_assert_max_num_queries(BUDGET):
        one, _ = _count(api, "/api/v1/countries/")
    for code in ["TH", "JP", "VN", "MY", "KH"]:
        f.CountryFactory(code=code)
    with django_assert_max_num_queries(BUDGET):
        six, rows = _count(api, "/api/v1/countries/")
    assert rows == 6 and one == six
