"""Links back to the portal's pages, for emails, notifications, calendar feeds, webhooks and search.

One table of the portal's URL names, so every door that points at a record points at the same page.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Per kind of record: its detail page, and the page to fall back on when it has none.
RECORD_PAGES: dict[str, tuple[str | None, str]] = {
    "challenge": ("challenges:detail", "challenges:list"),
    "event": ("events:detail", "events:list"),
    "influencer": ("influencers:detail", "influencers:list"),
    "government_contact": ("locales:contact", "locales:government"),
    "incident": ("locales:incident", "locales:incidents"),
    "commitment": ("locales:commitment_edit", "locales:government"),
    "regulator_request": ("locales:request", "locales:requests"),
    "partner": (None, "events:list"),
    "relationships": (None, "portal:dashboard"),
    "moment": (None, "portal:calendar"),
    "weekly_report": ("reports:detail", "reports:list"),
    "report": ("reports:detail", "reports:list"),
    "agreement": ("agreements:detail", "agreements:list"),
    "goal": (None, "goals:index"),
}


def record_path(kind: str, pk: int | None = None) -> str:
    """The portal path of a record, or of its list when the portal has no page for it."""
    detail, fallback = RECORD_PAGES.get(kind, (None, "portal:dashboard"))
    if detail and pk is not None:
        try:
            return reverse(detail, kwargs={"pk": pk})
        except NoReverseMatch:
            pass
    return reverse(fallback)


def absolute(path: str) -> str:
    """A portal path as the full address an email or a calendar app needs (``OPSPORTAL_BASE_URL``)."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.OPSPORTAL_BASE_URL}{path}"


def record_url(kind: str, pk: int | None = None) -> str:
    return absolute(record_path(kind, pk))
