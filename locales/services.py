"""Writes on government relations, shared by every door."""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import GovernmentContact, GovernmentInteraction, RegulatoryIncident
from .models.government import IncidentStatus


@transaction.atomic
def government_interaction_log(
    contact: GovernmentContact,
    *,
    kind: str,
    summary: str,
    occurred_at: dt.datetime | None = None,
    outcome: str = "",
    follow_up_on: dt.date | None = None,
    incident: RegulatoryIncident | None = None,
    by=None,
) -> GovernmentInteraction:
    """Log a meeting, call or letter; the contact's last touch moves forward with it."""
    if incident is not None and incident.country_id != contact.country_id:
        raise ValidationError({"incident": _("The incident belongs to another country.")})
    interaction = GovernmentInteraction(
        country_id=contact.country_id,
        contact=contact,
        incident=incident,
        kind=kind,
        summary=summary,
        outcome=outcome,
        occurred_at=occurred_at or timezone.now(),
        follow_up_on=follow_up_on,
        owner=by if getattr(by, "pk", None) else None,
        created_by=by if getattr(by, "pk", None) else None,
    )
    interaction.full_clean()
    interaction.save()
    contact_touch(contact)
    return interaction


def contact_touch(contact: GovernmentContact) -> None:
    """Keep last_contacted_at equal to the latest interaction (never moved back by an old entry)."""
    latest = contact.interactions.aggregate(latest=Max("occurred_at"))["latest"]
    if latest != contact.last_contacted_at:
        contact.last_contacted_at = latest
        contact.save(update_fields=["last_contacted_at", "updated_at"])


@transaction.atomic
def incident_resolve(incident: RegulatoryIncident, *, resolved_at: dt.datetime | None = None, by=None):
    """Close an incident; the days of restriction are counted from opened to resolved."""
    resolved_at = resolved_at or timezone.now()
    if resolved_at < incident.opened_at:
        raise ValidationError({"resolved_at": _("An incident cannot be resolved before it was opened.")})
    incident.status = IncidentStatus.RESOLVED
    incident.resolved_at = resolved_at
    if incident.days_restricted is None and incident.kind == "ban":
        incident.days_restricted = max(1, math.ceil((resolved_at - incident.opened_at).total_seconds() / 86400))
    incident.save()
    return incident
