"""The locales filtersets: countries, cultural moments, team memberships and government relations."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsportal.filtersets import (
    ChoicesFilter,
    CountryFilter,
    OpsFilterSet,
    OwnerFilter,
    StableOrderingFilter,
    WholeNumberFilter,
    country_filter,
    date_range,
    number_range,
)
from opsportal.roles import Role

from .models import (
    Country,
    CulturalMoment,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
    RequestItem,
    TeamMembership,
)
from .models.government import CommitmentStatus, IncidentKind, IncidentStatus, Influence, InteractionKind, Stance
from .models.requests import ItemAction, RequestKind, RequestStatus


class CountryFilterSet(OpsFilterSet):
    code = CountryFilter(field_name="pk", label=_("Code"))
    ordering = StableOrderingFilter(fields=["code", "name", "launch_date", "updated_at"])

    class Meta:
        model = Country
        fields = ["code", "currency"]


class CulturalMomentFilterSet(OpsFilterSet):
    country = country_filter(CulturalMoment)
    starts_after = filters.DateFilter(method="filter_occurs_after", label=_("Has an occurrence ending on or after"))
    starts_before = filters.DateFilter(
        method="filter_occurs_before", label=_("Has an occurrence starting on or before")
    )
    ordering = StableOrderingFilter(fields=["name", "updated_at"])

    class Meta:
        model = CulturalMoment
        fields = ["country"]

    def filter_occurs_after(self, qs, name, value):
        return qs.filter(pk__in=CulturalMoment.objects.filter(occurrences__ends_on__gte=value).values("pk"))

    def filter_occurs_before(self, qs, name, value):
        return qs.filter(pk__in=CulturalMoment.objects.filter(occurrences__starts_on__lte=value).values("pk"))


class MembershipFilterSet(OpsFilterSet):
    country = country_filter(TeamMembership)
    role = ChoicesFilter(choices=Role.choices, label=_("Role"))
    user = OwnerFilter(field_name="user", label=_("Person"))
    ordering = StableOrderingFilter(fields=["role", "updated_at"])

    class Meta:
        model = TeamMembership
        fields = ["country", "role", "user"]


class GovernmentContactFilterSet(OpsFilterSet):
    country = country_filter(GovernmentContact)
    stance = ChoicesFilter(choices=Stance.choices, label=_("Stance"))
    influence = ChoicesFilter(choices=Influence.choices, label=_("Influence"))
    owner = OwnerFilter(field_name="relationship_owner")
    organization = filters.CharFilter(lookup_expr="icontains", label=_("Organization"))
    contacted_after, contacted_before = date_range(
        "last_contacted_at", label_after=_("Last contacted after"), label_before=_("Last contacted before")
    )
    ordering = StableOrderingFilter(fields=["organization", "person_name", "last_contacted_at", "updated_at"])

    class Meta:
        model = GovernmentContact
        fields = ["country"]


class GovernmentInteractionFilterSet(OpsFilterSet):
    country = country_filter(GovernmentInteraction)
    kind = ChoicesFilter(choices=InteractionKind.choices, label=_("Kind"))
    contact = WholeNumberFilter(field_name="contact_id", label=_("Contact id"))
    incident = WholeNumberFilter(field_name="incident_id", label=_("Incident id"))
    owner = OwnerFilter(field_name="owner")
    start_after, start_before = date_range(
        "occurred_at", label_after=_("Happened after"), label_before=_("Happened before")
    )
    follow_up_before = filters.DateFilter(field_name="follow_up_on", lookup_expr="lte", label=_("Follow-up due by"))
    ordering = StableOrderingFilter(fields=["occurred_at", "follow_up_on", "updated_at"])

    class Meta:
        model = GovernmentInteraction
        fields = ["country"]


class RegulatoryIncidentFilterSet(OpsFilterSet):
    country = country_filter(RegulatoryIncident)
    status = ChoicesFilter(choices=IncidentStatus.choices, label=_("Status"))
    kind = ChoicesFilter(choices=IncidentKind.choices, label=_("Kind"))
    owner = OwnerFilter(field_name="owner")
    start_after, start_before = date_range("opened_at", label_after=_("Opened after"), label_before=_("Opened before"))
    ordering = StableOrderingFilter(fields=["opened_at", "resolved_at", "updated_at"])

    class Meta:
        model = RegulatoryIncident
        fields = ["country"]


class GovernmentCommitmentFilterSet(OpsFilterSet):
    country = country_filter(GovernmentCommitment)
    status = ChoicesFilter(choices=CommitmentStatus.choices, label=_("Status"))
    owner = OwnerFilter(field_name="owner")
    incident = WholeNumberFilter(field_name="incident_id", label=_("Incident (id)"))
    due_after, due_before = date_range("due_on", label_after=_("Due after"), label_before=_("Due before"), dates=True)
    ordering = StableOrderingFilter(fields=["due_on", "updated_at"])

    class Meta:
        model = GovernmentCommitment
        fields = ["country"]


class RegulatorRequestFilterSet(OpsFilterSet):
    country = country_filter(RegulatorRequest)
    status = ChoicesFilter(choices=RequestStatus.choices, label=_("Status"))
    kind = ChoicesFilter(choices=RequestKind.choices, label=_("Kind"))
    overdue = filters.BooleanFilter(
        method="filter_overdue", label=_("Overdue"), help_text=_("Still open after its deadline.")
    )
    handler = OwnerFilter(field_name="handler", label=_("Handled by"))
    incident = WholeNumberFilter(field_name="incident_id", label=_("Incident (id)"))
    commitment = WholeNumberFilter(field_name="commitment_id", label=_("Commitment (id)"))
    received_after, received_before = date_range(
        "received_at", label_after=_("Received after"), label_before=_("Received before")
    )
    deadline_after, deadline_before = date_range("deadline", label_after=_("Due after"), label_before=_("Due before"))
    ordering = StableOrderingFilter(fields=["deadline", "received_at", "answered_at", "updated_at"])

    class Meta:
        model = RegulatorRequest
        fields = ["country"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=RequestStatus.open_values(), deadline__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)


class RequestItemFilterSet(OpsFilterSet):
    request = WholeNumberFilter(field_name="request_id", label=_("Request (id)"))
    action = ChoicesFilter(choices=ItemAction.choices, label=_("What was done"))
    ordering = StableOrderingFilter(fields=["updated_at"])

    class Meta:
        model = RequestItem
        fields = ["request"]


__all__ = [
    "ChoicesFilter",
    "CountryFilter",
    "CountryFilterSet",
    "CulturalMomentFilterSet",
    "GovernmentCommitmentFilterSet",
    "GovernmentContactFilterSet",
    "GovernmentInteractionFilterSet",
    "MembershipFilterSet",
    "OpsFilterSet",
    "OwnerFilter",
    "RegulatorRequestFilterSet",
    "RegulatoryIncidentFilterSet",
    "RequestItemFilterSet",
    "StableOrderingFilter",
    "country_filter",
    "date_range",
    "number_range",
]
