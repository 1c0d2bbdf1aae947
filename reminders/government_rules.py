"""The government-relations reminders: contacts going quiet, incidents without news, commitments
and follow-ups coming due, and regulator requests on their clock. They reach only people who
may see government records (``GOVERNMENT_KINDS``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from locales.models import (
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
    Role,
)
from locales.models.government import CommitmentStatus, IncidentStatus
from locales.models.requests import RequestStatus
from opsportal.access import in_country
from opsportal.links import record_path

from .context import COMMITMENT_LEAD_DAYS, FOLLOW_UP_CATCHUP_DAYS, REQUEST_STAGES, Occasion, RuleContext, iso_or_none
from .kinds import ReminderKind

GOVERNMENT_ROLES = (Role.LEAD, Role.GOVERNMENT_RELATIONS)


def government_contact(ctx: RuleContext) -> Iterable[Occasion]:
    """A contact not touched for longer than the country's threshold: government roles and the lead."""
    recipients = ctx.members(GOVERNMENT_ROLES)
    if not recipients:
        return
    cutoff = ctx.now - dt.timedelta(days=ctx.country.government_touch_days)
    rows = (
        in_country(
            GovernmentContact.objects.annotate(last_touch=Coalesce("last_contacted_at", "created_at")), ctx.country
        )
        .filter(last_touch__lt=cutoff)
        .values("pk", "person_name", "organization", "last_touch")
    )
    for c in rows:
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.GOVERNMENT_CONTACT,
                f"{c['pk']}:{c['last_touch'].strftime('%Y%m%dT%H%M%S')}",
                user_id,
                contact=c["person_name"],
                organization=c["organization"],
                last_touch=iso_or_none(c["last_touch"]),
                days=ctx.country.government_touch_days,
                path=record_path("government_contact", c["pk"]),
            )


def incident_stale(ctx: RuleContext) -> Iterable[Occasion]:
    """An open incident with no interaction for 24 hours: government roles and the lead, once per lull."""
    recipients = ctx.members(GOVERNMENT_ROLES)
    if not recipients:
        return
    cutoff = ctx.now - dt.timedelta(hours=24)
    last = (
        GovernmentInteraction.objects.filter(incident=OuterRef("pk")).values("incident").annotate(m=Max("occurred_at"))
    )
    rows = (
        in_country(RegulatoryIncident.objects.all(), ctx.country)
        .filter(status=IncidentStatus.OPEN)
        .annotate(last_activity=Coalesce(Subquery(last.values("m")[:1]), F("opened_at")))
        .filter(last_activity__lt=cutoff)
        .values("pk", "title", "last_activity")
    )
    for i in rows:
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.INCIDENT_STALE,
                f"{i['pk']}:{i['last_activity'].strftime('%Y%m%dT%H%M%S')}",
                user_id,
                incident=i["title"],
                last_activity=iso_or_none(i["last_activity"]),
                path=record_path("incident", i["pk"]),
            )


def commitment_due(ctx: RuleContext) -> Iterable[Occasion]:
    """An open commitment to a government due within three days, then on its day, to its owner.

    Two occasions per due date ("ahead" and "today"): a day missed while the system was down
    still reminds once, and moving the due date reminds again."""
    rows = (
        in_country(GovernmentCommitment.objects.all(), ctx.country)
        .filter(
            status=CommitmentStatus.OPEN,
            owner__is_active=True,
            due_on__gte=ctx.today,
            due_on__lte=ctx.day(COMMITMENT_LEAD_DAYS),
        )
        .order_by("due_on", "pk")
        .values("pk", "description", "due_on", "owner_id", "incident_id", "incident__title")
    )
    for c in rows:
        days = (c["due_on"] - ctx.today).days
        yield ctx.occasion(
            ReminderKind.COMMITMENT_DUE,
            f"{c['pk']}:{c['due_on']}:{'today' if days == 0 else 'ahead'}",
            c["owner_id"],
            commitment=c["description"][:200],
            incident=c["incident__title"] or "",
            due_on=iso_or_none(c["due_on"]),
            days=days,
            path=record_path("incident", c["incident_id"]) if c["incident_id"] else record_path("commitment", c["pk"]),
        )


