"""The government-relations part of a country's weekly figures: interactions by kind, open
incidents, contacts gone quiet, open commitments and regulator requests (queries 12-16 of
``figures.COUNTRY_QUERIES``). Read only by government viewers (the report hides the section)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from locales.models import (
    Country,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
)
from locales.models.government import CommitmentStatus, IncidentStatus
from locales.selectors import empty_request_figures, request_figures
from opsportal.access import in_country

from .figure_rows import LIST_LIMIT, SHORT_LIST
from .figure_rows import iso as _iso
from .figure_rows import with_total as _with_total
from .weeks import WeekBounds


def government_figures(country: Country, b: WeekBounds) -> dict[str, Any]:
    by_kind = {
        row["kind"]: row["n"]
        for row in in_country(
            GovernmentInteraction.objects.filter(occurred_at__gte=b.start, occurred_at__lt=b.end), country
        )
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
    }  # query 12
    last_interaction = (
        GovernmentInteraction.objects.filter(incident=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1]
    )
    incidents = list(
        _with_total(
            in_country(RegulatoryIncident.objects.all(), country)
            .filter(opened_at__lt=b.end)
            .exclude(status=IncidentStatus.RESOLVED)
        )
        .annotate(last_interaction=Subquery(last_interaction))
        .order_by("-opened_at")
        .values("pk", "title", "kind", "status", "opened_at", "last_interaction", "total_rows")[:LIST_LIMIT]
    )  # query 13
    threshold = b.end - dt.timedelta(days=country.government_touch_days)
    contacts = list(
        _with_total(
            in_country(
                GovernmentContact.objects.annotate(last_touch=Coalesce("last_contacted_at", "created_at")), country
            ).filter(last_touch__lt=threshold)
        )
        .order_by("last_touch", "pk")
        .values("pk", "person_name", "organization", "last_touch", "total_rows")[:SHORT_LIST]
    )  # query 14
    # Open promises to a government, the earliest due first (undated last); overdue means due
    # before the report's week ended.
    commitments = list(
        _with_total(
            in_country(GovernmentCommitment.objects.all(), country).filter(status=CommitmentStatus.OPEN),
            overdue_rows=Count("pk", filter=Q(due_on__lt=b.end_date)),
        )
        .order_by(F("due_on").asc(nulls_last=True), "pk")
        .values("pk", "description", "due_on", "incident_id", "incident__title", "total_rows", "overdue_rows")[
            :LIST_LIMIT
        ]
    )  # query 15
    # Regulator requests: answered this week and how many on time; open and past their deadline
    # at the week's end (the selector keeps the rule, one grouped query).
    requests = request_figures(
        in_country(RegulatorRequest.objects.all(), country), since=b.start, until=b.end, now=b.end
    ).get(country.pk, empty_request_figures())  # query 16
    return {
        "requests": requests,
        "interactions": sum(by_kind.values()),
        "interactions_by_kind": by_kind,
        "open_incidents_count": incidents[0]["total_rows"] if incidents else 0,
        "open_incidents": [
            {
                "id": r["pk"],
                "title": r["title"],
                "kind": r["kind"],
                "status": r["status"],
                "opened_at": _iso(r["opened_at"]),
                "last_interaction": _iso(r["last_interaction"]),
            }
            for r in incidents
        ],
        "touch_days": country.government_touch_days,
        "overdue_contacts_count": contacts[0]["total_rows"] if contacts else 0,
        "overdue_contacts": [
            {
                "id": r["pk"],
                "name": r["person_name"],
                "organization": r["organization"],
                "last_touch": _iso(r["last_touch"]),
            }
            for r in contacts
        ],
        "open_commitments_count": commitments[0]["total_rows"] if commitments else 0,
        "overdue_commitments_count": commitments[0]["overdue_rows"] if commitments else 0,
        "open_commitments": [
            {
                "id": r["pk"],
                "description": r["description"][:200],
                "due_on": _iso(r["due_on"]),
                "overdue": r["due_on"] is not None and r["due_on"] < b.end_date,
                "incident_id": r["incident_id"],
                "incident": r["incident__title"] or "",
            }
            for r in commitments
        ],
    }
