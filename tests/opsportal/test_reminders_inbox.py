"""The notification inbox, its unread badge and the reminder preferences."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from notifications.models import Notification


def note(user, country=None, **kwargs):
    defaults = {"kind": "task_due", "title": "Task due today: Book the stage", "url": "/events/"}
    return Notification.objects.create(recipient=user, country=country, **{**defaults, **kwargs})


@pytest.fixture
def signed_in(client, id_operator):
    client.force_login(id_operator)
    return client


def test_inbox_shows_own_notifications_and_unread_count(signed_in, id_operator, id_lead, indonesia):
    note(id_operator, indonesia, title="Mine, unread")
    note(id_operator, indonesia, title="Mine, read", read_at="2026-11-23T00:00:00Z")
    note(id_lead, indonesia, title="Someone else's")
    response = signed_in.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine, unread" in html and "Mine, read" in html and "Someone else" not in html
    assert response.context["unread"] == 1
    unread_only = signed_in.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    assert "Mine, unread" in unread_only and "Mine, read" not in unread_only


def test_opening_marks_read_and_follows_the_link(signed_in, id_operator):
    n = note(id_operator)
    response = signed_in.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/events/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_link_off_site_is_not_followed(signed_in, id_operator):
    n = note(id_operator, url="https://evil.example.com/")
    response = signed_in.get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_read_and_mark_all(signed_in, id_operator, id_lead):
    a, b = note(id_operator), note(id_operator)
    theirs = note(id_lead)
    signed_in.post(reverse("notifications:read", args=[a.pk]))
    signed_in.post(reverse("notifications:read", args=[theirs.pk]))  # not found for them: nothing happens
    assert Notification.objects.filter(read_at__isnull=False).count() == 1
    response = signed_in.post(reverse("notifications:read_all"), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("notifications:inbox")
    b.refresh_from_db()
    theirs.refresh_from_db()
    assert b.read_at is not None and theirs.read_at is None
    assert signed_in.get(reverse("notifications:read_all")).status_code == 405


def test_unread_count_tag(id_operator, rf: RequestFactory):
    note(id_operator)
    note(id_operator)
    request = rf.get("/")
    request.user = id_operator
    template = Template("{% load notifications %}{% unread_count %}")
    assert template.render(Context({"request": request})) == "2"
    note(id_operator)
    assert template.render(Context({"request": request})) == "2"  # counted once per request


def test_inbox_query_count_does_not_grow(signed_in, id_operator, indonesia, django_assert_max_num_queries):
    note(id_operator, indonesia)
    with django_assert_max_num_queries(12) as one:
        signed_in.get(reverse("notifications:inbox"))
    for _ in range(49):
        note(id_operator, indonesia)
    with django_assert_max_num_queries(len(one)):
        signed_in.get(reverse("notifications:inbox"))


def test_preferences_mute_kinds(signed_in, id_operator):
    page = signed_in.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert "government_contact" not in page.content.decode()  # an operator never gets those
    response = signed_in.post(reverse("notifications:preferences"), {"muted": ["task_due", "challenge_stale"]})
    assert response.status_code == 302
    id_operator.profile.refresh_from_db()
    assert id_operator.profile.muted_reminders == ["challenge_stale", "task_due"]


def test_preferences_reject_an_unknown_kind(signed_in, id_operator):
    response = signed_in.post(reverse("notifications:preferences"), {"muted": ["government_contact"]})
    assert response.status_code == 400
    assert "government_contact is not one of the available choices" in response.content.decode()


def test_government_kinds_are_offered_to_government_roles(client, id_gr):
    client.force_login(id_gr)
    assert "government_contact" in client.get(reverse("notifications:preferences")).content.decode()
