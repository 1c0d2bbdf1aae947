"""API to manage webhook subscriptions: an integration subscribes with its own token.

A subscription belongs to whoever made it (a person or an API token) and only they (and
superusers) see it; what it receives is bounded by their rights at delivery time.
Router line (in opsportal/api_urls.py):

    router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from locales.models import Country
from opsportal.access import Perm, access_for_user
from opsportal.api.fields import TextKeyField
from opsportal.api.schema import OpsAutoSchema, errors

from . import services
from .models import ApiDeliveryStatus, DeliveryStatus, EventType, WebhookDelivery, WebhookSubscription


class CanManageWebhooks(permissions.BasePermission):
    """Anyone (person or token) who may read some country may subscribe within it."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and access_for_user(user).can(Perm.VIEW))


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.MultipleChoiceField(choices=EventType.choices, allow_empty=False)
    countries = TextKeyField(
        slug_field="code",
        many=True,
        required=False,
        queryset=Country.objects.all(),
        help_text=_("Country codes; empty means every country you may read (never government events)."),
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "url",
            "event_types",
            "countries",
            "allow_government",
            "allow_finance",
            "active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["event_types"] = sorted(data["event_types"])
        if self.context.get("show_secret"):
            data["secret"] = instance.secret  # only when made or rotated
        return data

    def validate(self, attrs):
        instance = self.instance
        merged = {
            "url": attrs.get("url", getattr(instance, "url", "")),
            "event_types": sorted(attrs.get("event_types", getattr(instance, "event_types", []))),
            "countries": attrs["countries"] if "countries" in attrs else (instance.countries.all() if instance else []),
            "allow_government": attrs.get("allow_government", getattr(instance, "allow_government", False)),
            "allow_finance": attrs.get("allow_finance", getattr(instance, "allow_finance", False)),
        }
        access = access_for_user(self.context["request"].user)
        try:
            services.subscription_validate(access, **merged)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(get_error_detail(exc))
        attrs["event_types"] = merged["event_types"]
        return attrs


def api_status(delivery: WebhookDelivery) -> str:
    """The status the API shows (``ApiDeliveryStatus``) for a row's outbox status."""
    if delivery.status in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING):
        # A row being sent shows what it was before this attempt, as it did before the outbox core.
        before = delivery.attempts - (1 if delivery.status == DeliveryStatus.SENDING else 0)
        return ApiDeliveryStatus.RETRYING if before > 0 else ApiDeliveryStatus.PENDING
    if delivery.status == DeliveryStatus.SENT:
        return ApiDeliveryStatus.SUCCEEDED
    return delivery.status


def status_filter(value: str) -> Q:
    """The rows the API shows with status ``value``."""
    waiting = Q(status=DeliveryStatus.QUEUED) | Q(status=DeliveryStatus.SENDING)
    tried = Q(attempts__gt=0, status=DeliveryStatus.QUEUED) | Q(attempts__gt=1, status=DeliveryStatus.SENDING)
    return {
        ApiDeliveryStatus.PENDING: waiting & ~tried,
        ApiDeliveryStatus.RETRYING: tried,
        ApiDeliveryStatus.SUCCEEDED: Q(status=DeliveryStatus.SENT),
    }.get(value, Q(status=value))


class ApiStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        # Not read-only (the serializer only answers) so that the schema is the same as before.
        super().__init__(choices=ApiDeliveryStatus.choices, source="*", required=False, **kwargs)

    def to_representation(self, value):
        return api_status(value)


class RetryTimeField(serializers.DateTimeField):
    """The next retry's time; the row's lease ends are the outbox's business, not the API's."""

    def __init__(self, **kwargs):
        super().__init__(source="*", required=False, allow_null=True, label=capfirst(_("next attempt")), **kwargs)

    def to_representation(self, value):
        if api_status(value) != ApiDeliveryStatus.RETRYING or value.status != DeliveryStatus.QUEUED:
            return None
        return super().to_representation(value.next_attempt_at)


class DeliverySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    status = ApiStatusField()
    next_attempt_at = RetryTimeField()
    delivered_at = serializers.DateTimeField(source="sent_at", required=False, allow_null=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_type",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]


class WebhookSubscriptionViewSet(viewsets.ModelViewSet):
    """Subscriptions to record events: challenge went live, influencer onboarded, incident
    opened and regulator request received or closed (government), creator agreement created or
    moved and payment paid (finance), goal set, report sent. Deliveries are signed with the
    subscription's secret."""

    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [CanManageWebhooks]
    # Every operation documents its 400/401/403/404 answers, as the other resources do.
    schema = OpsAutoSchema()
    queryset = WebhookSubscription.objects.prefetch_related("countries")
    cursor_ordering = "-pk"

    def get_queryset(self):
        user = self.request.user
        queryset = self.queryset.all()
        if getattr(user, "is_token", False):
            return queryset.filter(owner_token=user.token)
        if user.is_superuser:
            return queryset
        return queryset.filter(owner=user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["show_secret"] = self.action == "create"
        return context

    @transaction.atomic
    def perform_create(self, serializer):
        user = self.request.user
        if getattr(user, "is_token", False):
            serializer.save(owner_token=user.token)
        else:
            serializer.save(owner=user)

    @transaction.atomic
    def perform_update(self, serializer):
        sub = serializer.save()
        if serializer.validated_data.get("active") and sub.disabled_at is not None:
            services.subscription_enable(sub)

    @extend_schema(
        request=None,
        responses={200: WebhookSubscriptionSerializer, **errors(401, 403, 404, 429)},
        summary="Rotate the signing secret (returned once)",
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        sub = services.subscription_rotate_secret(self.get_object())
        return Response(self.get_serializer(sub, context={**self.get_serializer_context(), "show_secret": True}).data)

    @extend_schema(
        request=None,
        responses={200: WebhookSubscriptionSerializer, **errors(401, 403, 404, 429)},
        summary="Enable a subscription disabled after failures",
    )
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        sub = services.subscription_enable(self.get_object())
        return Response(self.get_serializer(sub).data)

    @extend_schema(
        responses={200: DeliverySerializer(many=True), **errors(400, 401, 403, 404, 429)},
        summary="The latest 50 deliveries",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def deliveries(self, request, pk=None):
        sub = self.get_object()
        rows = sub.deliveries.order_by("-created_at", "-id")[:50]
        status = request.query_params.get("status")
        if status:
            if status not in ApiDeliveryStatus.values:
                raise serializers.ValidationError({"status": [_("Unknown status.")]})
            rows = sub.deliveries.filter(status_filter(status)).order_by("-created_at", "-id")[:50]
        return Response(DeliverySerializer(rows, many=True).data)
