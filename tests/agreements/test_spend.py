"""Paid creator payments reach the budgets: a challenge's creator spend, its cost per thousand
views gained and HQ's totals count them (agreements registers its provider with budgets)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets import selectors
from budgets.models import ExchangeRate
from budgets.services import exchange_rate_save
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_paid_payments_count_as_creator_spend_and_in_cost_per_thousand_views(indonesia):
    now = timezone.now()
    challenge = f.ChallengeFactory(country=indonesia, starts_at=now - dt.timedelta(days=5), views=1_010_000)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=now - dt.timedelta(days=6), views=10_000)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=now, views=1_010_000)
    rate = ExchangeRate(currency="IDR", rate=Decimal("0.0001"), valid_on=dt.date(2000, 1, 1), source="test")
    exchange_rate_save(rate)
    agreement = f.AgreementFactory(country=indonesia, challenge=challenge, fee=20_000_000, currency="IDR")
    f.PaymentFactory(agreement=agreement, amount=10_000_000, paid_on=timezone.localdate())
    f.PaymentFactory(agreement=agreement, amount=10_000_000, paid_on=None)  # due, not spent yet

    spent = selectors.creator_spend(challenge_ids=[challenge.pk])[("challenge", challenge.pk)]
    assert spent.actual == Decimal("1000.00")  # 10M IDR paid at 0.0001; the unpaid one does not count
    cpm = selectors.cost_per_thousand_views([challenge])[challenge.pk]
    assert cpm.spend.actual == Decimal("1000.00")
    assert cpm.value == Decimal("1.00")  # $1,000 for 1,000,000 views gained
    assert selectors.spend_by_country()[indonesia.pk].actual == Decimal("1000.00")
