"""``/api/v1/audit/``: who may read it, its filters, its pages, and its query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from influencers.models import Influencer
from locales.models import Role
from opsportal.audit import audit_context, record_batch
from opsportal.db import Door
from tests import factories as fac

from .conftest import bearer
from .world import ID_GOV_MARK, ID_MARK, TH_MARK, member

pytestmark = pytest.mark.urls("tests.security.urls")
URL = "/api/v1/audit/"


def _get(client, who, **params):
    client.force_login(who)
    return client.get(URL, params)


def test_only_leads_and_administrators_read_the_trail(world, roles, tokens, client):
    assert client.get(URL).status_code == 401
    for name in ("id_operator", "id_gr", "id_viewer", "th_operator", "hq_viewer"):
        assert _get(client, roles[name]).status_code == 403, name
    for kind in ("read", "write", "government"):
        assert client.get(URL, **bearer(tokens[kind][1])).status_code == 403, kind
    assert _get(client, roles["id_lead"]).status_code == 200
    assert _get(client, roles["superuser"]).status_code == 200


def test_a_lead_sees_their_countries_only(world, roles, client):
    body = _get(client, roles["id_lead"], page_size=500).content.decode()
    assert TH_MARK not in body
    results = _get(client, roles["id_lead"], page_size=500).json()["results"]
    assert results and all(r["model"] != "opsportal.country" or r["object_id"] == str(world.id.pk) for r in results)
    th_lead = member(world.th, Role.LEAD, "th-lead")
    th_results = _get(client, th_lead, model="influencers.influencer").json()["results"]
    assert [r["object_id"] for r in th_results] == [str(world.objects["TH"]["influencer"].pk)]


def test_government_entries_need_the_government_permission(world, roles, client):
    # A lead holds both; a lead-like reader without government rights is built from an HQ grant.
    lead = _get(client, roles["id_lead"], model="locales.governmentcontact").json()["results"]
    assert [r["object_id"] for r in lead] == [str(world.objects["ID"]["governmentcontact"].pk)]
    from opsportal.access import Access, Perm
    from opsportal.history import audit_log

    auditor = Access(by_country={world.id.pk: frozenset({Perm.VIEW, Perm.AUDIT_VIEW})})
    entries, _ = audit_log(auditor, limit=500)
    assert entries and not any(e.model.startswith("locales.government") for e in entries)
    assert not any(e.model == "locales.regulatoryincident" for e in entries)
    with audit_context(Door.COMMAND):
        record_batch("import", "locales.governmentcontact", summary=f"contacts {ID_GOV_MARK}", country=world.id)
    assert not any(ID_GOV_MARK in e.summary for e in audit_log(auditor, limit=500)[0])


def test_filters_by_record_person_token_door_and_time(world, roles, tokens, client):
    influencer = world.objects["ID"]["influencer"]
    token = tokens["write"][0]
    with audit_context(Door.PORTAL, user=roles["id_operator"]):
        influencer.notes = "seen at DWP"
        influencer.save()
    with audit_context(Door.API, token=token):
        influencer.city = "Jakarta"
        influencer.save()
    lead = roles["id_lead"]
    by_record = _get(client, lead, model="influencers.influencer", object_id=influencer.pk).json()["results"]
    assert [r["action"] for r in by_record] == ["changed", "changed", "created"]
    by_user = _get(client, lead, user=roles["id_operator"].pk).json()["results"]
    assert len(by_user) == 1 and by_user[0]["changes"] == [
        {"field": "notes", "old": f"notes {ID_MARK}", "new": "seen at DWP"}
    ]
    by_token = _get(client, lead, token=token.pk).json()["results"]
    assert [(r["door"], r["token"]["name"]) for r in by_token] == [("api", "id-write")]
    assert {r["door"] for r in _get(client, lead, door="portal").json()["results"]} == {"portal"}
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert _get(client, lead, since=future).json()["results"] == []
    assert _get(client, lead, until="2000-01-01").json()["results"] == []


def _forged(at: str, source: str, key: int) -> str:
    """A cursor in the API's own encoding, made by hand."""
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps([at, source, key]).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"model": "nope.nothing"}, "model"),
        ({"object_id": "3"}, "object_id"),
        ({"user": "abc"}, "user"),
        ({"door": "window"}, "door"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-01", "until": "2026-01-01"}, "until"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"cursor": _forged("2026-01-01T00:00:00", "history", 1)}, "cursor"),  # naive time
        ({"cursor": _forged("2026-01-01T00:00:00+00:00", "hist\x00ory", 1)}, "cursor"),
        ({"cursor": _forged("2026-01-01T00:00:00+00:00", "history", 2**70)}, "cursor"),
        ({"page_size": "9999"}, "page_size"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(world, roles, client, params, field):
    response = _get(client, roles["id_lead"], **params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_pages_follow_the_cursor_without_gaps_or_repeats(world, roles, client):
    with audit_context(Door.COMMAND):
        for n in range(7):
            record_batch("import", Influencer, summary=f"batch {n}", country=world.id)
    client.force_login(roles["id_lead"])
    seen, url = [], URL + "?page_size=4"
    while url:
        page = client.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    everything = client.get(URL, {"page_size": 500}).json()["results"]
    assert seen == [r["id"] for r in everything] and len(seen) == len(set(seen))
    times = [r["at"] for r in everything]
    assert times == sorted(times, reverse=True)


def test_one_entry_by_id_and_other_countries_entries_are_404(world, roles, client):
    th_influencer = world.objects["TH"]["influencer"]
    th_row = Influencer.history.filter(id=th_influencer.pk).first()
    client.force_login(roles["id_lead"])
    assert client.get(f"{URL}influencers.influencer:{th_row.history_id}/").status_code == 404
    assert client.get(f"{URL}nonsense/").status_code == 404
    client.force_login(roles["superuser"])
    entry = client.get(f"{URL}influencers.influencer:{th_row.history_id}/").json()
    assert entry["object_id"] == str(th_influencer.pk) and entry["action"] == "created"


@pytest.mark.parametrize("rows", [1, 50])
def test_query_count_does_not_grow_with_rows(world, roles, client, django_assert_max_num_queries, rows):
    country = world.id
    with audit_context(Door.COMMAND):
        for _ in range(rows):
            fac.ChallengeFactory(country=country)
            record_batch("import", Influencer, summary="batch", country=country)
    client.force_login(roles["id_lead"])
    with django_assert_max_num_queries(45):  # bounded by the audited models, not the rows
        response = client.get(URL, {"page_size": 100})
    assert response.status_code == 200 and len(response.json()["results"]) >= min(rows, 100)
