"""The audit trail: who, when, which door and what changed — for every door, and unalterable."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from simple_history.middleware import HistoryRequestMiddleware

from challenges.models import Challenge, ChallengeMetricSnapshot
from influencers.models import Influencer, Stage
from influencers.services import influencer_move_stage
from locales.models import Role
from opsportal.access import access_for_user
from opsportal.audit import audit_context, record_batch
from opsportal.db import Door
from opsportal.history import audit_log, record_history
from opsportal.middleware import AuditContextMiddleware
from opsportal.models import AuditEntry
from tests import factories as fac

from .conftest import bearer
from .urlwalk import declared_model, routes
from .world import member

pytestmark = pytest.mark.urls("tests.security.urls")


def _latest(obj):
    return type(obj).history.filter(id=obj.pk).order_by("-history_date", "-history_id").first()


def _api_route(model, suffix: str):
    for route in routes():
        wanted = route.door == "api" and route.name and route.name.endswith(suffix) and "format" not in route.kwargs
        if wanted and declared_model(route) is model:
            return route
    return None


# --- each door leaves who, when, door and the change ----------------------------------------
def test_portal_edit_through_the_middleware_names_person_door_and_change(world, roles, rf):
    operator = roles["id_operator"]
    influencer = world.objects["ID"]["influencer"]

    def view(request):
        influencer_move_stage(Influencer.objects.get(pk=influencer.pk), Stage.CONTACTED, by=request.user)
        return HttpResponse("ok")

    request = rf.post(f"/influencers/{influencer.pk}/stage/")
    request.user = operator
    AuditContextMiddleware(HistoryRequestMiddleware(view))(request)

    row = _latest(influencer)
    assert (row.history_type, row.history_user, row.history_door, row.history_token) == ("~", operator, "portal", None)
    entry = record_history(influencer, access_for_user(roles["id_lead"]))[0]
    assert (entry.action, entry.door, entry.username) == ("changed", Door.PORTAL, "id-operator")
    stage = next(c for c in entry.changes if c.field == "stage")
    assert (stage.old, stage.new, str(stage.new_display)) == (Stage.PROSPECT, Stage.CONTACTED, "Contacted")


def test_portal_page_edit_over_http_is_in_the_trail(world, roles, client):
    """The real portal door, when its stage form exists."""
    influencer = world.objects["ID"]["influencer"]
    try:
        url = reverse("influencers:stage", args=[influencer.pk])
    except NoReverseMatch:
        pytest.skip("the portal has no stage move yet")
    client.force_login(roles["id_operator"])
    client.post(url, {"stage": Stage.ONBOARDED})
    influencer.refresh_from_db()
    if influencer.stage != Stage.ONBOARDED:
        pytest.skip("the portal's stage form takes other fields")
    row = _latest(influencer)
    assert (row.history_user, row.history_door) == (roles["id_operator"], "portal")


def test_api_update_names_the_token_and_the_api_door(world, roles, tokens, client):
    route = _api_route(Challenge, "-detail")
    if route is None:
        pytest.skip("no challenge endpoint in the API yet")
    challenge = world.objects["ID"]["challenge"]
    token, key = tokens["write"]
    url = reverse(route.name, kwargs={"pk": challenge.pk})
    response = client.patch(url, {"title": "Multi-person frame"}, content_type="application/json", **bearer(key))
    assert response.status_code == 200, response.content

    row = _latest(challenge)
    assert (row.history_type, row.history_door, row.history_token, row.history_user) == ("~", "api", token, None)
    client.force_login(roles["id_lead"])
    listing = client.get("/api/v1/audit/", {"model": "challenges.challenge", "object_id": challenge.pk}).json()
    entry = listing["results"][0]
    assert entry["door"] == "api" and entry["token"] == {"id": token.pk, "name": "id-write"} and entry["user"] is None
    title = next(c for c in entry["changes"] if c["field"] == "title")
    assert title["new"] == "Multi-person frame" and "zqxID7c1mark" in title["old"]


def test_bulk_ingestion_leaves_one_batch_entry_with_its_row_count(world, roles, tokens, client):
    challenge = fac.ChallengeFactory(country=world.id, hashtag="goyangjempol")
    token, key = tokens["write"]
    rows = [
        {"country": "ID", "hashtag": "goyangjempol", "captured_at": f"2026-07-0{day}T10:00:00+07:00", "views": day}
        for day in range(1, 6)
    ]
    route = _api_route(ChallengeMetricSnapshot, "-bulk")
    if route is not None:
        response = client.post(reverse(route.name), {"rows": rows}, content_type="application/json", **bearer(key))
        assert response.status_code == 200, response.content
    else:  # the service every bulk door calls, as the API would
        from challenges.metrics import ingest_metric_rows

        with audit_context(Door.API, token=token):
            ingest_metric_rows(rows)

    batch = AuditEntry.objects.get(model="challenges.challengemetricsnapshot")
    assert (batch.door, batch.token, batch.user, batch.country) == ("api", token, None, world.id)
    assert "5" in batch.summary and ChallengeMetricSnapshot.objects.filter(challenge=challenge).count() == 5
    entries, _ = audit_log(access_for_user(roles["id_lead"]), model="challenges.challengemetricsnapshot")
    assert [e.id for e in entries] == [f"~batch:{batch.pk}"]
    th_lead = member(world.th, Role.LEAD, "th-lead")
    assert audit_log(access_for_user(th_lead), model="challenges.challengemetricsnapshot")[0] == []
    assert audit_log(access_for_user(roles["id_operator"]))[0] == []  # operators do not read the trail


def test_admin_delete_is_in_the_trail(world, roles, client):
    event = world.objects["ID"]["eventtask"].event
    task = world.objects["ID"]["eventtask"]
    target = next((o for o in (task, world.objects["ID"]["partner"], event) if type(o) in admin.site._registry), None)
    if target is None:
        pytest.skip("no audited record in the admin yet")
    label = target._meta
    client.force_login(roles["superuser"])
    url = reverse(f"admin:{label.app_label}_{label.model_name}_delete", args=[target.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302, response.content[:500]
    assert not type(target).objects.filter(pk=target.pk).exists()

    row = type(target).history.filter(id=target.pk).order_by("-history_date").first()
    assert (row.history_type, row.history_user, row.history_door) == ("-", roles["superuser"], "admin")
    entries, _ = audit_log(access_for_user(roles["id_lead"]), model=label.label_lower, object_id=str(target.pk))
    assert entries[0].action == "deleted" and entries[0].door == "admin" and entries[0].username == "admin"


def test_command_and_task_changes_name_their_door(world):
    challenge = world.objects["ID"]["challenge"]
    with audit_context(Door.TASK):
        Challenge.objects.get(pk=challenge.pk).save()
    assert _latest(challenge).history_door == "task"
    with audit_context(Door.IMPORT):
        entry = record_batch("import", Influencer, summary="12 rows imported", country=world.id)
    assert (entry.door, entry.model) == ("import", "influencers.influencer")


# --- no door alters the trail -----------------------------------------------------------------
def test_api_audit_is_read_only(world, roles, client):
    with audit_context(Door.COMMAND):
        entry = record_batch("import", Influencer, summary="batch", country=world.id)
    client.force_login(roles["superuser"])
    detail = f"/api/v1/audit/~batch:{entry.pk}/"
    assert client.get(detail).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        for url in ("/api/v1/audit/", detail):
            response = getattr(client, method)(url, {"summary": "rewritten"}, content_type="application/json")
            assert response.status_code == 405, (method, url)
    entry.refresh_from_db()
    assert entry.summary == "batch"


def test_admin_cannot_add_change_or_delete_audit_entries(world, roles, client):
    with audit_context(Door.COMMAND):
        entry = record_batch("import", Influencer, summary="batch", country=world.id)
    client.force_login(roles["superuser"])
    if AuditEntry not in admin.site._registry:
        for name, args in (("add", []), ("change", [entry.pk]), ("delete", [entry.pk])):
            with pytest.raises(NoReverseMatch):
                reverse(f"admin:opsportal_auditentry_{name}", args=args)
        return
    assert client.get(reverse("admin:opsportal_auditentry_add")).status_code == 403
    client.post(reverse("admin:opsportal_auditentry_add"), {"summary": "forged", "door": "admin", "action": "x"})
    client.post(reverse("admin:opsportal_auditentry_change", args=[entry.pk]), {"summary": "rewritten"})
    response = client.post(reverse("admin:opsportal_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.summary == "batch" and AuditEntry.objects.count() == 1


def test_admin_history_has_no_revert(world, roles, client):
    challenge = world.objects["ID"]["challenge"]
    if Challenge not in admin.site._registry:
        pytest.skip("challenges not in the admin yet")
    with audit_context(Door.COMMAND):
        challenge.title = "Changed later"
        challenge.save()
    first = challenge.history.order_by("history_date").first()
    rows = challenge.history.count()
    client.force_login(roles["superuser"])
    assert client.get(reverse("admin:challenges_challenge_history", args=[challenge.pk])).status_code == 200
    url = reverse("admin:challenges_challenge_simple_history", args=[challenge.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content and b"Revert" not in page.content
    # simple-history's version page saves whatever is posted to it (SIMPLE_HISTORY_REVERT_DISABLED
    # only hides the button): the admin must refuse the POST itself.
    response = client.post(url, {"title": first.title, "hashtag": first.hashtag, "country": first.country_id})
    assert response.status_code in (403, 405), response.status_code
    challenge.refresh_from_db()
    assert challenge.title == "Changed later" and challenge.history.count() == rows


def test_record_history_is_empty_for_those_who_may_not_read_the_record(world, roles):
    contact = world.objects["ID"]["governmentcontact"]
    with audit_context(Door.COMMAND):
        contact.notes = "after the ban"
        contact.save()
    assert record_history(contact, access_for_user(roles["id_operator"])) == []
    assert record_history(contact, access_for_user(roles["th_operator"])) == []
    entries = record_history(contact, access_for_user(roles["id_gr"]))
    assert [c.field for c in entries[0].changes] == ["notes"]
    assert entries[0].changes[0].new == "after the ban"


def test_the_history_partial_renders_a_records_trail(world, roles):
    from django.template.loader import render_to_string

    influencer = world.objects["ID"]["influencer"]
    with audit_context(Door.PORTAL, user=roles["id_operator"]):
        influencer_move_stage(influencer, Stage.ACTIVE)
    html = render_to_string(
        "audit/record_history.html", {"entries": record_history(influencer, access_for_user(roles["id_viewer"]))}
    )
    assert "id-operator" in html and "Active" in html and "Prospect" in html and "(in the portal)" in html
    assert "<script" not in html


def test_each_door_is_named_in_a_phrase_of_its_own_and_a_change_without_one_names_none(world, roles):
    from django.template.loader import render_to_string
    from django.utils import translation

    from opsportal.history import DOOR_PHRASES

    assert set(DOOR_PHRASES) == set(Door.values)
    challenge = world.objects["ID"]["challenge"]
    with audit_context(Door.COMMAND):
        Challenge.objects.get(pk=challenge.pk).save()
    entries = record_history(challenge, access_for_user(roles["id_lead"]))
    assert entries[0].door_phrase == "from the command line"
    html = render_to_string("audit/record_history.html", {"entries": entries})
    assert "(from the command line)" in html and "Command line" not in html
    with translation.override("id"):
        assert str(entries[0].door_phrase) == "dari baris perintah"
    Challenge.history.filter(history_door="command").update(history_door="")  # a change no door was noted for
    entries = record_history(challenge, access_for_user(roles["id_lead"]))
    html = render_to_string("audit/record_history.html", {"entries": entries})
    assert "()" not in html and "history-door" not in html.split('<li class="history-entry">')[1]


def test_a_records_creation_lists_its_values_without_an_empty_before_column(world, roles):
    from django.template.loader import render_to_string

    influencer = world.objects["ID"]["influencer"]
    with audit_context(Door.PORTAL, user=roles["id_operator"]):
        influencer_move_stage(influencer, Stage.ACTIVE)
    entries = record_history(influencer, access_for_user(roles["id_viewer"]))
    assert [entry.action for entry in entries][-1] == "created"
    html = render_to_string("audit/record_history.html", {"entries": entries})
    changed, created = html.split('<li class="history-entry">')[1:][0], html.split('<li class="history-entry">')[-1]
    assert "Before" in changed and "After" in changed
    assert 'class="history-changes history-created"' in created
    assert "Before" not in created and "Value" in created and influencer.name in created
