"""Rule: a government contact's ``last_contacted_at`` is the latest logged interaction
(``locales.services.government_interaction_log`` / ``_save`` / ``_delete`` through
``contact_touch``). Logging, correcting or removing an interaction moves it, whichever door."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from locales.models import GovernmentInteraction
from tests import factories as f

from .forms import add_inline_row, admin_form, admin_post, local_parts

pytestmark = pytest.mark.django_db

MET = (timezone.now() - dt.timedelta(days=2)).replace(second=0, microsecond=0)


def log_by_portal(doors, contact, when):
    local = when.astimezone(contact.country.zone).strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "meeting", "summary": "Met the minister", "occurred_at": local}
    return doors.portal.post(f"/government/contacts/{contact.pk}/log/", data).status_code == 302


def log_by_api(doors, contact, when):
    payload = {"contact": contact.pk, "kind": "meeting", "summary": "Met the minister", "occurred_at": when.isoformat()}
    return doors.api.post("/api/v1/government-interactions/", payload, format="json").status_code == 201


def log_by_admin(doors, contact, when):
    day, time = local_parts(when, contact.country.zone)
    fields = {
        "contact": str(contact.pk),
        "kind": "meeting",
        "summary": "Met the minister",
        "occurred_at_0": day,
        "occurred_at_1": time,
    }
    return admin_post(doors.admin, "/admin/locales/governmentinteraction/add/", **fields).status_code == 302


def log_by_admin_inline(doors, contact, when):
    url = f"/admin/locales/governmentcontact/{contact.pk}/change/"
    data = admin_form(doors.admin, url)
    day, time = local_parts(when, contact.country.zone)
    add_inline_row(
        data, "interactions", kind="meeting", summary="Met the minister", occurred_at_0=day, occurred_at_1=time
    )
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


LOG = {"portal": log_by_portal, "api": log_by_api, "admin": log_by_admin, "admin inline": log_by_admin_inline}


@pytest.mark.parametrize("door", LOG)
def test_logging_a_meeting_moves_the_last_touch_whichever_door(doors, door):
    contact = f.GovernmentContactFactory(country=doors.country, last_contacted_at=None)
    assert LOG[door](doors, contact, MET), f"the {door} refused the meeting"
    assert GovernmentInteraction.objects.filter(contact=contact).count() == 1
    contact.refresh_from_db()
    assert contact.last_contacted_at == MET, f"the {door} logged a meeting and left the last touch behind"


@pytest.mark.parametrize("door", LOG)
def test_an_older_meeting_does_not_move_the_last_touch_back_whichever_door(doors, door):
    contact = f.GovernmentContactFactory(country=doors.country)
    f.GovernmentInteractionFactory(contact=contact, occurred_at=MET)
    contact.refresh_from_db()
    assert LOG[door](doors, contact, MET - dt.timedelta(days=30))
    contact.refresh_from_db()
    assert contact.last_contacted_at == MET


def remove_by_api(doors, interaction):
    return doors.api.delete(f"/api/v1/government-interactions/{interaction.pk}/").status_code == 204


def remove_by_admin(doors, interaction):
    url = f"/admin/locales/governmentinteraction/{interaction.pk}/delete/"
    return doors.admin.post(url, {"post": "yes"}).status_code == 302


def remove_by_admin_inline(doors, interaction):
    url = f"/admin/locales/governmentcontact/{interaction.contact_id}/change/"
    data = admin_form(doors.admin, url)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("interactions-") and key.endswith("-id") and value == [str(interaction.pk)]
    )
    data[f"interactions-{index}-DELETE"] = ["on"]
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


def remove_by_admin_action(doors, interaction):
    data = {"action": "delete_selected", "_selected_action": [str(interaction.pk)], "post": "yes"}
    return doors.admin.post("/admin/locales/governmentinteraction/", data).status_code == 302


REMOVE = {
    "api": remove_by_api,
    "admin": remove_by_admin,
    "admin inline": remove_by_admin_inline,
    "admin action": remove_by_admin_action,
}


@pytest.mark.parametrize("door", REMOVE)
def test_removing_the_latest_meeting_falls_back_to_the_one_before_whichever_door(doors, door):
    contact = f.GovernmentContactFactory(country=doors.country)
    f.GovernmentInteractionFactory(contact=contact, occurred_at=MET - dt.timedelta(days=7))
    latest = f.GovernmentInteractionFactory(contact=contact, occurred_at=MET)
    assert REMOVE[door](doors, latest), f"the {door} refused the removal"
    assert not GovernmentInteraction.objects.filter(pk=latest.pk).exists()
    contact.refresh_from_db()
    assert contact.last_contacted_at == MET - dt.timedelta(days=7)
