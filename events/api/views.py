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
from events.services import event_task_set_done
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


class PartnerViewSet(OpsModelViewSet):
    """Organizers, brands, media and venues we work with."""

    queryset = Partner.objects.select_related("country")
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilterSet


class EventPartnerViewSet(OpsModelViewSet):
    """A partner's role at an event."""

    queryset = EventPartner.objects.all()
    serializer_class = EventPartnerSerializer
    filterset_class = EventPartnerFilterSet


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
        instance = super().save_instance(instance, created=created, changes=changes, m2m=m2m)
        if done is not None and done != instance.is_done:
            instance = event_task_set_done(instance, done, by=acting_user(self.request))
        return instance


class EventGuestViewSet(OpsModelViewSet):
    """Influencers invited to an event, and whether they came."""

    queryset = EventGuest.objects.all()
    serializer_class = EventGuestSerializer
    filterset_class = EventGuestFilterSet
