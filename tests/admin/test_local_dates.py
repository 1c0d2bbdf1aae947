"""The admin's "today" is the record's country's day, as in the portal, not the UTC date.

At 20:00 UTC it is already tomorrow in Jakarta and still midday in Los Angeles: a task due on
the UTC date is overdue in Jakarta and not yet in Los Angeles."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from events.models import EventTask
from opsportal.models import Country
from opsportal.models.markets import local_date
from opsportal.scope import system_scope
from tests.factories import CountryFactory, CulturalMomentFactory, EventFactory, EventTaskFactory, OccurrenceFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
UTC_DAY = NOW.date()  # 4 December: the 5th in Jakarta, the 4th in Los Angeles


@pytest.fixture
def frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def world():
    jakarta = CountryFactory(code="ID")
    los_angeles = CountryFactory(code="US", name="United States", timezone="America/Los_Angeles")
    return {"ID": jakarta, "US": los_angeles}


def test_local_date_is_each_rows_country_day(world):
    with system_scope():
        days = dict(Country.objects.annotate(day=local_date("timezone", now=NOW)).values_list("code", "day"))
    assert days == {"ID": dt.date(2026, 12, 5), "US": dt.date(2026, 12, 4)}


def test_the_events_overdue_task_count_is_in_the_events_country(admin_client, world, frozen):
    for code in ("ID", "US"):
        event = EventFactory(country=world[code], name=f"Meet-up {code}")
        EventTaskFactory(event=event, due_on=UTC_DAY)
        EventTaskFactory(event=event, due_on=UTC_DAY + dt.timedelta(days=3))

    response = admin_client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 200
    rows = {
        event.name: (event.open_task_count, event.overdue_task_count) for event in response.context["cl"].result_list
    }
    assert rows == {"Meet-up ID": (2, 1), "Meet-up US": (2, 0)}


def test_the_task_list_says_overdue_by_the_tasks_country(admin_client, world, frozen):
    tasks = {code: EventTaskFactory(event=EventFactory(country=world[code]), due_on=UTC_DAY) for code in ("ID", "US")}
    url = reverse("admin:events_eventtask_changelist")

    overdue = admin_client.get(url, {"state": "overdue"}).context["cl"].result_list
    listed = admin_client.get(url)

    assert [task.pk for task in overdue] == [tasks["ID"].pk]
    rows = listed.content.decode()
    assert rows.count("Overdue</td>") == 1
    assert EventTask.objects.filter(done_at__isnull=True).count() == 2


def test_a_moments_next_occurrence_counts_from_its_countrys_day(admin_client, world, frozen):
    for code in ("ID", "US"):
        moment = CulturalMomentFactory(country=world[code], name=f"Festival {code}")
        OccurrenceFactory(moment=moment, starts_on=UTC_DAY - dt.timedelta(days=2), ends_on=UTC_DAY)

    response = admin_client.get(reverse("admin:locales_culturalmoment_changelist"))

    nexts = {moment.name: moment.next_starts_on for moment in response.context["cl"].result_list}
    assert nexts == {"Festival ID": None, "Festival US": UTC_DAY - dt.timedelta(days=2)}
