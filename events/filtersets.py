"""Filters for event lists, shared by the portal and the API."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from opsportal.filtersets import (
    ChoicesFilter,
    OpsFilterSet,
    OwnerFilter,
    StableOrderingFilter,
    WholeNumberFilter,
    country_filter,
    date_range,
)

from .models import Event, EventGuest, EventPartner, EventTask, GuestStatus, Kind, Partner, PartnerKind, Status


class EventFilterSet(OpsFilterSet):
    country = country_filter(Event)
    status = ChoicesFilter(choices=Status.choices, label=_("Status"))
    kind = ChoicesFilter(choices=Kind.choices, label=_("Kind"))
    owner = OwnerFilter(field_name="owner")
    city = filters.CharFilter(lookup_expr="iexact", label=_("City"))
    challenge = WholeNumberFilter(field_name="challenge_id", label=_("Event challenge id"))
    cultural_moment = WholeNumberFilter(field_name="cultural_moment_id", label=_("Cultural moment id"))
    start_after, start_before = date_range(
        "starts_at", label_after=_("Starts on or after"), label_before=_("Starts on or before")
    )
    end_after, end_before = date_range(
        "ends_at", label_after=_("Ends on or after"), label_before=_("Ends on or before")
    )
    ordering = StableOrderingFilter(fields=["starts_at", "ends_at", "name", "attendance", "updated_at"])

    class Meta:
        model = Event
        fields = ["country"]


class PartnerFilterSet(OpsFilterSet):
    country = country_filter(Partner)
    kind = ChoicesFilter(choices=PartnerKind.choices, label=_("Kind"))
    ordering = StableOrderingFilter(fields=["name", "updated_at"])

    class Meta:
        model = Partner
        fields = ["country"]


class EventPartnerFilterSet(filters.FilterSet):
    country = country_filter(EventPartner)
    event = WholeNumberFilter(field_name="event_id", label=_("Event id"))
    partner = WholeNumberFilter(field_name="partner_id", label=_("Partner id"))
    ordering = StableOrderingFilter(fields=["role"])

    class Meta:
        model = EventPartner
        fields = ["country"]


class EventTaskFilterSet(OpsFilterSet):
    country = country_filter(EventTask)
    event = WholeNumberFilter(field_name="event_id", label=_("Event id"))
    owner = OwnerFilter(field_name="assignee", label=_("Assignee"))
    done = filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True, label=_("Done"))
    due_after, due_before = date_range(
        "due_on", label_after=_("Due on or after"), label_before=_("Due on or before"), dates=True
    )
    ordering = StableOrderingFilter(fields=["due_on", "done_at", "title", "updated_at"])

    class Meta:
        model = EventTask
        fields = ["country"]


class EventGuestFilterSet(OpsFilterSet):
    country = country_filter(EventGuest)
    event = WholeNumberFilter(field_name="event_id", label=_("Event id"))
    influencer = WholeNumberFilter(field_name="influencer_id", label=_("Influencer id"))
    status = ChoicesFilter(choices=GuestStatus.choices, label=_("Status"))
    ordering = StableOrderingFilter(fields=["status", "updated_at"])

    class Meta:
        model = EventGuest
        fields = ["country"]
