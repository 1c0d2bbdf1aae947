"""The attacker's test, kept in CI: each hole found by the attack on the production settings
(issue 18), tried again through the door where it was found, so it stays closed.

This module walks the findings about people and records (1-3: owners and assignees across
countries, links across countries, answers that confirm what exists elsewhere, stale recipients);
test_attacks_input.py walks the hostile inputs (4-8: chart text, zip bombs, deep JSON, sign-in
behind the proxy, DNS rebinding). docs/security.md lists them with the attack class.
"""

from __future__ import annotations

import pytest

API = "/api/v1"


# --- 1. People outside a country receiving its records through owner/assignee fields -----------
def _api(key: str):
    from rest_framework.test import APIClient

    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def th_write(world):
    from opsportal.models import Scope

    from .world import make_token

    return make_token("th-write", [world.th], [Scope.READ, Scope.WRITE])[1]


@pytest.fixture
def two_country_write(world):
    """A token of Indonesia and Thailand: it may see both, but may not join them."""
    from opsportal.models import Scope

    from .world import make_token

    return make_token("id-th-write", [world.id, world.th], [Scope.READ, Scope.WRITE, Scope.GOVERNMENT])[1]


def _person_error(response, field: str) -> dict:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["errors"][field] == ["No such person on the team of this record's country."], body
    return body


PERSON_DOORS = [
    # (resource, record kind of the Thai world, field)
    ("challenges", "challenge", "owner"),
    ("events", "event", "owner"),
    ("event-tasks", "eventtask", "assignee"),
    ("influencers", "influencer", "relationship_owner"),
]


@pytest.mark.parametrize(("resource", "kind", "field"), PERSON_DOORS)
def test_api_refuses_an_owner_from_another_country_like_an_unknown_one(world, roles, th_write, resource, kind, field):
    record = world.objects["TH"][kind]
    url = f"{API}/{resource}/{record.pk}/"
    client = _api(th_write)
    outsider = _person_error(client.patch(url, {field: "id-operator"}, format="json"), field)
    unknown = _person_error(client.patch(url, {field: "nobody-at-all"}, format="json"), field)
    by_id = _person_error(client.patch(url, {field: roles["id_operator"].pk}, format="json"), field)
    unknown_id = _person_error(client.patch(url, {field: 987654}, format="json"), field)
    assert outsider == unknown == by_id == unknown_id  # one answer: nothing tells them apart
    record.refresh_from_db()
    assert getattr(record, f"{field}_id") != roles["id_operator"].pk
    # Someone of the Thai team who may edit holds it; a Thai viewer may not.
    assert client.patch(url, {field: "th-operator"}, format="json").status_code == 200
    from locales.models import Role

    from .world import member

    member(world.th, Role.VIEWER, "th-viewer")
    _person_error(client.patch(url, {field: "th-viewer"}, format="json"), field)


def test_api_create_with_an_outsider_owner_is_refused_and_nothing_is_saved(world, roles, th_write):
    from challenges.models import Challenge

    body = {"country": "TH", "hashtag": "paythevendor", "title": "Pay vendor 2M THB", "owner": "id-operator"}
    body["format"] = "dance"
    _person_error(_api(th_write).post(f"{API}/challenges/", body, format="json"), "owner")
    assert not Challenge.objects.filter(hashtag="paythevendor").exists()


def test_government_owner_needs_the_government_role(world, roles, two_country_write):
    incident = world.objects["ID"]["regulatoryincident"]
    client = _api(two_country_write)
    url = f"{API}/regulatory-incidents/{incident.pk}/"
    _person_error(client.patch(url, {"owner": "id-operator"}, format="json"), "owner")  # no government role
    assert client.patch(url, {"owner": "id-gr"}, format="json").status_code == 200


def test_portal_form_refuses_an_outsider_owner_like_an_unknown_one(client, world, roles):
    from django.urls import reverse

    from locales.models import Role

    from .world import member

    lead = member(world.th, Role.LEAD, "th-lead")
    client.force_login(lead)
    challenge = world.objects["TH"]["challenge"]
    url = reverse("challenges:edit", args=[challenge.pk])
    base = {"hashtag": challenge.hashtag, "title": "t", "format": challenge.format, "status": challenge.status}
    outsider = client.post(url, {**base, "owner": roles["id_operator"].pk})
    unknown = client.post(url, {**base, "owner": 987654})
    assert outsider.status_code == unknown.status_code == 400
    assert outsider.context["form"].errors["owner"] == unknown.context["form"].errors["owner"]


