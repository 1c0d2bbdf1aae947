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
    RegulatoryIncidentFilterSet,
)
from locales.models import (
    Country,
    CulturalMoment,
    CulturalMomentOccurrence,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatoryIncident,
    TeamMembership,
)
from locales.models.government import IncidentStatus
from locales.services import (
    commitment_save,
    contact_touch,
    government_contact_save,
    government_interaction_log,
    government_interaction_save,
    incident_resolve,
)
from opsportal.api.viewsets import OpsModelViewSet, OpsReadOnlyViewSet, acting_user

from .serializers import (
    CountrySerializer,
    CulturalMomentSerializer,
    GovernmentCommitmentSerializer,
    GovernmentContactSerializer,
    GovernmentInteractionSerializer,
    MembershipSerializer,
    RegulatoryIncidentSerializer,
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
        occurrences = m2m.pop("occurrences", None)
        instance = super().save_instance(instance, created=created, changes=changes, m2m=m2m)
        if occurrences is not None:
            instance.occurrences.all().delete()
            CulturalMomentOccurrence.objects.bulk_create(
                CulturalMomentOccurrence(moment=instance, **data) for data in occurrences
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
        if created:
            return government_interaction_log(
                instance.contact,
                kind=instance.kind,
                summary=instance.summary,
                occurred_at=changes.get("occurred_at"),
                outcome=instance.outcome,
                follow_up_on=instance.follow_up_on,
                incident=instance.incident,
                by=acting_user(self.request),
            )
        return government_interaction_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        super().perform_destroy(instance)
        contact_touch(instance.contact)


class RegulatoryIncidentViewSet(OpsModelViewSet):
    """Bans, takedown requests and new rules, until resolved (government scope)."""

    queryset = RegulatoryIncident.objects.select_related("country", "owner")
    serializer_class = RegulatoryIncidentSerializer
    filterset_class = RegulatoryIncidentFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        resolving = changes.get("status") == IncidentStatus.RESOLVED
        if resolving and not created:
            stored = RegulatoryIncident.objects.filter(pk=instance.pk).values_list("status", flat=True).get()
            resolving = stored != IncidentStatus.RESOLVED
        if not resolving:
            return super().save_instance(instance, created=created, changes=changes, m2m=m2m)
        # Resolving goes through the service: it checks the time and counts the days restricted.
        instance.status = IncidentStatus.OPEN if created else instance.status
        if created:
            super().save_instance(instance, created=created, changes=changes, m2m=m2m)
        return incident_resolve(instance, resolved_at=changes.get("resolved_at"), by=acting_user(self.request))


class GovernmentCommitmentViewSet(OpsModelViewSet):
    """What we promised a regulator, by when and who keeps it (government scope). The country
    may be left out when an incident or contact names it."""

    queryset = GovernmentCommitment.objects.select_related("country", "owner")
    serializer_class = GovernmentCommitmentSerializer
    filterset_class = GovernmentCommitmentFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return commitment_save(instance, by=acting_user(self.request))
