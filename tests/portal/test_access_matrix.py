"""Every portal page for every role, including another country's records.

A record of a country the person is not on is a 404 (never confirmed to exist); government
relations are a 404 for anyone without the role; a write without the right is a 403.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["id_lead", "id_operator", "id_gr", "id_viewer", "th_operator", "hq_viewer", "superuser"]
GOVERNMENT = {"id_lead", "id_gr", "superuser"}
EDITORS = {"id_lead", "id_operator", "superuser"}  # may edit Indonesian operations records
IN_INDONESIA = {"id_lead", "id_operator", "id_gr", "id_viewer", "hq_viewer", "superuser"}

# (url name, record of the world it needs, kind)
PAGES = [
    ("portal:dashboard", None, "page"),
    ("portal:dashboard_chart", None, "page"),
    ("portal:calendar", None, "page"),
    ("portal:search", None, "page"),
    ("locales:team", None, "page"),
    ("challenges:list", None, "page"),
    ("challenges:create", None, "create"),
    ("challenges:detail", "challenge", "record"),
    ("challenges:chart", "challenge", "record"),
    ("challenges:edit", "challenge", "edit"),
    ("influencers:list", None, "page"),
    ("influencers:board", None, "page"),
    ("influencers:detail", "influencer", "record"),
    ("influencers:chart", "influencer", "record"),
    ("events:list", None, "page"),
    ("events:create", None, "create"),
    ("events:detail", "event", "record"),
    ("events:edit", "event", "edit"),
    ("locales:government", None, "government"),
    ("locales:incidents", None, "government"),
    ("locales:contact", "contact", "government-record"),
    ("locales:incident", "incident", "government-record"),
    # The create/edit screens of issue 14.
    ("influencers:create", None, "create"),
    ("influencers:edit", "influencer", "edit"),
    ("influencers:handle_check", None, "page"),
    ("events:task_edit", "task", "edit"),
    ("locales:contact_create", None, "government-create"),
    ("locales:contact_edit", "contact", "government-record"),
    ("locales:incident_create", None, "government-create"),
    ("locales:incident_edit", "incident", "government-record"),
    ("locales:commitment_create", None, "government-create"),
    ("locales:moments", None, "page"),
    ("locales:moment_create", None, "lead-create"),
    # Regulator requests (issue 17): government roles only.
    ("locales:requests", None, "government"),
    ("locales:request", "request", "government-record"),
    ("locales:request_create", None, "government-create"),
    ("locales:request_edit", "request", "government-record"),
    ("locales:request_item_edit", "request_item", "government-record"),
    ("locales:moment_edit", "moment", "lead-edit"),
]
HQ = {"hq_viewer", "superuser"}  # read every country: land on the HQ overview until they choose one


def expected_get(role: str, kind: str) -> int:
    if kind == "page":
        return 200
    if kind == "create":
        # th_operator creates in their own country (Thailand).
        return 200 if role in EDITORS or role == "th_operator" else 403
    if kind == "record":
        return 200 if role in IN_INDONESIA else 404
    if kind == "edit":
        if role not in IN_INDONESIA:
            return 404
        return 200 if role in EDITORS else 403
    if kind in ("government", "government-record", "government-create"):
        return 200 if role in GOVERNMENT else 404
    if kind == "lead-create":
        return 200 if role in ("id_lead", "superuser") else 403
    if kind == "lead-edit":
        if role not in IN_INDONESIA:
            return 404
        return 200 if role in ("id_lead", "superuser") else 403
    raise AssertionError(kind)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(client, world, users, role):
    client.force_login(users[role])
    failures = []
    for name, record, kind in PAGES:
        args = [world["ID"][record].pk] if record else []
        url = reverse(name, args=args)
        status = client.get(url, {"q": "id"} if name == "portal:search" else None).status_code
        wanted = 302 if name == "portal:dashboard" and role in HQ else expected_get(role, kind)
        if status != wanted:
            failures.append(f"{url}: {status}, expected {wanted}")
    assert not failures, failures


@pytest.mark.parametrize("record", ["challenge", "influencer", "event", "contact", "incident", "request"])
def test_thai_operator_reads_their_own_records_but_not_government(client, world, th_operator, record):
    client.force_login(th_operator)
    names = {
        "challenge": "challenges:detail",
        "influencer": "influencers:detail",
        "event": "events:detail",
        "contact": "locales:contact",
        "incident": "locales:incident",
        "request": "locales:request",
    }
    status = client.get(reverse(names[record], args=[world["TH"][record].pk])).status_code
    assert status == (404 if record in ("contact", "incident", "request") else 200)


def test_anonymous_is_sent_to_sign_in(client, world):
    for name, record, _kind in PAGES:
        args = [world["ID"][record].pk] if record else []
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


# --- writes --------------------------------------------------------------------------

WRITES = [
    ("challenges:status", "challenge", {"status": "ended"}, "ops"),
    ("influencers:stage", "influencer", {"stage": "onboarded"}, "ops"),
    ("influencers:outreach", "influencer", {"outreach-kind": "call", "outreach-summary": "Hi"}, "ops"),
    ("events:task_done", "task", {"done": "1"}, "ops"),
    ("events:guest_status", "guest", {"status": "confirmed"}, "ops"),
    ("events:copy", "event", {"name": "Again", "starts_at": "2030-01-01T10:00"}, "ops"),
    ("challenges:edit", "challenge", {"hashtag": "x", "title": "x", "format": "dance"}, "ops"),
    ("events:edit", "event", {"name": "x"}, "ops"),
    ("locales:contact_log", "contact", {"kind": "meeting", "summary": "Met"}, "government"),
    ("locales:incident_log", "incident", {"contact": "", "kind": "call", "summary": "Called"}, "government"),
    ("locales:request_status", "request", {"status": "in_progress"}, "government"),
    (
        "locales:request_item_add",
        "request",
        {"item-target": "https://x.example/v/2", "item-action": "removed"},
        "government",
    ),
    ("locales:request_item_remove", "request_item", {}, "government"),
]


def expected_post(role: str, kind: str) -> set[int]:
    if kind == "government":
        if role not in GOVERNMENT:
            return {404}
        return {302}
    if role not in IN_INDONESIA:
        return {404}
    if role not in EDITORS:
        return {403}
    return {200, 302, 400}  # done, or a form answered with its errors


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,record,data,kind", WRITES, ids=[w[0] for w in WRITES])
def test_every_write_for_every_role(client, world, users, role, name, record, data, kind):
    client.force_login(users[role])
    data = dict(data)
    if name == "locales:incident_log":
        data["contact"] = world["ID"]["contact"].pk
    response = client.post(reverse(name, args=[world["ID"][record].pk]), data)
    assert response.status_code in expected_post(role, kind), response.status_code


@pytest.mark.parametrize("role", ["id_viewer", "hq_viewer", "id_gr"])
def test_create_is_refused_to_readers(client, indonesia, users, role):
    client.force_login(users[role])
    response = client.post(reverse("challenges:create"), {"hashtag": "x", "title": "x", "format": "dance"})
    assert response.status_code == 403
    response = client.post(reverse("events:create"), {"name": "x"})
    assert response.status_code == 403


def test_government_officer_may_read_but_hq_viewer_with_government_may_not_write(client, world, indonesia):
    from locales.models import HQAccess
    from tests import factories as f

    user = f.UserFactory(username="hq-gov")
    f.StaffProfileFactory(user=user, hq_access=HQAccess.VIEWER_GOVERNMENT)
    client.force_login(user)
    contact = world["ID"]["contact"]
    assert client.get(reverse("locales:contact", args=[contact.pk])).status_code == 200
    response = client.post(reverse("locales:contact_log", args=[contact.pk]), {"kind": "call", "summary": "x"})
    assert response.status_code == 403
