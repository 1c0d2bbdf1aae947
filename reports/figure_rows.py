"""What every part of the weekly figures shares: list lengths, ISO dates and rows that carry the
total count of their query before its LIMIT (one query for a list and its size)."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Window

LIST_LIMIT = 20
SHORT_LIST = 10


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def with_total(qs: QuerySet, **extra) -> QuerySet:
    """Rows plus, on each, the count (and sums) over all matching rows before the LIMIT."""
    return qs.annotate(total_rows=Window(Count("pk")), **{k: Window(v) for k, v in extra.items()})
