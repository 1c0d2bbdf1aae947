"""Markets, cultural moments, team memberships and government relations."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

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
from opsportal.api.fields import CountryRefField, UserRefField
from opsportal.api.serializers import OpsModelSerializer, self_link


class CountrySerializer(OpsModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="country-detail", lookup_field="code", lookup_url_kwarg="pk")

    class Meta:
        model = Country
        fields = [
            "id",
            "url",
            "code",
            "name",
            "local_name",
            "languages",
            "default_language",
            "timezone",
            "currency",
            "launch_date",
            "local_office",
            "dates_day_first",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OccurrenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CulturalMomentOccurrence
        fields = ["year", "starts_on", "ends_on"]
        # A calendar year: SQLite enforces no range on the small integer, so the API does.
        extra_kwargs = {"year": {"min_value": 1, "max_value": 9999}}

    def validate(self, attrs):
        # The list replaces the stored one, so each item is whole even in a PATCH (where DRF makes
        # nested fields optional): a missing field was a KeyError, a 500 (schemathesis).
        missing = {name: [_("This field is required.")] for name in self.Meta.fields if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        # The model's own rules (end after start, start in its year), said on this item of the list;
        # cultural_moment_set_dates checks them again when it saves.
        try:
            CulturalMomentOccurrence(**attrs).clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs


class CulturalMomentSerializer(OpsModelSerializer):
    url = self_link("cultural-moment")
    occurrences = OccurrenceSerializer(
        many=True, required=False, help_text=_("When it falls each year; on write, replaces the list.")
    )

    class Meta:
        model = CulturalMoment
        fields = [
            "id",
            "url",
            "country",
            "name",
            "local_name",
            "description",
            "content_ideas",
            "occurrences",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_occurrences(self, value):
        years = [o["year"] for o in value]
        if len(years) != len(set(years)):
            raise serializers.ValidationError(_("One occurrence per year."))
        return value


class MembershipSerializer(OpsModelSerializer):
    url = self_link("membership")
    user = UserRefField(read_only=True)
    country = CountryRefField(read_only=True)

    class Meta:
        model = TeamMembership
        fields = ["id", "url", "user", "country", "role", "created_at", "updated_at"]
        read_only_fields = fields


class GovernmentContactSerializer(OpsModelSerializer):
    url = self_link("government-contact")

    class Meta:
        model = GovernmentContact
        fields = [
            "id",
            "url",
            "country",
            "organization",
            "person_name",
            "local_name",
            "title",
            "email",
            "phone",
            "channels",
            "stance",
            "influence",
            "relationship_owner",
            "last_contacted_at",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_contacted_at", "created_at", "updated_at"]


class GovernmentInteractionSerializer(OpsModelSerializer):
    url = self_link("government-interaction")
    country = CountryRefField(read_only=True, help_text=_("The contact's country."))
    owner = UserRefField(read_only=True, help_text=_("Who logged it."))

    class Meta:
        model = GovernmentInteraction
        fields = [
            "id",
            "url",
            "country",
            "contact",
            "incident",
            "kind",
            "occurred_at",
            "summary",
            "outcome",
            "follow_up_on",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"occurred_at": {"required": False}}

    def validate(self, attrs):
        contact = attrs.get("contact", getattr(self.instance, "contact", None))
        # A new interaction is logged in its contact's country (as government_interaction_log
        # does); a logged one stays in its own, and the service refuses a contact of another.
        if self.instance is None and contact is not None:
            attrs["country"] = contact.country
        return attrs


class RegulatoryIncidentSerializer(OpsModelSerializer):
    url = self_link("regulatory-incident")

    class Meta:
        model = RegulatoryIncident
        fields = [
            "id",
            "url",
            "country",
            "title",
            "kind",
            "status",
            "opened_at",
            "resolved_at",
            "summary",
            "days_restricted",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class GovernmentCommitmentSerializer(OpsModelSerializer):
    url = self_link("government-commitment")

    class Meta:
        model = GovernmentCommitment
        fields = [
            "id",
            "url",
            "country",
            "incident",
            "contact",
            "description",
            "due_on",
            "status",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "country": {"required": False, "help_text": _("Taken from the incident or contact if left out.")}
        }

    def validate(self, attrs):
        # The incident and the contact name the country when the caller leaves it out.
        country = attrs.get("country", getattr(self.instance, "country", None))
        if country is None:
            for reference in (attrs.get("incident"), attrs.get("contact")):
                if reference is not None:
                    attrs["country"] = reference.country
                    break
            else:
                raise serializers.ValidationError({"country": [_("This field is required.")]})
        return attrs


class RequestItemSerializer(OpsModelSerializer):
    url = self_link("regulator-request-item")

    class Meta:
        model = RequestItem
        fields = ["id", "url", "request", "target", "action", "note", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_request(self, value):
        # An item stays with its request (the service says so too; here it is a 400 on the field).
        if self.instance is not None and value.pk != self.instance.request_id:
            raise serializers.ValidationError(_("An item stays with its request."))
        return value


class NestedRequestItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestItem
        fields = ["id", "target", "action", "note"]
        read_only_fields = fields


class RegulatorRequestSerializer(OpsModelSerializer):
    url = self_link("regulator-request")
    items = NestedRequestItemSerializer(many=True, read_only=True)
    on_time = serializers.SerializerMethodField(help_text=_("Answered by the deadline; null while open."))

    class Meta:
        model = RegulatorRequest
        fields = [
            "id",
            "url",
            "country",
            "kind",
            "authority",
            "contact",
            "channel",
            "reference",
            "summary",
            "received_at",
            "deadline",
            "status",
            "answered_at",
            "on_time",
            "handler",
            "incident",
            "commitment",
            "outcome",
            "items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "deadline": {"required": False, "help_text": _("Left out: the country's default hours after receipt.")},
            "received_at": {"required": False, "help_text": _("Left out: now.")},
            "answered_at": {"help_text": _("Stamped when the status moves to an answered one; may be given.")},
        }

    def get_on_time(self, obj) -> bool | None:
        return obj.on_time
