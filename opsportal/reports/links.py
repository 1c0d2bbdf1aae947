"""Links from emails and notifications back to the portal's pages."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Per record: the detail page names to try (the portal's URL names), then a list page to fall back on.
RECORD_PAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "challenge": (("challenges:detail", "challenges:challenge_detail"), ("challenges:list",)),
    "event": (("events:detail", "events:event_detail"), ("events:list",)),
    "influencer": (("influencers:detail", "influencers:influencer_detail"), ("influencers:list",)),
    "government_contact": (
        ("locales:government_contact", "locales:contact_detail", "locales:government_contact_detail"),
        ("locales:government",),
    ),
    "incident": (
        ("locales:incident", "locales:incident_detail", "locales:government_incident"),
        ("locales:government",),
    ),
    "moment": (("locales:moment", "locales:moment_detail", "locales:cultural_moment"), ("portal:calendar",)),
    "weekly_report": (("reports:detail",), ("reports:list",)),
}


def record_path(kind: str, pk: int | None = None) -> str:
    """The portal path of a record, or of its list when the portal has no page for it."""
    details, lists = RECORD_PAGES.get(kind, ((), ()))
    if pk is not None:
        for name in details:
            try:
                return reverse(name, kwargs={"pk": pk})
            except NoReverseMatch:
                continue
    for name in lists:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


def absolute(path: str) -> str:
    """A portal path as the full address an email needs (``OPSPORTAL_BASE_URL``)."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.OPSPORTAL_BASE_URL}{path}"
