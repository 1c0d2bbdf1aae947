"""Market and government-relations endpoints. Government records need the government scope
(tokens) or role (people): without it the whole collection answers 403."""

from __future__ import annotations

from locales.filtersets import (
    CountryFilterSet,
    CulturalMomentFilterSet,
    GovernmentCommitmentFilterSet,
    GovernmentContactFilterSet,
    GovernmentInteractionFilterSet,
    MembershipFilterSet,
    RegulatorRequestFilterSet,
    RegulatoryIncidentFilterSet,
    RequestItemFilterSet,
)
from locales.models import (
    Country,
    CulturalMoment,
    CulturalMomentOccurrence,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
    RequestItem,
    TeamMembership,
)
from locales.requests import request_item_delete, request_item_save, request_save
from locales.services import (
    commitment_save,
    cultural_moment_save,
    government_contact_save,
    government_interaction_delete,
    government_interaction_save,
    incident_save,
)
from opsportal.api.viewsets import OpsModelViewSet, OpsReadOnlyViewSet, acting_user

from .serializers import (
    CountrySerializer,
    CulturalMomentSerializer,
    GovernmentCommitmentSerializer,
    GovernmentContactSerializer,
    GovernmentInteractionSerializer,
    MembershipSerializer,
    RegulatorRequestSerializer,
    RegulatoryIncidentSerializer,
    RequestItemSerializer,
)


class CountryViewSet(OpsReadOnlyViewSet):
    """The markets you may see; managed in the admin."""

    queryset = Country.objects.all()
    serializer_class = CountrySerializer
    filterset_class = CountryFilterSet
    cursor_ordering = "code"
    lookup_description = "The country's ISO 3166-1 code (e.g. `ID`) or id."


class CulturalMomentViewSet(OpsModelViewSet):
    """Festivals and seasons to build content around, with their dates per year."""

    queryset = CulturalMoment.objects.select_related("country").prefetch_related("occurrences")
    serializer_class = CulturalMomentSerializer
    filterset_class = CulturalMomentFilterSet
    m2m_fields = ("occurrences",)

    def save_instance(self, instance, *, created, changes, m2m):
        sent = m2m.pop("occurrences", None)
        # Sent occurrences replace the stored ones; the service keeps one audit entry of the dates.
        cultural_moment_save(
            instance,
            occurrences=[CulturalMomentOccurrence(**data) for data in sent or ()],
            removed_occurrences=list(instance.occurrences.all()) if sent is not None and not created else (),
            by=acting_user(self.request),
        )
        return self.get_queryset().get(pk=instance.pk)


class MembershipViewSet(OpsReadOnlyViewSet):
    """Who sits on which country team, with which role (read-only; managed in the admin)."""

    queryset = TeamMembership.objects.select_related("user", "country")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet


class GovernmentContactViewSet(OpsModelViewSet):
    """Officials and offices we keep channels open with (government scope)."""

    queryset = GovernmentContact.objects.select_related("country", "relationship_owner")
    serializer_class = GovernmentContactSerializer
    filterset_class = GovernmentContactFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return government_contact_save(instance, by=acting_user(self.request))


class GovernmentInteractionViewSet(OpsModelViewSet):
    """Meetings, calls and letters with officials (government scope)."""

    queryset = GovernmentInteraction.objects.select_related("country", "owner")
    serializer_class = GovernmentInteractionSerializer
    filterset_class = GovernmentInteractionFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return government_interaction_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        government_interaction_delete(instance, by=acting_user(self.request))


class RegulatoryIncidentViewSet(OpsModelViewSet):
    """Bans, takedown requests and new rules, until resolved (government scope)."""

    queryset = RegulatoryIncident.objects.select_related("country", "owner")
    serializer_class = RegulatoryIncidentSerializer
    filterset_class = RegulatoryIncidentFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return incident_save(instance, by=acting_user(self.request))


class GovernmentCommitmentViewSet(OpsModelViewSet):
    """What we promised a regulator, by when and who keeps it (government scope). The country
    may be left out when an incident or contact names it."""

    queryset = GovernmentCommitment.objects.select_related("country", "owner")
    serializer_class = GovernmentCommitmentSerializer
    filterset_class = GovernmentCommitmentFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return commitment_save(instance, by=acting_user(self.request))


class RegulatorRequestViewSet(OpsModelViewSet):
    """Takedown, data and restriction requests from a regulator or a court, with their deadline
    and items (government scope). The deadline defaults to the country's hours after receipt;
    moving the status to an answered one stamps ``answered_at``."""

    queryset = RegulatorRequest.objects.select_related("country", "handler").prefetch_related("items")
    serializer_class = RegulatorRequestSerializer
    filterset_class = RegulatorRequestFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return request_save(instance, by=acting_user(self.request))


class RequestItemViewSet(OpsModelViewSet):
    """The items a request names (a video, an account, a URL) and what was done with each."""

    queryset = RequestItem.objects.select_related("request")
    serializer_class = RequestItemSerializer
    filterset_class = RequestItemFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return request_item_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        request_item_delete(instance, by=acting_user(self.request))
