"""The admin cannot break a rule the portal enforces: it writes through the same services, and
a service's refusal comes back as a form error (no 500, nothing written). The doors-agree tests
(tests/doors/) drive each rule through every door; these cover the admin's own machinery."""

from __future__ import annotations

import pytest
from django.contrib import admin as django_admin
from django.test import Client

from challenges.models import Challenge, Status
from locales.models import Country, GovernmentInteraction, TeamMembership
from opsportal.admin_mixins import CountryScopedAdmin
from opsportal.admin_writes import WRITERS
from tests import factories as f
from tests.doors.forms import add_inline_row, admin_form, admin_post

pytestmark = pytest.mark.django_db

# Country records whose admin writes without a service of their own, and why.
NO_RULES = {
    Country: "a market's settings: no rule beyond the model's validation",
    TeamMembership: "seats on teams, given by administrators",
}


def test_every_writable_country_record_in_the_admin_has_its_service():
    missing = [
        model._meta.label
        for model, model_admin in django_admin.site._registry.items()
        if isinstance(model_admin, CountryScopedAdmin)
        and not model_admin.readonly_history
        and model not in WRITERS
        and model not in NO_RULES
    ]
    assert missing == [], "register a service with writes_through() in the app's admin.py"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_cannot_end_an_idea_either(superuser, indonesia):
    challenge = f.ChallengeFactory(country=indonesia, status=Status.IDEA, starts_at=None)
    response = admin_post(signed_in(superuser), f"/admin/challenges/challenge/{challenge.pk}/change/", status="ended")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"]
    assert Challenge.objects.get(pk=challenge.pk).status == Status.IDEA


def test_a_challenge_added_in_the_admin_starts_as_an_idea_or_planned(superuser, indonesia):
    fields = {
        "country": str(indonesia.pk),
        "hashtag": "adminlive",
        "title": "Live",
        "format": "dance",
        "status": "live",
    }
    response = admin_post(signed_in(superuser), "/admin/challenges/challenge/add/", **fields)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == ["A new challenge starts as an idea or planned."]
    assert not Challenge.objects.filter(hashtag="adminlive").exists()


def test_a_refused_inline_row_is_said_on_top_and_nothing_is_written(superuser, indonesia, thailand):
    # An administrator sees every country's contacts, so the inline offers a Thai one under an
    # Indonesian incident; the service (government_interaction_log) keeps both in one country.
    incident = f.IncidentFactory(country=indonesia, title="Ban")
    thai_contact = f.GovernmentContactFactory(country=thailand)
    url = f"/admin/locales/regulatoryincident/{incident.pk}/change/"
    client = signed_in(superuser)
    data = admin_form(client, url)
    data["title"] = ["Renamed, but refused with the row"]
    when = {"occurred_at_0": "2026-11-02", "occurred_at_1": "10:00:00"}
    add_inline_row(data, "interactions", kind="meeting", summary="Met", contact=str(thai_contact.pk), **when)
    response = client.post(url, {**data, "_save": ["Save"]})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == ["The incident belongs to another country."]
    assert not GovernmentInteraction.objects.exists()
    incident.refresh_from_db()
    assert incident.title == "Ban"  # the whole page rolled back


def test_a_stage_typed_in_the_admin_is_stamped(id_lead, indonesia):
    id_lead.is_staff = True
    id_lead.save()
    influencer = f.InfluencerFactory(country=indonesia, stage="contacted", stage_changed_at=None)
    url = f"/admin/influencers/influencer/{influencer.pk}/change/"
    assert admin_post(signed_in(id_lead), url, stage="active").status_code == 302
    influencer.refresh_from_db()
    assert influencer.stage == "active" and influencer.stage_changed_at is not None


def test_a_contacts_last_touch_is_not_typed_in_the_admin(id_lead, indonesia):
    id_lead.is_staff = True
    id_lead.save()
    contact = f.GovernmentContactFactory(country=indonesia, last_contacted_at=None)
    url = f"/admin/locales/governmentcontact/{contact.pk}/change/"
    assert "last_contacted_at_0" not in admin_form(signed_in(id_lead), url)
