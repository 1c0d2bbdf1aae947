"""The language switcher's door: Django's set_language, remembered on the person's profile."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language

from opsportal import l10n
from opsportal.models import StaffProfile


def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, then back to ``next``; a GET changes nothing).

    A signed-in person also keeps the choice on their profile, so it follows them to other
    browsers, and their emails and reports are written in it.
    """
    response = set_language(request)
    code = l10n.supported_language(request.POST.get("language")) if request.method == "POST" else None
    if code and request.user.is_authenticated:
        StaffProfile.objects.update_or_create(user=request.user, defaults={"preferred_language": code})
    return response
