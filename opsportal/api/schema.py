"""OpenAPI details shared by every endpoint: the error shape and the responses that use it."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every 4xx answer: a machine-readable type, a human message, and field errors."""

    type = serializers.CharField(
        help_text="validation_error, not_authenticated, authentication_failed, permission_denied, not_found, "
        "method_not_allowed, conflict, payload_too_large, unsupported_media_type, throttled"
    )
    message = serializers.CharField(help_text="A sentence a person can read.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field (e.g. `title`, `rows[12].views`) → messages; empty when not about fields.",
    )

    class Meta:
        ref_name = "Error"


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ERRORS = {
    400: _error("Invalid input: `errors` names each field (and row)."),
    401: _error("No credentials, or an invalid, expired or revoked token."),
    403: _error("Authenticated, but not allowed (scope, role, or a country you may only read)."),
    404: _error("No such record among those you may see."),
    409: _error("Conflicts with existing records (duplicate, or still referenced)."),
    413: _error("Too large (more than 10,000 rows, or a body over the size limit)."),
    429: _error("Throttled: retry after the `Retry-After` header's seconds."),
}


def errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


STANDARD_ACTIONS = {"list", "retrieve", "create", "update", "partial_update", "destroy"}


def _deletes_by_service(view) -> bool:
    """A delete that goes through its record's service can be refused by a rule (400)."""
    from .viewsets import OpsGenericViewSet

    return type(view).perform_destroy is not OpsGenericViewSet.perform_destroy


class OpsAutoSchema(AutoSchema):
    """Reads answer with the view's read serializer; every operation lists its error answers."""

    def get_response_serializers(self):
        view = self.view
        action = getattr(view, "action", None)
        if action not in STANDARD_ACTIONS:
            return super().get_response_serializers()
        read = getattr(view, "read_serializer_class", None) or self._get_serializer()
        if action == "destroy":
            responses = {204: None}
        elif action == "create":
            responses = {201: read}
        else:
            responses = {200: read}
        codes = [401, 403, 429]
        if action != "list":
            codes.append(404)
        if action in {"list", "create", "update", "partial_update"} or (
            action == "destroy" and _deletes_by_service(view)
        ):
            codes.append(400)
        if action in {"create", "update", "partial_update", "destroy"}:
            codes.append(409)
        responses.update(errors(*sorted(codes)))
        if action == "list":
            # gunicorn refuses a request line over 4094 bytes before Django sees it (plain text,
            # not the error shape); a list with many filters can reach it (schemathesis did).
            responses[414] = OpenApiResponse(description="The address is longer than the server accepts.")
        return responses

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        description = getattr(self.view, "lookup_description", None)
        if description and "{id}" in self.path:
            params.append(OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description=description))
        return params


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "opsportal.api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `manage.py create_api_token` or the admin: `Authorization: Bearer ops_…`.",
        }
