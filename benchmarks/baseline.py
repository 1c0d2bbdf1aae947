"""The baseline of the list benchmark: bare Django views that run the API's SQL through a
plain psycopg connection and return the same JSON, with no DRF, no ORM at request time, no
authentication, no throttling, no filters.

The SQL is the very statements the API runs for a first page (the page's ids, then the rows;
taken from the ORM once per process, scoped to every country as the benchmark token is); rows
become the same JSON through the same row functions, encoded by orjson. The bench checks that
both answers are byte-for-byte the same JSON before timing.
"""

from __future__ import annotations

import datetime as dt

import psycopg
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone

from benchmarks.pg import connect
from challenges.api.serializers import challenge_rows
from challenges.api.views import CHALLENGE_ROWS
from challenges.metrics import GAIN_DAYS
from challenges.models import Challenge
from influencers.api.serializers import influencer_rows
from influencers.api.views import INFLUENCER_ROWS
from influencers.models import Influencer
from locales.models import Country
from opsportal.access import Access, Perm
from opsportal.api.pagination import _encode
from opsportal.api.renderers import dumps
from opsportal.scope import system_scope

PAGE = 50
_state: dict = {}


def _connection() -> psycopg.Connection:
    conn = _state.get("conn")
    if conn is None or conn.closed:
        conn = connect(options="-c TimeZone=UTC")
        _state["conn"] = conn
    return conn


def _statements(name: str):
    """The API's two statements for a first page, compiled by the ORM once per process: the
    page's ids (scoped to every country, as the benchmark token is), then those rows."""
    if name not in _state:
        # The baseline view is not signed in: its request scope sees no country. It stands for
        # the benchmark's token, which holds them all.
        with system_scope():
            ids = list(Country.objects.values_list("pk", flat=True))
            access = Access(by_country=dict.fromkeys(ids, frozenset({Perm.VIEW})))
            model, rows = (Influencer, INFLUENCER_ROWS) if name == "influencers" else (Challenge, CHALLENGE_ROWS)
            keys = access.scope(model.objects.all()).values("id").order_by(F("pk").desc())[: PAGE + 1]
            _state[name] = (keys.query.sql_with_params(), rows._compiled or rows._compile(), rows)
    return _state[name]


def _page(request, name: str, build, **stand_ins) -> HttpResponse:
    (keys_sql, keys_params), (rows_sql, rows_params), compiled = _statements(name)
    with _connection().cursor() as cursor:
        cursor.execute(keys_sql, keys_params)
        ids = [row[0] for row in cursor.fetchall()]
        next_link = None
        base = request.build_absolute_uri(f"/api/v1/{name}/")
        if len(ids) > PAGE:
            ids = ids[:PAGE]
            next_link = f"{base}?cursor={_encode(ids[-1], ids[-1])}&page_size={PAGE}"
        cursor.execute(rows_sql, [compiled._swap(p, ids, **stand_ins) for p in rows_params])
        names = [c.name for c in cursor.description]
        by_id = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    rows = [by_id[pk] for pk in ids]
    return HttpResponse(dumps({"next": next_link, "results": build(rows, base)}), content_type="application/json")


def influencers(request):
    now = timezone.now()
    return _page(request, "influencers", lambda rows, base: influencer_rows(rows, base, now), moment=now, text=None)


def challenges(request):
    since = timezone.now() - dt.timedelta(days=GAIN_DAYS)
    return _page(request, "challenges", challenge_rows, moment=since, text=None)
