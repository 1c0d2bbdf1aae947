"""Rules of ``events.services``, through every door that makes the change:

* ``event_save``: a new event's budget is in its country's currency unless one is given (the
  portal's form starts with it, the API fills it in);
* ``event_task_set_done`` / ``event_task_save``: a ticked checklist item names who and when.

The import writes through the same services (it used to save its rows itself).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event
from tests import factories as f

from .conftest import import_file
from .forms import admin_form, local_parts, portal_post

pytestmark = pytest.mark.django_db

STARTS = (timezone.now() + dt.timedelta(days=20)).replace(second=0, microsecond=0)
ENDS = STARTS + dt.timedelta(days=2)


def new_by_portal(doors, tmp_path):
    zone = doors.country.zone
    fields = {
        "name": "DWP 2026",
        "kind": "festival",
        "city": "Jakarta",
        "starts_at": STARTS.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": ENDS.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
    }
    return portal_post(doors.portal, "/events/new/", **fields).status_code == 302


def new_by_api(doors, tmp_path):
    payload = {
        "country": "ID",
        "name": "DWP 2026",
        "kind": "festival",
        "city": "Jakarta",
        "starts_at": STARTS.isoformat(),
        "ends_at": ENDS.isoformat(),
        "budget": "150000000.00",
    }
    return doors.api.post("/api/v1/events/", payload, format="json").status_code == 201


def new_by_import(doors, tmp_path):
    start = STARTS.astimezone(doors.country.zone).strftime("%d/%m/%Y %H:%M")
    end = ENDS.astimezone(doors.country.zone).strftime("%d/%m/%Y %H:%M")
    csv = f"Country,Event,Kind,City,Start,End,Budget\nID,DWP 2026,festival,Jakarta,{start},{end},150000000\n"
    return import_file(doors, tmp_path, "events", csv) == 0


# The admin asks for the currency like any required field: it has no default to agree on.
NEW = {"portal": new_by_portal, "api": new_by_api, "import": new_by_import}


@pytest.mark.parametrize("door", NEW)
def test_a_new_event_counts_in_its_countrys_currency_whichever_door(doors, door, tmp_path):
    assert NEW[door](doors, tmp_path), f"the {door} refused the event"
    assert Event.objects.get(name="DWP 2026").currency == doors.country.currency


def tick_by_portal(doors, task, tmp_path):
    return doors.portal.post(f"/events/tasks/{task.pk}/done/", {"done": "on"}).status_code == 302


def tick_by_api(doors, task, tmp_path):
    return doors.api.patch(f"/api/v1/event-tasks/{task.pk}/", {"done": True}, format="json").status_code == 200


def tick_by_admin(doors, task, tmp_path):
    url = f"/admin/events/eventtask/{task.pk}/change/"
    data = admin_form(doors.admin, url)
    data["done_at_0"], data["done_at_1"] = local_parts(timezone.now(), doors.country.zone)
    return doors.admin.post(url, {**data, "_save": ["Save"]}).status_code == 302


def tick_by_import(doors, task, tmp_path):
    event = task.event
    start = event.starts_at.astimezone(doors.country.zone).strftime("%d/%m/%Y %H:%M")
    csv = f"Country,Event,Start,Task,Done\nID,{event.name},{start},{task.title},yes\n"
    return import_file(doors, tmp_path, "events", csv) == 0


TICK = {"portal": tick_by_portal, "api": tick_by_api, "admin": tick_by_admin, "import": tick_by_import}


@pytest.mark.parametrize("door", TICK)
def test_a_ticked_item_names_who_and_when_whichever_door(doors, door, tmp_path):
    task = f.EventTaskFactory(event__country=doors.country, done_at=None, done_by=None)
    assert TICK[door](doors, task, tmp_path), f"the {door} refused the tick"
    task.refresh_from_db()
    assert task.done_at is not None
    # A token is no person: the API names nobody, the audit trail names the token.
    assert task.done_by == (None if door == "api" else doors.lead)
