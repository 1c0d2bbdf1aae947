"""Rules of regulator requests through every door that makes them (``locales.requests``):

* a request without a deadline is due the country's ``request_deadline_hours`` after receipt;
* moving it to an answered status stamps ``answered_at`` (on time = by the deadline);
* another country's incident is a field error, and nothing is written.
"""

from __future__ import annotations

import datetime as dt

import pytest

from locales.models import RegulatorRequest
from tests import factories as f

from .forms import admin_post, local_parts, portal_post

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2018, 7, 3, 2, 0, tzinfo=dt.UTC)  # 09:00 in Jakarta


def log_by_portal(doors, **extra):
    fields = {
        "authority": "Kominfo",
        "kind": "takedown",
        "channel": "letter",
        "received_at": "2018-07-03T09:00",
        "deadline": "",
        **{k: str(v.pk) for k, v in extra.items()},
    }
    return portal_post(doors.portal, "/government/requests/new/", **fields).status_code == 302


def log_by_api(doors, **extra):
    payload = {
        "country": doors.country.code,
        "authority": "Kominfo",
        "kind": "takedown",
        "channel": "letter",
        "received_at": "2018-07-03T09:00:00+07:00",
        **{k: v.pk for k, v in extra.items()},
    }
    response = doors.api.post("/api/v1/regulator-requests/", payload, format="json")
    if response.status_code == 400:
        assert set(extra) <= set(response.json().get("errors", response.json())) or extra, response.json()
    return response.status_code == 201


def log_by_admin(doors, **extra):
    day, time = local_parts(RECEIVED, doors.country.zone)
    fields = {
        "country": str(doors.country.pk),
        "authority": "Kominfo",
        "kind": "takedown",
        "channel": "letter",
        "status": "received",
        "received_at_0": day,
        "received_at_1": time,
        **{k: str(v.pk) for k, v in extra.items()},
    }
    return admin_post(doors.admin, "/admin/locales/regulatorrequest/add/", **fields).status_code == 302


LOG = {"portal": log_by_portal, "api": log_by_api, "admin": log_by_admin}


@pytest.mark.parametrize("door", LOG)
def test_a_new_request_is_due_the_country_hours_after_receipt_whichever_door(doors, door):
    doors.country.request_deadline_hours = 24
    doors.country.save()
    assert LOG[door](doors), f"the {door} refused the request"
    record = RegulatorRequest.objects.get()
    assert record.received_at == RECEIVED
    assert record.deadline == RECEIVED + dt.timedelta(hours=24), f"the {door} missed the country's default"
    assert record.history.first().history_door  # audited, naming its door


@pytest.mark.parametrize("door", LOG)
def test_another_country_incident_is_refused_whichever_door(doors, door, thailand):
    elsewhere = f.IncidentFactory(country=thailand)
    assert not LOG[door](doors, incident=elsewhere), f"the {door} linked another country's incident"
    assert not RegulatorRequest.objects.exists()


def answer_by_portal(doors, record):
    return doors.portal.post(f"/government/requests/{record.pk}/status/", {"status": "answered"}).status_code == 302


def answer_by_api(doors, record):
    url = f"/api/v1/regulator-requests/{record.pk}/"
    return doors.api.patch(url, {"status": "answered"}, format="json").status_code == 200


def answer_by_admin(doors, record):
    url = f"/admin/locales/regulatorrequest/{record.pk}/change/"
    return admin_post(doors.admin, url, status="answered").status_code == 302


ANSWER = {"portal": answer_by_portal, "api": answer_by_api, "admin": answer_by_admin}


@pytest.mark.parametrize("door", ANSWER)
def test_answering_stamps_the_time_whichever_door(doors, door):
    record = f.RegulatorRequestFactory(
        country=doors.country, received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    )
    assert ANSWER[door](doors, record), f"the {door} refused the answer"
    record.refresh_from_db()
    assert record.status == "answered"
    assert record.answered_at is not None, f"the {door} answered without a time"
    assert record.on_time is True


@pytest.mark.parametrize("door", LOG)
def test_a_new_request_is_announced_whichever_door(doors, door, django_capture_on_commit_callbacks):
    from .conftest import announced

    with django_capture_on_commit_callbacks() as callbacks:
        assert LOG[door](doors), f"the {door} refused the request"
    assert announced(callbacks) == ["regulator_request.received"], f"the {door} logged it without the webhook event"
