"""``/api/v1/audit/``: the audit trail, read-only, for country leads and administrators.

Lists history entries across every audited record (simple-history rows) and batch entries
(``AuditEntry``), newest first, filtered by record, person, token, door and time. Only GET:
POST, PUT, PATCH and DELETE answer 405, so no client can alter the trail through the API.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from opsportal.access import access_for_user
from opsportal.db import Door, pg_storable
from opsportal.history import Cursor, audit_entry, audit_log, audited_models

from .schema import errors

MAX_PAGE_SIZE = 500


class CanReadAuditTrail(permissions.BasePermission):
    """Leads (``Perm.AUDIT_VIEW`` in a country) and administrators; never API tokens."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return access_for_user(user).can_audit()


# --- query ---------------------------------------------------------------------------
class AuditQuerySerializer(serializers.Serializer):
    model = serializers.CharField(required=False, help_text="A record type, e.g. `influencers.influencer`.")
    object_id = serializers.CharField(required=False, max_length=40, help_text="The record's id (needs `model`).")
    user = serializers.IntegerField(required=False, min_value=1, help_text="Changes by this person (user id).")
    token = serializers.IntegerField(required=False, min_value=1, help_text="Changes by this API token (id).")
    door = serializers.ChoiceField(required=False, choices=Door.choices)
    since = serializers.DateTimeField(
        required=False, input_formats=["iso-8601", "%Y-%m-%d"], help_text="From this time (inclusive)."
    )
    until = serializers.DateTimeField(
        required=False, input_formats=["iso-8601", "%Y-%m-%d"], help_text="Before this time (exclusive)."
    )
    cursor = serializers.CharField(required=False, max_length=200)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)

    def validate_model(self, value):
        value = value.lower()
        if value not in audited_models() and value not in _batch_models():
            raise ValidationError(_("Unknown record type: %(model)s.") % {"model": value})
        return value

    def validate_cursor(self, value):
        try:
            at, source, key = json.loads(base64.urlsafe_b64decode(value.encode() + b"==").decode())
            cursor = Cursor(dt.datetime.fromisoformat(at), str(source), int(key))
            # A hand-made cursor must still be something the database can compare with.
            if cursor.at.tzinfo is None or not (pg_storable(cursor.source) and pg_storable(cursor.key)):
                raise ValueError(value)
            return cursor
        except (ValueError, TypeError, UnicodeError):
            raise ValidationError(_("This cursor is not valid; start again from the first page."))

    def validate(self, attrs):
        if "object_id" in attrs and "model" not in attrs:
            raise ValidationError({"object_id": [_("Give the record type (model) with its id.")]})
        if attrs.get("since") and attrs.get("until") and attrs["until"] <= attrs["since"]:
            raise ValidationError({"until": [_("Must be after since.")]})
        return attrs


def _batch_models() -> set[str]:
    from opsportal.models import AuditEntry

    return set(AuditEntry.objects.values_list("model", flat=True).distinct())


def _encode(cursor: Cursor) -> str:
    raw = json.dumps([cursor.at.isoformat(), cursor.source, cursor.key]).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- answer (documented shape) -------------------------------------------------------------
class AuditChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class AuditUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class AuditTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`<model>:<history id>` or `~batch:<id>`.")
    at = serializers.DateTimeField()
    model = serializers.CharField()
    object_id = serializers.CharField(help_text="Empty for a batch over many records.")
    action = serializers.CharField(help_text="created, changed, deleted, or a batch action such as `metrics.bulk`.")
    door = serializers.ChoiceField(choices=Door.choices)
    user = AuditUserSerializer(allow_null=True)
    token = AuditTokenSerializer(allow_null=True)
    summary = serializers.CharField()
    changes = AuditChangeSerializer(many=True)
    details = serializers.DictField()

    class Meta:
        ref_name = "AuditEntry"


class AuditPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True, help_text="Always null: follow `next` from the first page.")
    results = AuditEntrySerializer(many=True)

    class Meta:
        ref_name = "AuditPage"


_QUERY_PARAMETERS = [
    OpenApiParameter("model", OpenApiTypes.STR, description="Record type, e.g. `influencers.influencer`."),
    OpenApiParameter("object_id", OpenApiTypes.STR, description="Record id; needs `model`."),
    OpenApiParameter("user", OpenApiTypes.INT, description="Person (user id)."),
    OpenApiParameter("token", OpenApiTypes.INT, description="API token id."),
    OpenApiParameter("door", OpenApiTypes.STR, enum=Door.values),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Inclusive; a date means its midnight UTC."),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="Exclusive."),
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From the previous page's `next`."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1–{MAX_PAGE_SIZE}, default 50."),
]


class AuditViewSet(viewsets.GenericViewSet):
    """Who changed what, when, through which door — read-only."""

    permission_classes = [CanReadAuditTrail]
    serializer_class = AuditEntrySerializer
    pagination_class = None
    filter_backends: list = []
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):  # the trail spans many tables: see opsportal.history
        return []

    @extend_schema(
        summary="List audit entries",
        parameters=_QUERY_PARAMETERS,
        responses={200: AuditPageSerializer, **errors(400, 401, 403, 429)},
    )
    def list(self, request):
        query = AuditQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        limit = params.get("page_size", 50)
        entries, next_cursor = audit_log(
            access_for_user(request.user),
            model=params.get("model"),
            object_id=params.get("object_id"),
            user_id=params.get("user"),
            token_id=params.get("token"),
            door=params.get("door"),
            since=params.get("since"),
            until=params.get("until"),
            after=params.get("cursor"),
            limit=limit,
        )
        next_url = None
        if next_cursor is not None:
            next_url = replace_query_param(request.build_absolute_uri(), "cursor", _encode(next_cursor))
        return Response({"next": next_url, "previous": None, "results": [e.as_dict() for e in entries]})

    @extend_schema(
        summary="One audit entry",
        parameters=[OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The entry's id.")],
        responses={200: AuditEntrySerializer, **errors(401, 403, 404, 429)},
    )
    def retrieve(self, request, pk=None):
        entry = audit_entry(access_for_user(request.user), str(pk))
        if entry is None:
            raise NotFound()
        return Response(entry.as_dict())