def government_follow_up(ctx: RuleContext) -> Iterable[Occasion]:
    """A government interaction's follow-up date reached, to the contact's relationship owner (or
    whoever logged it) — unless the contact has been met again since."""
    later = GovernmentInteraction.objects.filter(contact=OuterRef("contact"), occurred_at__gt=OuterRef("occurred_at"))
    rows = (
        in_country(GovernmentInteraction.objects.all(), ctx.country)
        .filter(
            follow_up_on__gte=ctx.day(-FOLLOW_UP_CATCHUP_DAYS),
            follow_up_on__lte=ctx.today,
        )
        .filter(~Exists(later))
        .annotate(person=Coalesce("contact__relationship_owner_id", "owner_id"))
        .filter(person__isnull=False)
        .values(
            "pk", "summary", "follow_up_on", "person", "contact_id", "contact__person_name", "contact__organization"
        )
    )
    for r in rows:
        yield ctx.occasion(
            ReminderKind.GOVERNMENT_FOLLOW_UP,
            f"{r['pk']}:{r['follow_up_on']}",
            r["person"],
            contact=r["contact__person_name"],
            organization=r["contact__organization"],
            summary=r["summary"][:200],
            due_on=iso_or_none(r["follow_up_on"]),
            path=record_path("government_contact", r["contact_id"]),
        )


def _request_rows(ctx: RuleContext, **lookups):
    return (
        in_country(RegulatorRequest.objects.all(), ctx.country)
        .filter(status__in=RequestStatus.open_values(), **lookups)
        .order_by("deadline", "pk")
        .values("pk", "kind", "authority", "reference", "deadline", "handler_id", "handler__is_active")
    )


def _request_payload(r: dict) -> dict:
    return {
        "authority": r["authority"],
        "reference": r["reference"],
        "request_kind": r["kind"],
        "deadline": iso_or_none(r["deadline"]),
        "path": record_path("regulator_request", r["pk"]),
    }


def request_due(ctx: RuleContext, *, urgent: bool = False) -> Iterable[Occasion]:
    """An open regulator request whose deadline is within 24 hours, then within 4 hours: to its
    handler (to the country's government roles while nobody handles it). One reminder per stage
    and deadline: the tightest stage reached is the one sent, so a request logged 3 hours before
    its deadline gets the 4-hour reminder only. ``urgent``: the 4-hour stage alone (run at
    any hour, see ``URGENT_RULES``)."""
    rows = _request_rows(ctx, deadline__gte=ctx.now, deadline__lte=ctx.now + REQUEST_STAGES[-1][0])
    government = ctx.members(GOVERNMENT_ROLES)
    for r in rows:
        left = r["deadline"] - ctx.now
        stage = next(name for limit, name in REQUEST_STAGES if left <= limit)
        if urgent and stage != "4h":
            continue
        recipients = [r["handler_id"]] if r["handler_id"] and r["handler__is_active"] else government
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.REQUEST_DUE,
                f"{r['pk']}:{r['deadline'].strftime('%Y%m%dT%H%M%S')}:{stage}",
                user_id,
                stage=stage,
                hours=max(0, int(left.total_seconds() // 3600)),
                **_request_payload(r),
            )


def request_overdue(ctx: RuleContext) -> Iterable[Occasion]:
    """An open regulator request past its deadline: escalated to its handler and to the country's
    leads and government-relations members, once per deadline (a new deadline escalates again)."""
    rows = _request_rows(ctx, deadline__lt=ctx.now)
    government = ctx.members(GOVERNMENT_ROLES)
    for r in rows:
        recipients = list(government)
        if r["handler_id"] and r["handler__is_active"] and r["handler_id"] not in recipients:
            recipients.insert(0, r["handler_id"])
        for user_id in recipients:
            yield ctx.occasion(
                ReminderKind.REQUEST_OVERDUE,
                f"{r['pk']}:{r['deadline'].strftime('%Y%m%dT%H%M%S')}",
                user_id,
                handler=r["handler_id"] == user_id,
                **_request_payload(r),
            )
