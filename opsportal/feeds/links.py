"""Absolute links back to the portal, for calendar entries and webhook payloads."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Portal URL name first (when the portal defines it), then the path it is known to live at.
_ROUTES: dict[str, tuple[str, str]] = {
    "challenge": ("challenges:detail", "/challenges/{pk}/"),
    "influencer": ("influencers:detail", "/influencers/{pk}/"),
    "event": ("events:detail", "/events/{pk}/"),
    "moment": ("locales:moment_detail", "/moments/{pk}/"),
    "government_contact": ("locales:contact_detail", "/government/contacts/{pk}/"),
    "incident": ("locales:incident_detail", "/government/incidents/{pk}/"),
    "report": ("reports:detail", "/reports/{pk}/"),
}


def portal_path(kind: str, pk) -> str:
    """The record's page in the portal, e.g. ``/challenges/12/``."""
    name, fallback = _ROUTES[kind]
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return fallback.format(pk=pk)


def portal_url(kind: str, pk) -> str:
    """The same page as an absolute URL, for calendar apps and integrations."""
    return settings.OPSPORTAL_BASE_URL + portal_path(kind, pk)
