from django.utils import translation

from opsportal.audit import set_actor
from opsportal.db import Door


class AuditContextMiddleware:
    """Names the door (portal, admin, API) for the audit trail of everything this request changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        door = Door.ADMIN if path.startswith("/admin/") else Door.API if path.startswith("/api/") else Door.PORTAL
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        set_actor(door, user=user)
        try:
            return self.get_response(request)
        finally:
            set_actor(Door.COMMAND)


class UserLanguageMiddleware:
    """A signed-in person's preferred language wins over the browser's guess."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            lang = getattr(profile, "preferred_language", "")
            if lang:
                translation.activate(lang)
                request.LANGUAGE_CODE = lang
        return self.get_response(request)
