"""Relationship health: last contact kept by the services, one cold rule on the dashboard."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Partner
from events.services import event_partner_remove, event_save
from influencers.models import Influencer
from tests import factories as f

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_outreach_from_the_portal_keeps_the_last_contact(indonesia, id_operator):
    kaykai = f.InfluencerFactory(country=indonesia, stage="active")
    client = signed_in(id_operator)
    data = {"outreach-kind": "call", "outreach-summary": "Talked", "outreach-occurred_at": "2026-11-20T10:00"}
    assert client.post(f"/influencers/{kaykai.pk}/outreach/", data).status_code == 302
    kaykai.refresh_from_db()
    first = kaykai.last_contacted_at
    assert timezone.localtime(first, indonesia.zone).date() == dt.date(2026, 11, 20)
    # An older entry typed late does not move it back; the history has no row for the derived field.
    data = {"outreach-kind": "email", "outreach-summary": "Old email", "outreach-occurred_at": "2026-10-01T10:00"}
    assert client.post(f"/influencers/{kaykai.pk}/outreach/", data).status_code == 302
    kaykai.refresh_from_db()
    assert kaykai.last_contacted_at == first
    assert Influencer.history.filter(id=kaykai.pk).count() == 1
    # A bad entry is refused next to its field and changes nothing.
    refused = client.post(f"/influencers/{kaykai.pk}/outreach/", {"outreach-kind": "call", "outreach-summary": ""})
    assert refused.status_code == 400 and "summary" in refused.context["form"].errors


def test_partner_last_worked_with_follows_its_events(indonesia, id_operator):
    now = timezone.now()
    past = f.EventFactory(country=indonesia, starts_at=now - dt.timedelta(days=30))
    future = f.EventFactory(country=indonesia, starts_at=now + dt.timedelta(days=10))
    client = signed_in(id_operator)
    data = {"partner-new_partner_name": "DWP organizer", "partner-new_partner_kind": "organizer"}
    assert client.post(f"/events/{future.pk}/partners/add/", {**data, "partner-role": "organizer"}).status_code == 302
    partner = Partner.objects.get(name="DWP organizer")
    assert partner.last_contacted_at is None  # the event has not begun
    data = {"partner-partner": str(partner.pk), "partner-role": "official video media platform"}
    assert client.post(f"/events/{past.pk}/partners/add/", data).status_code == 302
    partner.refresh_from_db()
    assert partner.last_contacted_at == past.starts_at
    past.status = "cancelled"  # a cancelled event was not worked together
    event_save(past)
    partner.refresh_from_db()
    assert partner.last_contacted_at is None
    past.status = "held"
    event_save(past)
    event_partner_remove(past.event_partners.get())
    partner.refresh_from_db()
    assert partner.last_contacted_at is None


def test_dashboard_lists_what_is_going_cold_at_the_country_threshold(indonesia, id_operator):
    long_ago = timezone.now() - dt.timedelta(days=45)
    cold = f.InfluencerFactory(country=indonesia, name="Quiet creator", stage="onboarded")
    Influencer.objects.filter(pk=cold.pk).update(created_at=long_ago)
    f.InfluencerFactory(country=indonesia, name="Fresh creator", stage="onboarded")
    f.EventPartnerFactory(
        event=f.EventFactory(country=indonesia, starts_at=long_ago), partner=f.PartnerFactory(name="Old sponsor")
    )
    client = signed_in(id_operator)
    page = client.get("/").content.decode()
    assert "Quiet creator" not in page  # 45 days: warm at the default 60
    indonesia.cold_after_days = 30
    indonesia.save()
    page = client.get("/").content.decode()
    assert "2 relationships are going cold" in page
    assert "Quiet creator" in page and "Old sponsor" in page and "Fresh creator" not in page
