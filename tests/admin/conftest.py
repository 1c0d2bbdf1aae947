import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from locales.models import Country
from notifications.models import Notification
from opsportal.models import ApiToken, ReminderDelivery, SavedView
from reports.models import WeeklyReport
from tests.seeded import demo_data_fixture  # noqa: F401


@pytest.fixture
def login(db):
    """A client signed in as one of the demo users."""

    def sign_in(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return sign_in


@pytest.fixture
def system_rows(demo_data, db):
    """One row of each record the demo does not load (the services write them)."""
    admin = get_user_model().objects.get(username="admin")
    indonesia = Country.objects.get(code="ID")
    token = ApiToken(name="Metrics importer", scopes=["read", "write"])
    token.set_key(ApiToken.generate_key())
    token.save()
    token.countries.set([indonesia])
    Notification.objects.create(recipient=admin, country=indonesia, kind="task_due", title="A task is due")
    ReminderDelivery.objects.create(key="task_due:1:2026-11-27", recipient=admin, kind="task_due")
    WeeklyReport.objects.create(country=indonesia, week="2026-W47", data={"challenges": {}}, sent_at=timezone.now())
    SavedView.objects.create(user=admin, list_name="influencers", name="Core dancers", query="stage=active")
    Group.objects.create(name="Administrators")
