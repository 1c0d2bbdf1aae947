"""Reads for team and government-relations pages. Callers scope by access first."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from opsportal.access import in_country

from .models import GovernmentContact, GovernmentInteraction, RegulatoryIncident, TeamMembership
from .models.government import IncidentStatus


def team_members(country) -> QuerySet:
    return (
        in_country(TeamMembership.objects.all(), country)
        .select_related("user", "user__profile")
        .order_by("role", "user__first_name", "user__username")
    )


def contacts_overdue(queryset: QuerySet, country, *, now: dt.datetime | None = None) -> QuerySet:
    """Contacts not touched within the country's threshold (or never)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=country.government_touch_days)
    return in_country(queryset, country).filter(Q(last_contacted_at__lt=limit) | Q(last_contacted_at__isnull=True))


def open_incidents(queryset: QuerySet, country) -> QuerySet:
    return in_country(queryset, country).exclude(status=IncidentStatus.RESOLVED).order_by("-opened_at")


def contact_interactions(contact: GovernmentContact) -> QuerySet:
    return GovernmentInteraction.objects.filter(contact=contact).select_related("incident", "owner")


def incident_timeline(incident: RegulatoryIncident) -> list[dict]:
    """Opened, every interaction and commitment, resolved: in time order."""
    items = [{"when": incident.opened_at, "kind": "opened", "incident": incident}]
    for interaction in incident.interactions.select_related("contact", "owner"):
        items.append({"when": interaction.occurred_at, "kind": "interaction", "interaction": interaction})
    for commitment in incident.commitments.select_related("contact"):
        # At its own date (its due date, at the start of that day in the country), not when it was typed.
        when = commitment.created_at
        if commitment.due_on:
            zone = incident.country.zone
            when = dt.datetime.combine(commitment.due_on, dt.time.min, tzinfo=zone)
        items.append({"when": when, "kind": "commitment", "commitment": commitment})
    if incident.resolved_at:
        items.append({"when": incident.resolved_at, "kind": "resolved", "incident": incident})
    return sorted(items, key=lambda item: item["when"])


# --- regulator and court requests ----------------------------------------------------------------


def request_figures(
    queryset: QuerySet, *, since: dt.datetime | None = None, until: dt.datetime | None = None, now=None
) -> dict[int, dict]:
    """Per country (one grouped query, whatever the number of countries): requests open, open
    past their deadline, answered (in ``[since, until)`` when given) and answered on time, with
    the on-time rate in percent (None when nothing was answered). Callers scope ``queryset``."""
    from django.db.models import Count, F

    from .models.requests import RequestStatus

    now = now or timezone.now()
    answered = Q(answered_at__isnull=False)
    if since is not None:
        answered &= Q(answered_at__gte=since)
    if until is not None:
        answered &= Q(answered_at__lt=until)
    still_open = Q(status__in=RequestStatus.open_values())
    rows = (
        queryset.order_by()
        .values("country_id")
        .annotate(
            open=Count("pk", filter=still_open),
            overdue=Count("pk", filter=still_open & Q(deadline__lt=now)),
            answered=Count("pk", filter=answered),
            on_time=Count("pk", filter=answered & Q(answered_at__lte=F("deadline"))),
        )
    )
    figures = {}
    for row in rows:
        row["rate"] = round(100 * row["on_time"] / row["answered"]) if row["answered"] else None
        figures[row.pop("country_id")] = row
    return figures


def empty_request_figures() -> dict:
    return {"open": 0, "overdue": 0, "answered": 0, "on_time": 0, "rate": None}


def requests_list(queryset: QuerySet) -> QuerySet:
    """The requests list: the handler and the number of items in one query. The count is a
    subquery, not a GROUP BY over the join: PostgreSQL computes it for the page's rows only."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import RequestItem

    items = RequestItem.objects.filter(request=OuterRef("pk")).order_by().values("request").annotate(n=Count("pk"))
    return queryset.select_related("country", "handler").annotate(
        n_items=Coalesce(Subquery(items.values("n")[:1], output_field=IntegerField()), 0)
    )
