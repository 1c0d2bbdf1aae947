from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from opsportal import l10n
from opsportal.audit import reset_actor, set_actor
from opsportal.db import Door
from opsportal.scope import scope_of


class CountryScopeMiddleware:
    """Runs the whole request, its response's rendering included, inside its country scope.

    The scope is the rights of whoever the request turns out to be: the signed-in person, or the
    API token once DRF has authenticated it (opsportal.access.RequestScope). A query on a
    country-scoped model outside it would raise instead of showing another country's rows.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scope_of(request):
            return self.get_response(request)


class AuditContextMiddleware:
    """Names the door (portal, admin, API) for the audit trail of everything this request changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        door = Door.ADMIN if path.startswith("/admin/") else Door.API if path.startswith("/api/") else Door.PORTAL
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        reset = set_actor(door, user=user)
        try:
            return self.get_response(request)
        finally:
            # Back to whatever ran before (the default: a command), even after the API's
            # token authentication replaced the actor mid-request.
            try:
                reset_actor(reset)
            except ValueError:  # reset from another context (ASGI thread hop): fall back
                set_actor(Door.COMMAND)


class UserLanguageMiddleware:
    """A signed-in person's preferred language and era win over the browser's guess (opsportal.l10n)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang, buddhist_era = l10n.request_preferences(request)
        if lang:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        token = l10n.set_buddhist_era(buddhist_era)
        try:
            return self.get_response(request)
        finally:
            try:
                l10n.reset_buddhist_era(token)
            except ValueError:  # reset from another context (ASGI thread hop)
                l10n.set_buddhist_era(False)


class PrivatePagesMiddleware:
    """Pages shown to a signed-in person are never stored by browsers or shared proxies.

    Confidential notes must not survive in a shared computer's back/forward cache or in a
    proxy. Responses that set their own Cache-Control (files, feeds) keep it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class RefuseNulBytesMiddleware:
    """A NUL byte in the address or a query parameter is a 400 naming the parameter.

    PostgreSQL text cannot hold one: left through, it would reach a filter's query and fail
    there as a server error. No address a person or an integration uses carries one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = None
        if "\x00" in request.path:
            bad = "path"
        else:
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    bad = key.replace("\x00", "")
                    break
        if bad is None:
            return self.get_response(request)
        message = _("Null characters are not allowed.")
        if request.path_info.startswith("/api/"):
            from opsportal.api.errors import error_body

            body = error_body("validation_error", f"{bad}: {message}", {bad: [str(message)]})
            return JsonResponse(body, status=400)
        return HttpResponseBadRequest(message)
