"""One error shape for every 4xx the API answers: ``{"type", "message", "errors"}``.

``errors`` maps a field (``title``, ``rows[12].views``, ``non_field_errors``) to its messages;
it is empty when the error is not about fields (401, 403, 404, 405, 409, 413, 429).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse  # noqa: F401  (JsonResponse re-exported)
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from opsportal.access import COUNTRY_PATHS, access_for_request


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the record.")
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request is too large.")
    default_code = "payload_too_large"


# Messages for the codes DRF raises with a field-less detail.
_TYPE_BY_STATUS = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → ``{"field": [...], "accounts[0].handle": [...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(force_str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item in ({}, []):
                    continue
                out.update(_flatten(item, f"{prefix}[{index}]"))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(force_str(detail))
    return out


def error_body(type_: str, message, errors: dict | None = None) -> dict:
    return {"type": type_, "message": force_str(message), "errors": errors or {}}


def _first_message(errors: dict[str, list[str]]) -> str:
    for field, messages in errors.items():
        if messages:
            return messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}"
    return force_str(_("The request is not valid."))


def exception_handler(exc, context):
    """Turn every exception a client can cause into the one error shape (never a 500)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        objs = list(exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects)
        # Named only when the caller may read them: a creator's agreement (fees) or a government
        # record blocking the deletion must not be shown to an operator (issue 17).
        access = access_for_request(context.get("request")) if context else None
        named = [o for o in objs if access is None or _may_name(access, o)][:5]
        if named:
            exc = Conflict(
                _("This record is still used by other records (%(examples)s); remove those first.")
                % {"examples": ", ".join(f"{o._meta.verbose_name} {o}" for o in named)}
            )
        else:
            exc = Conflict(_("This record is still used by other records; it cannot be deleted."))
    elif isinstance(exc, IntegrityError):
        # A race with another writer, or a constraint the validation did not foresee.
        exc = Conflict(_("The change conflicts with an existing record (a duplicate or a broken reference)."))
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()

    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, round(exc.wait)))

    type_ = _TYPE_BY_STATUS.get(exc.status_code, getattr(exc, "default_code", "error"))
    if isinstance(exc, exceptions.ValidationError) or isinstance(exc.detail, dict | list):
        errors = _flatten(exc.detail)
        message = _first_message(errors)
    else:
        errors = {}
        message = exc.detail
        if isinstance(exc, exceptions.AuthenticationFailed):
            type_ = "authentication_failed"
    if isinstance(exc, exceptions.Throttled) and getattr(exc, "wait", None) is not None:
        errors = {}
        message = _("Too many requests: retry in %(seconds)d seconds.") % {"seconds": max(1, round(exc.wait))}
    set_rollback()
    response = Response(error_body(type_, message, errors), status=exc.status_code, headers=headers)
    return response


def _may_name(access, obj) -> bool:
    return obj._meta.label_lower not in COUNTRY_PATHS or access.can_view(obj)
