"""Text search used by the portal's search box and the API's ``q`` filter.

A first, portable version (case-insensitive substring on the fields each record is known by);
PostgreSQL full-text and trigram matching replace it where available.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "influencers.influencer": ("name", "local_name", "accounts__handle"),
    "influencers.platformaccount": ("handle", "influencer__name", "influencer__local_name"),
    "challenges.challenge": ("hashtag", "title"),
    "events.event": ("name", "city", "venue"),
    "events.partner": ("name",),
    "locales.governmentcontact": ("person_name", "local_name", "organization"),
    "locales.regulatoryincident": ("title",),
    "locales.culturalmoment": ("name", "local_name"),
    "locales.country": ("name", "code"),
}


def filter_text(queryset: QuerySet, q: str) -> QuerySet:
    """Rows whose searchable fields contain every word of ``q``."""
    fields = SEARCH_FIELDS.get(queryset.model._meta.label_lower)
    words = [w.lstrip("#@") for w in (q or "").split() if w.strip("#@")]
    if not fields or not words:
        return queryset
    for word in words:
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields)))
    if any("__" in f for f in fields):
        queryset = queryset.distinct()
    return queryset
