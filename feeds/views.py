"""The feed itself (read by calendar apps, no sign-in: the URL is the secret) and the page
where a person finds and resets their feed URLs."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from opsportal.portal.mixins import portal_render, portal_view, user_countries

from .calendar import build_calendar, feed_scope
from .models import CalendarFeedToken
from .services import feed_mark_read, feed_token_find, feed_token_reset, feed_url, feed_webcal_url


@require_safe
def calendar_feed(request, secret: str):
    token = feed_token_find(secret)
    # Unknown, reset, and no-longer-allowed all look the same: nothing here.
    scope = feed_scope(token) if token is not None else None
    if scope is None:
        raise Http404
    body = build_calendar(token, scope)
    feed_mark_read(token)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="opsportal.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@portal_view
def feed_list(request):
    tokens = {t.country_id: t for t in CalendarFeedToken.objects.filter(user=request.user)}
    rows = [{"country": None, "token": tokens.get(None)}]
    rows += [{"country": c, "token": tokens.get(c.pk)} for c in user_countries(request)]
    for row in rows:
        if row["token"] is not None:
            row["url"] = feed_url(row["token"])
            row["webcal"] = feed_webcal_url(row["token"])
    return portal_render(request, "feeds/feed_list.html", {"rows": rows, "nav": "feeds"})


@require_POST
@portal_view
def feed_reset(request):
    raw = request.POST.get("country", "")
    country = None
    if raw:
        country = next((c for c in user_countries(request) if str(c.pk) == raw), None)
        if country is None:
            raise Http404
    existed = CalendarFeedToken.objects.filter(user=request.user, country=country).exists()
    try:
        feed_token_reset(request.user, country)
    except PermissionError:
        raise Http404
    if existed:
        messages.success(request, _("A new feed URL was made; the old one no longer works."))
    else:
        messages.success(request, _("Your feed URL is ready: add it to your calendar app."))
    return redirect("feeds:list")
