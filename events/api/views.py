"""Event endpoints."""

from __future__ import annotations

from events.filtersets import (
    EventFilterSet,
    EventGuestFilterSet,
    EventPartnerFilterSet,
    EventTaskFilterSet,
    PartnerFilterSet,
)
from events.models import Event, EventGuest, EventPartner, EventTask, Partner
from events.services import (
    event_delete,
    event_guest_save,
    event_partner_remove,
    event_partner_save,
    event_save,
    event_task_save,
    event_task_set_done,
    partner_save,
)
from opsportal.api.viewsets import OpsModelViewSet, acting_user

from .serializers import (
    EventGuestSerializer,
    EventPartnerSerializer,
    EventSerializer,
    EventTaskSerializer,
    PartnerSerializer,
)


class EventViewSet(OpsModelViewSet):
    """Festivals, talent exchanges, meet-ups: taking the product offline."""

    queryset = Event.objects.select_related("country", "owner")
    serializer_class = EventSerializer
    filterset_class = EventFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return event_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        event_delete(instance, by=acting_user(self.request))


class PartnerViewSet(OpsModelViewSet):
    """Organizers, brands, media and venues we work with."""

    queryset = Partner.objects.select_related("country")
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return partner_save(instance, by=acting_user(self.request))


class EventPartnerViewSet(OpsModelViewSet):
    """A partner's role at an event."""

    queryset = EventPartner.objects.all()
    serializer_class = EventPartnerSerializer
    filterset_class = EventPartnerFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return event_partner_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        event_partner_remove(instance, by=acting_user(self.request))


class EventTaskViewSet(OpsModelViewSet):
    """An event's checklist."""

    queryset = EventTask.objects.select_related("assignee", "done_by")
    serializer_class = EventTaskSerializer
    filterset_class = EventTaskFilterSet

    def _split_m2m(self, data):
        data, m2m = super()._split_m2m(data)
        if "done" in data:
            m2m["done"] = data.pop("done")
        return data, m2m

    def save_instance(self, instance, *, created, changes, m2m):
        done = m2m.pop("done", None)
        instance = event_task_save(instance, by=acting_user(self.request))
        if done is not None and done != instance.is_done:
            instance = event_task_set_done(instance, done, by=acting_user(self.request))
        return instance


class EventGuestViewSet(OpsModelViewSet):
    """Influencers invited to an event, and whether they came."""

    queryset = EventGuest.objects.all()
    serializer_class = EventGuestSerializer
    filterset_class = EventGuestFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return event_guest_save(instance, by=acting_user(self.request))
