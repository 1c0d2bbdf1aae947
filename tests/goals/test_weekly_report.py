"""The weekly report carries the quarter's scorecard (computed by goals.selectors)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail

from opsportal import mail
from reports import figures, services
from tests.factories import EventFactory, ExternalFigureFactory, GoalFactory

pytestmark = pytest.mark.django_db
WEEK = "2018-W33"  # 13–19 August 2018: the middle of Q3


def test_the_weekly_email_contains_the_scorecard(indonesia, id_lead):
    id_lead.profile.preferred_language = "en"
    id_lead.profile.save()
    GoalFactory(country=indonesia, year=2018, quarter=3, metric="events_held", target=4)
    GoalFactory(country=indonesia, year=2018, quarter=3, metric="monthly_active_users", target=10_000_000)
    GoalFactory(country=indonesia, year=2018, quarter=4, metric="events_held", target=99)  # another quarter
    EventFactory(country=indonesia, status="held", starts_at=dt.datetime(2018, 8, 14, tzinfo=ZoneInfo("Asia/Jakarta")))
    # Measured after the week: not yet known when the report was written.
    EventFactory(country=indonesia, status="held", starts_at=dt.datetime(2018, 8, 25, tzinfo=ZoneInfo("Asia/Jakarta")))
    ExternalFigureFactory(country=indonesia, measured_on=dt.date(2018, 8, 1), value=12_000_000)
    data = figures.country_figures(indonesia, WEEK)
    goals = data["goals"]
    assert (goals["year"], goals["quarter"]) == (2018, 3)
    by_metric = {m["metric"]: m for m in goals["metrics"]}
    assert set(by_metric) == {"events_held", "monthly_active_users"}
    assert by_metric["events_held"]["actual"] == 1 and by_metric["events_held"]["standing"] == "behind"
    assert by_metric["monthly_active_users"]["standing"] == "reached"

    dispatch = services.weekly_report_dispatch(indonesia, WEEK)
    for delivery_id in dispatch.delivery_ids:
        assert mail.deliver(delivery_id).status == "sent"
    [message] = [m for m in django_mail.outbox if m.to == ["id-lead@example.com"]]
    html = message.alternatives[0][0]
    assert "Goals for 2018 Q3" in html and "Events held" in html and "Monthly active users" in html
    assert "Goals for 2018 Q3" in message.body and "Events held: 1 / 4, Behind" in message.body


def test_no_goals_no_section(thailand):
    assert figures.country_figures(thailand, WEEK)["goals"] is None
