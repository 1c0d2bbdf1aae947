"""Filters for agreement and payment lists, shared by the portal and the API."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsportal.filtersets import (
    ChoicesFilter,
    OpsFilterSet,
    OwnerFilter,
    StableOrderingFilter,
    WholeNumberFilter,
    country_filter,
    date_range,
)

from .models import Agreement, Deliverable, Payment, Status


class AgreementFilterSet(OpsFilterSet):
    country = country_filter(Agreement)
    status = ChoicesFilter(choices=Status.choices, label=_("Status"))
    influencer = WholeNumberFilter(field_name="influencer_id", label=_("Influencer id"))
    challenge = WholeNumberFilter(field_name="challenge_id", label=_("Challenge id"))
    event = WholeNumberFilter(field_name="event_id", label=_("Event id"))
    owner = OwnerFilter(field_name="owner")
    due_after, due_before = date_range(
        "deliverables__due_on",
        label_after=_("Something due on or after"),
        label_before=_("Something due on or before"),
        dates=True,
    )
    ordering = StableOrderingFilter(fields=["created_at", "signed_on", "fee", "title", "updated_at"])

    class Meta:
        model = Agreement
        fields = ["country"]

    def filter_queryset(self, queryset):
        # A due-date filter joins the deliverables: one row per agreement, still.
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("due_after") or self.form.cleaned_data.get("due_before"):
            queryset = queryset.distinct()
        return queryset


class DeliverableFilterSet(OpsFilterSet):
    country = country_filter(Deliverable)
    agreement = WholeNumberFilter(field_name="agreement_id", label=_("Agreement id"))
    delivered = filters.BooleanFilter(
        field_name="delivered_at", lookup_expr="isnull", exclude=True, label=pgettext_lazy("agreement", "Delivered")
    )
    ordering = StableOrderingFilter(fields=["due_on", "updated_at"])

    class Meta:
        model = Deliverable
        fields = ["country"]


class PaymentFilterSet(OpsFilterSet):
    country = country_filter(Payment)
    agreement = WholeNumberFilter(field_name="agreement_id", label=_("Agreement id"))
    paid = filters.BooleanFilter(field_name="paid_on", lookup_expr="isnull", exclude=True, label=_("Paid"))
    due_after, due_before = date_range(
        "due_on", label_after=_("Due on or after"), label_before=_("Due on or before"), dates=True
    )
    ordering = StableOrderingFilter(fields=["due_on", "paid_on", "amount", "updated_at"])

    class Meta:
        model = Payment
        fields = ["country"]
