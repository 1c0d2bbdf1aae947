"""The API's ``q`` filter cuts each side of its match to the keyset page asked for (PostgreSQL):
walking every page still gives every match once, in the page order, with the other filters
applied, a creator with several matching handles included once."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers.models import Stage
from tests import factories as f
from tests.api.conftest import client_for, make_token

pytestmark = pytest.mark.django_db


def _walk(api, url: str) -> list[int]:
    ids = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.json()
        ids += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
    return ids


@pytest.fixture
def creators(indonesia, thailand):
    """Indonesia: six "Glow" creators by name (followers tied in pairs), two by three handles
    each, three that do not match; one Thai "Glow" creator outside the token's country."""
    by_name = [
        f.InfluencerFactory(
            country=indonesia,
            name=f"Glow Up {i}",
            total_followers=(i // 2) * 1000,
            stage=Stage.ACTIVE if i % 2 else Stage.PROSPECT,
        )
        for i in range(6)
    ]
    by_handles = []
    for i in range(2):
        creator = f.InfluencerFactory(country=indonesia, name=f"Someone {i}", total_followers=1500, stage=Stage.ACTIVE)
        for j in range(3):
            f.PlatformAccountFactory(
                influencer=creator, platform=["tiktok", "youtube", "instagram"][j], handle=f"glowfan{i}{j}"
            )
        by_handles.append(creator)
    f.InfluencerFactory.create_batch(3, country=indonesia, name="Nobody")
    f.InfluencerFactory(country=thailand, name="Glow Thai")
    return by_name + by_handles


@pytest.mark.parametrize("ordering", ["", "-total_followers", "total_followers", "name", "-name"])
@pytest.mark.parametrize("stage", ["", Stage.ACTIVE])
@pytest.mark.parametrize("page_size", [1, 2, 3, 50])
def test_every_page_of_a_search_in_order(indonesia, creators, ordering, stage, page_size):
    key, _token = make_token([indonesia], ("read",))
    api = client_for(key)
    url = f"/api/v1/influencers/?q=glow&page_size={page_size}&ordering={ordering}&stage={stage}"
    expected = [c for c in creators if not stage or c.stage == stage]
    field = ordering.lstrip("-") or "pk"
    desc = ordering.startswith("-") or not ordering  # the default order is newest first
    expected.sort(key=lambda c: (getattr(c, field), c.pk), reverse=desc)
    assert _walk(api, url) == [c.pk for c in expected]


# --- the bounded walk: matches among the first rows in page order, else through the indexes ---
@pytest.fixture
def spread(indonesia):
    """Twelve Indonesian creators, newest first by id: "Glow" only in the oldest and in one in the
    middle (far apart in id order), "Creator" in every name."""
    made = [f.InfluencerFactory(country=indonesia, name=f"Creator {i}") for i in range(12)]
    for i in (0, 6):
        made[i].name = f"Creator Glow {i}"
        made[i].save(update_fields=["name"])
    return made


def _ids_newest_first(rows):
    return sorted((r.pk for r in rows), reverse=True)


@pytest.mark.parametrize("window", [1, 3, 1000])
@pytest.mark.parametrize("page_size", [1, 2, 5])
@pytest.mark.parametrize(
    "q, picked",
    [
        ("creator", lambda rows: rows),  # every row: the window fills a page
        ("glow", lambda rows: [rows[0], rows[6]]),  # few rows, far apart: mostly found by the indexes
        ("craetor", lambda rows: []),  # a typo that matches nothing
        ("creatr", lambda rows: rows),  # a typo that matches every row
    ],
)
def test_every_page_whatever_the_window(monkeypatch, indonesia, spread, window, page_size, q, picked):
    monkeypatch.setattr("opsportal.search.FIRST_ROWS_WINDOW", window)
    key, _token = make_token([indonesia], ("read",))
    api = client_for(key)
    assert _walk(api, f"/api/v1/influencers/?q={q}&page_size={page_size}") == _ids_newest_first(picked(spread))


@pytest.mark.parametrize("ordering", ["name", "-name", "total_followers"])
def test_a_few_far_apart_matches_in_another_order(monkeypatch, indonesia, spread, ordering):
    monkeypatch.setattr("opsportal.search.FIRST_ROWS_WINDOW", 2)
    key, _token = make_token([indonesia], ("read",))
    expected = sorted([spread[0], spread[6]], key=lambda c: (getattr(c, ordering.lstrip("-")), c.pk))
    if ordering.startswith("-"):
        expected.reverse()
    url = f"/api/v1/influencers/?q=glow&page_size=1&ordering={ordering}"
    assert _walk(client_for(key), url) == [c.pk for c in expected]


def _scans_by_the_indexes(plan: dict) -> list[dict]:
    """The plan's scans of the influencers that test the full-text match row by row or by an
    index: the arm taking every match through the indexes (the window computes it as a column)."""
    found = []
    if plan.get("Relation Name") == "influencers_influencer":
        tests = plan.get("Filter", "") + plan.get("Recheck Cond", "") + plan.get("Index Cond", "")
        if "to_tsvector" in tests:
            found.append(plan)
    for child in plan.get("Plans", []):
        found += _scans_by_the_indexes(child)
    return found


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("q, runs", [("creator", False), ("craetor", True)])
def test_the_indexes_are_asked_only_when_the_window_falls_short(monkeypatch, indonesia, spread, q, runs):
    """A page of "creator" is read from the first rows in page order; a typo matching nothing
    reads at most the window that way, then asks the indexes (PostgreSQL's estimate of how
    many rows match no longer decides whether it walks the whole country)."""
    monkeypatch.setattr("opsportal.search.FIRST_ROWS_WINDOW", 5)
    key, _token = make_token([indonesia], ("read",))
    with CaptureQueriesContext(connection) as captured:
        assert client_for(key).get(f"/api/v1/influencers/?q={q}&page_size=2").status_code == 200
    [page] = [c["sql"] for c in captured.captured_queries if "search_near" in c["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + page)
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    scans = _scans_by_the_indexes(plan)
    assert scans, "the arm through the indexes is in the plan"
    assert all((scan["Actual Loops"] > 0) == runs for scan in scans)
    assert page.count("OFFSET 0") == 1
