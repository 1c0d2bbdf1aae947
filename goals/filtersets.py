"""Filters for goal and external-figure lists (API)."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from opsportal.filtersets import ChoicesFilter, OpsFilterSet, StableOrderingFilter, WholeNumberFilter, country_filter

from .models import QUARTERS, CountryGoal, ExternalFigure, ExternalMetric, Metric


class GoalFilterSet(OpsFilterSet):
    country = country_filter(CountryGoal)
    year = WholeNumberFilter(field_name="year", label=_("Year"))
    quarter = ChoicesFilter(choices=[(str(n), label) for n, label in QUARTERS], label=_("Quarter (1–4)"))
    metric = ChoicesFilter(choices=Metric.choices, label=_("Metric"))
    ordering = StableOrderingFilter(fields=["year", "quarter", "metric", "target", "updated_at"])

    class Meta:
        model = CountryGoal
        fields = ["country"]


class ExternalFigureFilterSet(OpsFilterSet):
    country = country_filter(ExternalFigure)
    metric = ChoicesFilter(choices=ExternalMetric.choices, label=_("Metric"))
    measured_after = filters.DateFilter(field_name="measured_on", lookup_expr="gte", label=_("Measured on or after"))
    measured_before = filters.DateFilter(field_name="measured_on", lookup_expr="lte", label=_("Measured on or before"))
    ordering = StableOrderingFilter(fields=["measured_on", "value", "updated_at"])

    class Meta:
        model = ExternalFigure
        fields = ["country"]
