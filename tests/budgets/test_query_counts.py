"""Budget pages and lists keep a constant number of queries for 1 and for 50 lines or rates."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db

MAX_PAGE = 45
MAX_API = 7
CATEGORIES = ["venue", "production", "creators", "travel", "marketing", "other"]


def _count(client, url) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _lines(record_field, record, n):
    start = len(CATEGORIES)
    for i in range(n):
        f.BudgetLineFactory(
            **{"event": None, record_field: record},
            category=CATEGORIES[(start + i) % len(CATEGORIES)],
            planned=Decimal(1000 + i),
            actual=Decimal(900 + i) if i % 2 else None,
            currency=["IDR", "USD", "THB"][i % 3],
            spent_on=dt.date(2017, 12, 1) + dt.timedelta(days=i % 30),
        )


_DAYS = itertools.count()


def _rates(n):
    for _ in range(n):
        i = next(_DAYS)
        f.ExchangeRateFactory(
            currency=["IDR", "THB", "SGD"][i % 3], valid_on=dt.date(2017, 1, 1) + dt.timedelta(days=i), created_by=None
        )


@pytest.mark.parametrize("kind", ["event", "challenge"])
def test_record_pages_with_budget_lines(client, indonesia, id_lead, kind):
    client.force_login(id_lead)
    if kind == "event":
        record = f.EventFactory(country=indonesia)
    else:
        record = f.ChallengeFactory(country=indonesia, starts_at=timezone.now() - dt.timedelta(days=3), views=10_000)
        f.MetricSnapshotFactory(challenge=record, captured_at=timezone.now(), views=10_000)
    url = f"/{kind}s/{record.pk}/"
    _rates(3)
    _lines(kind, record, 1)
    one = _count(client, url)
    _lines(kind, record, 49)
    _rates(47)
    fifty = _count(client, url)
    assert one == fifty <= MAX_PAGE, (one, fifty)


def test_rates_page(client, id_lead):
    client.force_login(id_lead)
    _rates(1)
    one = _count(client, "/budgets/rates/")
    _rates(49)
    assert _count(client, "/budgets/rates/") == one


def test_hq_overview_spend(client, indonesia, thailand, superuser):
    client.force_login(superuser)
    _rates(3)
    _lines("event", f.EventFactory(country=indonesia), 1)
    one = _count(client, "/hq/")
    for country in (indonesia, thailand):
        _lines("event", f.EventFactory(country=country), 25)
    _rates(47)
    assert _count(client, "/hq/") == one


@pytest.mark.parametrize("path", ["budget-lines", "exchange-rates"])
def test_api_lists(indonesia, path):
    key, _token = make_token([indonesia], ("read", "finance"))
    api = client_for(key)
    api.get(f"/api/v1/{path}/")  # last_used_at is written on first use

    def make(n):
        if path == "budget-lines":
            _lines("event", f.EventFactory(country=indonesia), n)
        else:
            _rates(n)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(f"/api/v1/{path}/?page_size=50")
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["results"])

    make(1)
    one, rows = count()
    assert rows == 1
    make(49)
    fifty, rows = count()
    assert rows == 50
    assert one == fifty <= MAX_API