def test_admin_refuses_an_outsider_owner_for_a_person_on_two_teams(client, world, roles):
    """The admin offers colleagues of every country the person sees; the model still refuses."""
    from django.urls import reverse

    from challenges.models import Challenge
    from locales.models import Role
    from tests import factories as fac

    both = roles["id_lead"]
    fac.MembershipFactory(user=both, country=world.th, role=Role.LEAD)
    client.force_login(both)
    challenge = world.objects["TH"]["challenge"]
    url = reverse("admin:challenges_challenge_change", args=[challenge.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data.update({"owner": roles["id_operator"].pk, "country": world.th.pk, "_save": "Save"})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its error
    assert "No such person on the team of this record" in response.content.decode()
    assert Challenge.objects.get(pk=challenge.pk).owner_id != roles["id_operator"].pk


def test_import_refuses_an_outsider_owner_like_an_unknown_one(world, roles):
    import io

    from imports.services import job_create, job_run
    from locales.models import Role

    from .world import member

    lead = member(world.th, Role.LEAD, "th-importer")
    rows = (
        "hashtag,title,format,owner\nfirst,One,dance,id-operator\nsecond,Two,dance,nobody@example.com\n"
        "third,Three,dance,th-operator\n"
    )
    upload = io.BytesIO(rows.encode())
    upload.name = "challenges.csv"
    job = job_run(job_create(user=lead, kind="challenges", country=world.th, upload=upload), dry_run=True)
    errors = {(e["row"], e["field"]): e["message"] for e in job.errors}
    template = "No one on the Thailand team with the username or email %s may hold this."
    assert errors == {(2, "owner"): template % "id-operator", (3, "owner"): template % "nobody@example.com"}


def test_a_stale_owner_gets_no_reminder(world, roles):
    """The Indonesian operator owned a Thai challenge (set before the fix, or then moved country):
    neither the queue nor the sending reaches them."""
    import datetime as dt

    from django.core import mail as django_mail
    from django.utils import timezone

    from challenges.models import Challenge
    from notifications.models import Notification
    from opsportal import mail
    from opsportal.models import ReminderDelivery
    from reminders import services

    now = timezone.now().replace(hour=3, minute=0)  # 10:00 in Bangkok
    challenge = world.objects["TH"]["challenge"]
    Challenge.objects.filter(pk=challenge.pk).update(
        owner=roles["id_operator"], status="planned", starts_at=now + dt.timedelta(days=1)
    )
    occasions = services.occasions_for(world.th, now)
    assert all(o.recipient_id != roles["id_operator"].pk for o in occasions)
    # A row queued while they were still on the team is skipped at sending time.
    row = ReminderDelivery.objects.create(
        key="challenge_launch:stale", recipient=roles["id_operator"], kind="challenge_launch",
        payload={"country": "Thailand", "country_id": world.th.pk, "timezone": "Asia/Bangkok",
                 "hashtag": challenge.hashtag, "title": "Pay vendor", "starts_at": now.isoformat(), "path": "/"},
    )  # fmt: skip
    outcome = mail.deliver(row.pk)
    assert outcome.status == "skipped"
    assert not Notification.objects.filter(recipient=roles["id_operator"]).exists()
    assert not django_mail.outbox


# --- 2. Participants and guests across countries ------------------------------------------------
@pytest.mark.parametrize(
    ("resource", "parent_field", "parent_kind"),
    [("challenge-participations", "challenge", "challenge"), ("event-guests", "event", "event")],
)
def test_a_two_country_token_cannot_link_an_influencer_across(
    world, two_country_write, resource, parent_field, parent_kind
):
    parent = world.objects["TH"][parent_kind]
    influencer = world.objects["ID"]["influencer"]
    response = _api(two_country_write).post(
        f"{API}/{resource}/", {parent_field: parent.pk, "influencer": influencer.pk}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"]["influencer"] == ["This record belongs to another country."]


def test_a_two_country_token_cannot_link_a_partner_or_moment_across(world, two_country_write):
    client = _api(two_country_write)
    event = world.objects["TH"]["event"]
    response = client.post(
        f"{API}/event-partners/",
        {"event": event.pk, "partner": world.objects["ID"]["partner"].pk, "role": "x"},
        format="json",
    )
    assert response.status_code == 400 and "partner" in response.json()["errors"]
    response = client.patch(
        f"{API}/events/{event.pk}/", {"cultural_moment": world.objects["ID"]["culturalmoment"].pk}, format="json"
    )
    assert response.status_code == 400 and "cultural_moment" in response.json()["errors"]


def test_services_refuse_cross_country_links_for_any_door(world):
    from django.core.exceptions import ValidationError

    from challenges.models import ChallengeParticipation
    from events.models import EventGuest

    for record in (
        ChallengeParticipation(
            challenge=world.objects["TH"]["challenge"], influencer=world.objects["ID"]["influencer"]
        ),
        EventGuest(event=world.objects["TH"]["event"], influencer=world.objects["ID"]["influencer"]),
    ):
        with pytest.raises(ValidationError) as caught:
            record.full_clean()
        assert "influencer" in caught.value.message_dict


# --- 3. Answers that confirm what exists elsewhere ----------------------------------------------
def test_import_never_names_another_countrys_influencers(world, roles):
    import io

    from imports.services import job_create, job_run
    from locales.models import Role
    from tests import factories as fac

    from .world import member

    lead = member(world.th, Role.LEAD, "th-importer")
    agus = fac.InfluencerFactory(country=world.id, name="Agus Setiawan")
    fac.PlatformAccountFactory(influencer=agus, platform="tiktok", handle="agus")
    dimas = fac.InfluencerFactory(country=world.id, name="Dimas Pratama")
    fac.PlatformAccountFactory(influencer=dimas, platform="youtube", handle="dimas")
    thai = world.objects["TH"]["platformaccount"]
    rows = f"name,tiktok,youtube,instagram\nX,@agus,@dimas,\nY,@agus,,\nZ,,,@{thai.handle}\n"
    upload = io.BytesIO(rows.encode())
    upload.name = "influencers.csv"
    job = job_run(job_create(user=lead, kind="influencers", country=world.th, upload=upload), dry_run=True)
    text = repr(job.errors)
    assert "Agus" not in text and "Dimas" not in text and "another country" not in text
    errors = {(e["row"], e["field"]): e["message"] for e in job.errors}
    # Two handles kept by two different teams' records: refused without naming either.
    assert errors[(2, "tiktok")] == "These handles belong to different influencers."
    # One kept by the Indonesian team: Thailand's own relationship with that creator (a shared
    # profile), nothing of the Indonesian record's relationship read or written.
    assert (3, "tiktok") not in errors


def test_api_handle_taken_answers_the_same_in_any_country(world, th_write):
    """Handles are unique per platform worldwide: the refusal cannot be hidden, but it is the
    same whether the holder is the caller's own influencer or another country's."""
    client = _api(th_write)
    mine, theirs = world.objects["TH"]["platformaccount"], world.objects["ID"]["platformaccount"]
    answers = []
    for taken in (mine, theirs):
        response = client.post(
            f"{API}/platform-accounts/",
            {"influencer": world.objects["TH"]["influencer"].pk, "platform": taken.platform, "handle": taken.handle},
            format="json",
        )
        assert response.status_code == 400
        answers.append(response.json()["errors"])
    assert answers[0] == answers[1]
    assert "This handle is already registered on this platform." in repr(answers[0])


def test_copying_an_event_leaves_a_stale_owner_and_assignee_behind(world, roles):
    import datetime as dt

    from events.models import Event, EventTask
    from events.services import event_copy

    event = world.objects["TH"]["event"]
    Event.objects.filter(pk=event.pk).update(owner=roles["id_operator"])
    EventTask.objects.filter(event=event).update(assignee=roles["id_operator"])
    event.refresh_from_db()
    copy = event_copy(event, starts_at=event.starts_at + dt.timedelta(days=7))
    assert copy.owner_id is None
    assert copy.tasks.exists() and not copy.tasks.exclude(assignee=None).exists()


def test_a_weekly_report_queued_for_someone_who_left_the_team_is_not_sent(world, roles):
    from django.core import mail as django_mail

    from locales.models import TeamMembership
    from opsportal import mail
    from opsportal.models import ReminderDelivery
    from reports.models import WeeklyReport

    report = WeeklyReport.objects.create(country=world.id, week="2026-W47", data={})
    leaver = roles["id_operator"]
    row = ReminderDelivery.objects.create(
        key="weekly:leaver", recipient=leaver, kind="weekly_report", payload={"report_id": report.pk}
    )
    TeamMembership.objects.filter(user=leaver).delete()
    assert mail.deliver(row.pk).status == "skipped"
    assert not django_mail.outbox


def test_an_outsider_owner_reads_as_unknown_even_beside_other_errors(world, roles, th_write):
    """With another field wrong the services never run: the reference itself must not tell."""
    url = f"{API}/challenges/{world.objects['TH']['challenge'].pk}/"
    client = _api(th_write)
    answers = [
        client.patch(url, {"owner": who, "ends_at": "not a date"}, format="json").json()
        for who in ("id-operator", "nobody-at-all")
    ]
    assert answers[0] == answers[1]
    assert answers[0]["errors"]["owner"] == ["No such person on the team of this record's country."]
