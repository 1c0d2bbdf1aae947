"""The database guards events, partners, tasks and guests (PostgreSQL in CI)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from events.models import Event
from tests import factories as f

pytestmark = pytest.mark.django_db


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_end_cannot_be_before_start(indonesia):
    start = timezone.now()
    rejected(lambda: f.EventFactory(country=indonesia, starts_at=start, ends_at=start - dt.timedelta(minutes=1)))
    event = f.EventFactory.build(country=indonesia, starts_at=start, ends_at=start - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert list(error.value.message_dict) == ["ends_at"]


def test_budget_cannot_be_negative(indonesia):
    rejected(lambda: f.EventFactory(country=indonesia, budget=Decimal("-1.00")))
    with pytest.raises(ValidationError) as error:
        f.EventFactory.build(country=indonesia, budget=Decimal("-1.00")).full_clean()
    assert list(error.value.message_dict) == ["budget"]
    f.EventFactory(country=indonesia, budget=None)
    f.EventFactory(country=indonesia, budget=Decimal("0"))


@pytest.mark.parametrize("field", ["attendance", "expected_attendance", "videos_produced"])
def test_counts_cannot_be_negative(indonesia, field):
    rejected(lambda: f.EventFactory(country=indonesia, **{field: -1}))
    with pytest.raises(ValidationError) as error:
        f.EventFactory.build(country=indonesia, **{field: -1}).full_clean()
    assert field in error.value.message_dict


def test_currency_must_be_an_iso_code(indonesia):
    with pytest.raises(ValidationError) as error:
        f.EventFactory.build(country=indonesia, currency="rp").full_clean()
    assert "currency" in error.value.message_dict


def test_partner_name_is_unique_per_country(indonesia, thailand):
    f.PartnerFactory(country=indonesia, name="Ismaya Live")
    rejected(lambda: f.PartnerFactory(country=indonesia, name="Ismaya Live"))
    f.PartnerFactory(country=thailand, name="Ismaya Live")


def test_an_event_lists_a_partner_or_guest_once(indonesia):
    link = f.EventPartnerFactory(event__country=indonesia)
    rejected(lambda: f.EventPartnerFactory(event=link.event, partner=link.partner, role="again"))
    guest = f.EventGuestFactory(event__country=indonesia)
    rejected(lambda: f.EventGuestFactory(event=guest.event, influencer=guest.influencer))


def test_deleting_a_partner_of_an_event_is_refused(indonesia):
    link = f.EventPartnerFactory(event__country=indonesia)
    with pytest.raises(ProtectedError), transaction.atomic():
        link.partner.delete()


def test_deleting_an_event_takes_its_checklist_along(indonesia):
    task = f.EventTaskFactory(event__country=indonesia)
    task.event.delete()
    assert not Event.objects.filter(pk=task.event_id).exists()
