"""Event resources: events (budget as a decimal string with its currency), partners, the
event's partners, its task checklist and its guests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.models import Event, EventGuest, EventPartner, EventTask, Partner
from opsportal.api.fields import UserRefField
from opsportal.api.serializers import OpsModelSerializer, self_link


class EventSerializer(OpsModelSerializer):
    url = self_link("event")
    budget = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        required=False,
        min_value=0,
        help_text=_('A decimal string in `currency`, e.g. "150000000.00".'),
    )
    currency = serializers.CharField(
        max_length=3, required=False, help_text=_("ISO 4217; defaults to the country's currency.")
    )
    # null for an event that was not copied (the schema said integer: issue 19's fuzzing).
    copied_from = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "country",
            "name",
            "kind",
            "status",
            "city",
            "venue",
            "our_role",
            "starts_at",
            "ends_at",
            "budget",
            "currency",
            "expected_attendance",
            "attendance",
            "owner",
            "cultural_moment",
            "challenge",
            "videos_produced",
            "description",
            "copied_from",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    # A blank currency becomes the country's and links to another country's moment or challenge
    # are refused in events.services.event_save and Event.clean, behind every door.


class PartnerSerializer(OpsModelSerializer):
    url = self_link("partner")

    class Meta:
        model = Partner
        fields = [
            "id",
            "url",
            "country",
            "name",
            "kind",
            "website",
            "contact_name",
            "contact_email",
            "notes",
            "last_contacted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_contacted_at", "created_at", "updated_at"]


class EventPartnerSerializer(OpsModelSerializer):
    url = self_link("event-partner")

    class Meta:
        model = EventPartner
        fields = ["id", "url", "event", "partner", "role"]

    # A partner of another country is refused by EventPartner.clean, at every door.


class EventTaskSerializer(OpsModelSerializer):
    url = self_link("event-task")
    assignee = UserRefField(allow_null=True, required=False)
    done = serializers.BooleanField(required=False, help_text=_("Tick or untick; ticking records who and when."))
    done_by = UserRefField(read_only=True)

    class Meta:
        model = EventTask
        fields = [
            "id",
            "url",
            "event",
            "title",
            "assignee",
            "due_on",
            "done",
            "done_at",
            "done_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["done_at", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["done"] = instance.done_at is not None
        return data


class EventGuestSerializer(OpsModelSerializer):
    url = self_link("event-guest")

    class Meta:
        model = EventGuest
        fields = ["id", "url", "event", "influencer", "status", "notes", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
