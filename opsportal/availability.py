"""What the portal answers while a backing service is away: 503 with ``Retry-After``, never 500.

A PostgreSQL restart, a failover or a full connection slot are temporary: the client should
come back shortly, and monitoring should not page anyone for a code bug. Django turns every
uncaught exception into a 500 at the layer where it happened (a view, or a middleware that
loads the session or the user), so no outer ``try`` can see it. Instead the
``got_request_exception`` signal marks the request with the exception, and the outermost
middleware swaps that 500 for a 503: the portal's own page, or the API's JSON error shape.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger("opsportal.availability")

_MARK = "_opsportal_unavailable"


def unavailable_error(exc: BaseException | None) -> str | None:
    """The name of the service an exception says is away, or None for any other error."""
    if isinstance(exc, OperationalError | InterfaceError):
        return "database"
    try:
        from kombu.exceptions import OperationalError as BrokerError
    except ImportError:  # pragma: no cover - kombu is a runtime dependency
        return None
    if isinstance(exc, BrokerError):
        return "broker"
    return None


def retry_after() -> int:
    return settings.OPSPORTAL_RETRY_AFTER


@receiver(got_request_exception)
def _mark_unavailable(sender, request=None, **kwargs):
    import sys

    exc = sys.exc_info()[1]
    service = unavailable_error(exc)
    if request is not None and service:
        setattr(request, _MARK, (service, exc))


def unavailable_response(request, service: str) -> HttpResponse:
    """503 for ``request``: JSON under /api/, the portal's page elsewhere. Touches no database."""
    message = _("The service is briefly unavailable. Please try again in a moment.")
    if request.path_info.startswith("/api/"):
        from opsportal.api.errors import error_body

        response = JsonResponse(error_body("service_unavailable", message), status=503)
    else:
        # No request context: the context processors would read the session and the user.
        html = render_to_string("503.html", {"message": message, "retry_after": retry_after()})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    # The exception's record (shortened to one line by opsportal.logs) already says it.
    response._has_been_logged = True
    return response


class ServiceUnavailableMiddleware:
    """Outermost middleware: a 500 caused by an absent database or broker becomes a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        marked = getattr(request, _MARK, None)
        if marked is None or response.status_code != 500:
            return response
        service, _exc = marked
        return unavailable_response(request, service)
