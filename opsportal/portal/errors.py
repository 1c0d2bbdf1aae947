"""The error pages people meet: the portal's own frame and language, JSON under /api/.

Django's handlers would answer a bare, English "403 Forbidden" (or, with debug pages on, the
technical page listing every URL). A 404 never says whether the record exists elsewhere: "not
found" and "not yours" read the same.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

API_PREFIX = "/api/"

_API_ERRORS = {
    400: ("validation_error", "The request could not be understood."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    500: ("server_error", "Something went wrong on our side. It has been logged; please try again."),
}


def _api_error(status: int) -> JsonResponse:
    kind, message = _API_ERRORS[status]
    return JsonResponse({"type": kind, "message": _(message), "errors": {}}, status=status)


def _back_url(request: HttpRequest) -> str:
    """Where "Back" goes: the page the person came from on this site, else the dashboard."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return "/"


def _for_a_program(request: HttpRequest) -> bool:
    """The API, or a token holder on another door (exports, feeds): JSON, not a portal page."""
    return request.path.startswith(API_PREFIX) or "HTTP_AUTHORIZATION" in request.META


def _page(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if _for_a_program(request):
        return _api_error(status)
    return render(request, template, {"status": status, "back_url": _back_url(request)}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 400, "errors/400.html")


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 403, "errors/403.html")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: the database may be what failed."""
    if _for_a_program(request):
        return _api_error(500)
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)
