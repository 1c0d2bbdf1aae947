"""Writes on government relations, shared by every door."""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opsportal.db import save_validated
from opsportal.references import on_team

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
    occurred_at = occurred_at or timezone.now()
    _check_follow_up(occurred_at, follow_up_on, contact.country)
    interaction = GovernmentInteraction(
        country_id=contact.country_id,
        contact=contact,
        incident=incident,
        kind=kind,
        summary=summary,
        outcome=outcome,
        occurred_at=occurred_at,
        follow_up_on=follow_up_on,
        owner=by if getattr(by, "pk", None) else None,
        created_by=by if getattr(by, "pk", None) else None,
    )
    interaction.full_clean()
    interaction.save()
    contact_touch(contact)
    return interaction


def _check_follow_up(occurred_at: dt.datetime | None, follow_up_on: dt.date | None, country) -> None:
    """A follow-up comes on or after the day of the interaction, that day as the country counts it."""
    if occurred_at is None or follow_up_on is None:
        return
    if follow_up_on < timezone.localtime(occurred_at, country.zone).date():
        raise ValidationError({"follow_up_on": _("The follow-up cannot be before the interaction.")})


def contact_touch(contact: GovernmentContact) -> None:
    """Keep last_contacted_at equal to the latest interaction (never moved back by an old entry)."""
    latest = contact.interactions.aggregate(latest=Max("occurred_at"))["latest"]
    if latest != contact.last_contacted_at:
        contact.last_contacted_at = latest
        contact.save(update_fields=["last_contacted_at", "updated_at"])


@transaction.atomic
def government_interaction_delete(interaction: GovernmentInteraction, *, by=None) -> None:
    """Remove a logged interaction; the contact's last touch falls back to the one before."""
    contact = interaction.contact
    interaction.delete()
    contact_touch(contact)


@transaction.atomic
def incident_resolve(incident: RegulatoryIncident, *, resolved_at: dt.datetime | None = None, by=None):
    """Close an incident; the days of restriction are counted from opened to resolved."""
    resolved_at = resolved_at or timezone.now()
    if incident.opened_at and resolved_at < incident.opened_at:
        raise ValidationError({"resolved_at": _("An incident cannot be resolved before it was opened.")})
    incident.status = IncidentStatus.RESOLVED
    incident.resolved_at = resolved_at
    if incident.days_restricted is None and incident.kind == "ban":
        incident.days_restricted = max(1, math.ceil((resolved_at - incident.opened_at).total_seconds() / 86400))
    incident.save()
    return incident


# --- contacts, incidents, commitments and cultural moments, from any door ----------------------


def _by(by):
    return by if getattr(by, "pk", None) else None


def _check_team_member(user, country_id: int, field: str) -> None:
    """Owners work in the record's country: members of its team."""
    if user is None:
        return
    if not on_team(user, country_id):
        raise ValidationError({field: _("Choose a member of this country's team.")})


@transaction.atomic
def government_contact_save(
    contact: GovernmentContact, *, by=None, contacted_at: dt.datetime | None = None
) -> GovernmentContact:
    """Add or change a government contact; its relationship owner is on the country's team.

    ``last_contacted_at`` follows the logged interactions (``contact_touch``). A spreadsheet of
    contacts may bring a touch that was never logged here (``contacted_at``): it moves the date
    forward, never back.
    """
    if contact.pk is None:
        contact.created_by = _by(by)
    if contacted_at and (contact.last_contacted_at is None or contacted_at > contact.last_contacted_at):
        contact.last_contacted_at = contacted_at
    _check_team_member(contact.relationship_owner, contact.country_id, "relationship_owner")
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def government_interaction_save(interaction: GovernmentInteraction, *, by=None) -> GovernmentInteraction:
    """Correct a logged interaction; the contacts' last touch follows (both, if it moved)."""
    if interaction.pk is None:
        return government_interaction_log(
            interaction.contact,
            kind=interaction.kind,
            summary=interaction.summary,
            occurred_at=interaction.occurred_at,
            outcome=interaction.outcome,
            follow_up_on=interaction.follow_up_on,
            incident=interaction.incident,
            by=by,
        )
    before = GovernmentInteraction.objects.filter(pk=interaction.pk).values_list("contact_id", flat=True).get()
    # An interaction stays in its country, whichever door: a contact of another country is refused,
    # never followed there.
    if interaction.contact.country_id != interaction.country_id:
        raise ValidationError({"contact": _("The contact belongs to another country.")})
    if interaction.incident is not None and interaction.incident.country_id != interaction.country_id:
        raise ValidationError({"incident": _("The incident belongs to another country.")})
    _check_follow_up(interaction.occurred_at, interaction.follow_up_on, interaction.country)
    interaction.full_clean()
    interaction.save()
    contact_touch(interaction.contact)
    if before != interaction.contact_id:
        contact_touch(GovernmentContact.objects.get(pk=before))
    return interaction


