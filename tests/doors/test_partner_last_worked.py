"""Rule: a partner's ``last_contacted_at`` is the start of the latest event worked together that
has begun (``events.services.partner_touch``). Taking the partner off an event, or removing the
event, moves it back to the event before, whichever door (the portal has no way to do either:
it cancels events and edits their partner roles)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event, EventPartner
from events.services import event_partner_add
from tests import factories as f

from .forms import admin_form

pytestmark = pytest.mark.django_db

EARLIER = (timezone.now() - dt.timedelta(days=60)).replace(microsecond=0)
LATER = (timezone.now() - dt.timedelta(days=5)).replace(microsecond=0)


@pytest.fixture
def worked_twice(doors):
    """A partner of two past events; its last contact is the later one's start."""
    partner = f.PartnerFactory(country=doors.country, name="DWP organizer")
    earlier = f.EventFactory(country=doors.country, starts_at=EARLIER, ends_at=EARLIER + dt.timedelta(hours=6))
    later = f.EventFactory(country=doors.country, starts_at=LATER, ends_at=LATER + dt.timedelta(hours=6))
    for event in (earlier, later):
        event_partner_add(event, partner=partner, role="organizer")
    partner.refresh_from_db()
    assert partner.last_contacted_at == LATER
    return partner, later


def off_by_api(doors, event, partner):
    link = EventPartner.objects.get(event=event, partner=partner)
    return doors.api.delete(f"/api/v1/event-partners/{link.pk}/").status_code == 204


def off_by_admin(doors, event, partner):
    link = EventPartner.objects.get(event=event, partner=partner)
    url = f"/admin/events/eventpartner/{link.pk}/delete/"
    return doors.admin.post(url, {"post": "yes"}).status_code == 302


def off_by_admin_inline(doors, event, partner):
    url = f"/admin/events/event/{event.pk}/change/"
    data = admin_form(doors.admin, url)
    rows = int(data["event_partners-INITIAL_FORMS"][0])
    index = next(i for i in range(rows) if data[f"event_partners-{i}-partner"] == [str(partner.pk)])
    data[f"event_partners-{index}-DELETE"] = ["on"]
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


OFF = {"api": off_by_api, "admin": off_by_admin, "admin inline": off_by_admin_inline}


@pytest.mark.parametrize("door", OFF)
def test_taking_a_partner_off_its_latest_event_falls_back_to_the_one_before_whichever_door(doors, door, worked_twice):
    partner, later = worked_twice
    assert OFF[door](doors, later, partner), f"the {door} refused"
    assert not EventPartner.objects.filter(event=later, partner=partner).exists()
    partner.refresh_from_db()
    assert partner.last_contacted_at == EARLIER, f"the {door} left the last contact on an event it no longer has"


def delete_by_api(doors, event):
    return doors.api.delete(f"/api/v1/events/{event.pk}/").status_code == 204


def delete_by_admin(doors, event):
    return doors.admin.post(f"/admin/events/event/{event.pk}/delete/", {"post": "yes"}).status_code == 302


def delete_by_admin_action(doors, event):
    data = {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    return doors.admin.post("/admin/events/event/", data).status_code == 302


DELETE = {"api": delete_by_api, "admin": delete_by_admin, "admin action": delete_by_admin_action}


@pytest.mark.parametrize("door", DELETE)
def test_removing_the_latest_event_falls_back_to_the_one_before_whichever_door(doors, door, worked_twice):
    partner, later = worked_twice
    assert DELETE[door](doors, later), f"the {door} refused"
    assert not Event.objects.filter(pk=later.pk).exists()
    partner.refresh_from_db()
    assert partner.last_contacted_at == EARLIER, f"the {door} left the last contact on a removed event"
