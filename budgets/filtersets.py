"""Filters for budget lines and exchange rates (API and portal)."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from opsportal.filtersets import (
    ChoicesFilter,
    OpsFilterSet,
    StableOrderingFilter,
    WholeNumberFilter,
    country_filter,
    date_range,
)

from .models import BudgetLine, Category, ExchangeRate


class BudgetLineFilterSet(OpsFilterSet):
    country = country_filter(BudgetLine)
    event = WholeNumberFilter(field_name="event_id", label=_("Event id"))
    challenge = WholeNumberFilter(field_name="challenge_id", label=_("Challenge id"))
    category = ChoicesFilter(choices=Category.choices, label=_("Category"))
    currency = filters.CharFilter(lookup_expr="iexact", label=_("Currency"))
    ordering = StableOrderingFilter(fields=["planned", "actual", "spent_on", "updated_at"])

    class Meta:
        model = BudgetLine
        fields = ["country"]


class ExchangeRateFilterSet(OpsFilterSet):
    currency = filters.CharFilter(lookup_expr="iexact", label=_("Currency"))
    reporting_currency = filters.CharFilter(lookup_expr="iexact", label=_("Reporting currency"))
    valid_after, valid_before = date_range(
        "valid_on", label_after=_("Valid on or after"), label_before=_("Valid on or before")
    )
    ordering = StableOrderingFilter(fields=["valid_on", "currency", "updated_at"])

    class Meta:
        model = ExchangeRate
        fields = ["currency"]
