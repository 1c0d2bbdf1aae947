"""The month's challenges read day by day (PostgreSQL) show what ranking the whole month did: the
first four of each local day by moment and id, "+N more" for the rest, never another country's."""

import calendar as pycalendar
import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dashboard import calendar as cal
from opsportal.access import access_for_user
from tests import factories as f

pytestmark = pytest.mark.django_db


def month_items(country, user, monkeypatch, vendor=None):
    today = timezone.localdate(timezone=country.zone)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(today.year, today.month)
    request = RequestFactory().get("/")
    request.access = access_for_user(user)
    if vendor:
        monkeypatch.setattr(connection, "vendor", vendor)
    return cal.calendar_items(request, country, weeks[0][0], weeks[-1][-1])


def test_a_busy_day_of_challenges_matches_the_whole_month_ranking(client, indonesia, thailand, id_lead, monkeypatch):
    zone = indonesia.zone
    today = timezone.localdate(timezone=zone)
    # Just after local midnight and just before the next: UTC puts them on other days.
    early = dt.datetime.combine(today, dt.time(0, 30), tzinfo=zone)
    late = dt.datetime.combine(today, dt.time(23, 30), tzinfo=zone)
    for n in range(7):
        f.ChallengeFactory(country=indonesia, hashtag=f"same{n}", starts_at=early, ends_at=late)
    f.ChallengeFactory(country=indonesia, hashtag="later", starts_at=late, ends_at=late + dt.timedelta(days=1))
    f.ChallengeFactory(country=thailand, hashtag="thai", starts_at=early, ends_at=late)
    by_day = month_items(indonesia, id_lead, monkeypatch)
    assert by_day == month_items(indonesia, id_lead, monkeypatch, vendor="sqlite")
    labels = [item["label"] for item in by_day[today]]
    assert [label for label in labels if "starts" in label] == [f"#same{n} starts" for n in range(4)]
    assert "+7 more" in labels  # 4 more starting (3 same, later) and 3 more ending
    client.force_login(id_lead)
    html = client.get(reverse("portal:calendar")).content.decode()
    assert "#same0 starts" in html and "thai" not in html