@transaction.atomic
def incident_save(incident: RegulatoryIncident, *, by=None) -> RegulatoryIncident:
    """Open or change an incident. Moving it to resolved goes through ``incident_resolve``
    (the time is checked and the days restricted are counted), whichever door it came from."""
    if incident.pk is None:
        incident.created_by = _by(by)
    _check_team_member(incident.owner, incident.country_id, "owner")
    stored = None
    if incident.pk is not None:
        stored = RegulatoryIncident.objects.filter(pk=incident.pk).values_list("status", flat=True).first()
    resolving = incident.status == IncidentStatus.RESOLVED and stored != IncidentStatus.RESOLVED
    if resolving:
        incident.status = stored or IncidentStatus.OPEN
    incident.full_clean()
    incident.save()
    if resolving:
        incident_resolve(incident, resolved_at=incident.resolved_at, by=by)
    return incident


@transaction.atomic
def commitment_save(commitment, *, by=None):
    """What we promised a regulator: its incident and contact are of the same country, its
    owner on that country's team."""
    if commitment.pk is None:
        commitment.created_by = _by(by)
    if commitment.incident_id and commitment.incident.country_id != commitment.country_id:
        raise ValidationError({"incident": _("The incident belongs to another country.")})
    if commitment.contact_id and commitment.contact.country_id != commitment.country_id:
        raise ValidationError({"contact": _("The contact belongs to another country.")})
    _check_team_member(commitment.owner, commitment.country_id, "owner")
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def cultural_moment_save(moment, *, occurrences=(), removed_occurrences=(), by=None):
    """A cultural moment with its dated occurrences (one per year), all or nothing."""
    if moment.pk is None:
        moment.created_by = _by(by)
    # One name per country, whatever its case (the model's constraint on lower(name)); when two
    # people save the same name at once, the one whose insert loses hears it the same way.
    moment.full_clean()
    save_validated(moment)
    return cultural_moment_set_dates(moment, occurrences=occurrences, removed_occurrences=removed_occurrences, by=by)


@transaction.atomic
def cultural_moment_set_dates(moment, *, occurrences=(), removed_occurrences=(), by=None):
    """Add, change or remove a moment's dated occurrences. Occurrences have no history table of
    their own: when the dates changed, one audit entry on the moment keeps them."""

    def dates():
        return [
            f"{o.year}: {o.starts_on.isoformat()}–{o.ends_on.isoformat()}"
            for o in moment.occurrences.order_by("year", "starts_on")
        ]

    before = dates()
    for occurrence in removed_occurrences:
        if occurrence.pk:
            occurrence.delete()
    for occurrence in occurrences:
        occurrence.moment = moment
        occurrence.full_clean()
        occurrence.save()
    after = dates()
    if after != before:
        from opsportal.audit import record_batch

        record_batch(
            "dates",
            moment,
            summary=_("Dates: %(dates)s") % {"dates": "; ".join(after) or "–"},
            country=moment.country_id,
            object_id=moment.pk,
            details={"dates": after, "before": {"dates": before}},
        )
    return moment
