"""Calendar feed URLs: create, reset, find. Every door (page, admin, API) goes through these."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from locales.models import Country
from opsportal.access import Perm, access_for_user

from .models import CalendarFeedToken


def feed_url(token: CalendarFeedToken) -> str:
    return settings.OPSPORTAL_BASE_URL + reverse("feeds:calendar", args=[token.token])


def feed_webcal_url(token: CalendarFeedToken) -> str:
    """The same URL with the webcal:// scheme, which calendar apps open as a subscription."""
    url = feed_url(token)
    return "webcal://" + url.split("://", 1)[1]


@transaction.atomic
def feed_token_reset(user, country: Country | None) -> CalendarFeedToken:
    """Create the feed, or give it a new secret: the old URL stops working at once.

    Raises PermissionError when the person may not read that country.
    """
    if country is not None and not access_for_user(user).can(Perm.VIEW, country.pk):
        raise PermissionError(country.pk)
    token = CalendarFeedToken.objects.select_for_update().filter(user=user, country=country).order_by("pk").first()
    if token is None:
        token = CalendarFeedToken(user=user, country=country)
    else:
        token.reset_at = timezone.now()
    token.new_secret()
    token.save()
    return token


def feed_token_find(secret: str) -> CalendarFeedToken | None:
    """The feed behind a URL's secret, or None (unknown, reset, or its owner was removed)."""
    if not secret or len(secret) > 100:
        return None
    return (
        CalendarFeedToken.objects.select_related("user", "user__profile", "country")
        .filter(token_hash=CalendarFeedToken.hash_token(secret))
        .first()
    )


def feed_mark_read(token: CalendarFeedToken) -> None:
    """Remember when a calendar app last read the feed, at most once an hour per feed."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 3600:
        CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
