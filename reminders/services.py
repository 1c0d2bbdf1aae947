"""Finding and queueing reminders: which countries are in their sending hours, and what is due there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from locales.models import Country, StaffProfile
from opsportal import mail
from opsportal.access import ROLE_PERMISSIONS, Perm
from opsportal.models import ReminderDelivery
from opsportal.models.outbox import DeliveryStatus

from .kinds import perm_for_kind
from .rules import RULES, URGENT_RULES, Occasion, RuleContext


def send_hours() -> tuple[int, int]:
    """Local hours [start, end) in which reminders go out: working hours, not 03:00."""
    start = settings.OPSPORTAL_SEND_HOUR
    return start, getattr(settings, "OPSPORTAL_REMINDER_END_HOUR", 18)


def in_send_hours(now: dt.datetime, tz: str) -> bool:
    start, end = send_hours()
    return start <= now.astimezone(ZoneInfo(tz)).hour < end


def countries_due(now: dt.datetime | None = None) -> list[int]:
    """Countries where it is now working hours; a tick runs their rules (again: keys make it once)."""
    now = now or timezone.now()
    return [pk for pk, tz in Country.objects.order_by("pk").values_list("pk", "timezone") if in_send_hours(now, tz)]


def countries_after_hours(now: dt.datetime | None = None) -> list[int]:
    """Countries outside their working hours: a tick runs only their ``URGENT_RULES``."""
    now = now or timezone.now()
    return [pk for pk, tz in Country.objects.order_by("pk").values_list("pk", "timezone") if not in_send_hours(now, tz)]


def occasions_for(country: Country, now: dt.datetime | None = None, *, urgent_only: bool = False) -> list[Occasion]:
    """Every reminder due in the country's local today, one per key (``urgent_only``: those of
    ``URGENT_RULES``, which do not wait for working hours)."""
    ctx = RuleContext(country, now or timezone.now())
    found: dict[str, Occasion] = {}
    for rule in URGENT_RULES if urgent_only else RULES:
        for occasion in rule(ctx):
            found.setdefault(occasion.key, occasion)
    # Owners and assignees are named on the records; only those still on the country's team (with
    # the government role for government reminders) hear about them. The team is the one the rules
    # already loaded: no extra query. Checked again when sending (reminders.emails.may_still_receive).
    readers: dict[str, set[int]] = {Perm.VIEW: set(), Perm.GOVERNMENT_VIEW: set(), Perm.FINANCE_VIEW: set()}
    for user_id, role in ctx.team:
        for perm, people in readers.items():
            if perm in ROLE_PERMISSIONS.get(role, frozenset()):
                people.add(user_id)
    return [o for o in found.values() if o.recipient_id in readers[perm_for_kind(o.kind)]]


def muted_kinds(user_ids) -> dict[int, set[str]]:
    return {
        user_id: set(kinds or [])
        for user_id, kinds in StaffProfile.objects.filter(user_id__in=set(user_ids)).values_list(
            "user_id", "muted_reminders"
        )
    }


def queue_country_reminders(
    country: Country, now: dt.datetime | None = None, *, urgent_only: bool = False
) -> list[int]:
    """Record every due reminder of a country once (muted ones as skipped); return ids to send now.

    Safe to run any number of times, by any number of workers: rows are keyed per occasion and
    recipient, inserted with ON CONFLICT DO NOTHING.
    """
    occasions = occasions_for(country, now, urgent_only=urgent_only)
    muted = muted_kinds(o.recipient_id for o in occasions)
    rows = []
    for o in occasions:
        is_muted = o.kind in muted.get(o.recipient_id, ())
        rows.append(
            ReminderDelivery(
                key=o.key,
                recipient_id=o.recipient_id,
                kind=o.kind,
                payload=o.payload,
                status=DeliveryStatus.SKIPPED if is_muted else DeliveryStatus.QUEUED,
                last_error="muted by the recipient" if is_muted else "",
            )
        )
    return mail.queue(rows)


@dataclass
class Planned:
    occasion: Occasion
    email: str
    state: str  # "new", "muted" or "already" (recorded by an earlier run)


def plan(country: Country, now: dt.datetime | None = None) -> list[Planned]:
    """What ``queue_country_reminders`` would record, without writing anything (for --dry-run)."""
    occasions = occasions_for(country, now)
    if not occasions:
        return []
    existing = set(ReminderDelivery.objects.filter(key__in=[o.key for o in occasions]).values_list("key", flat=True))
    muted = muted_kinds(o.recipient_id for o in occasions)
    emails = dict(
        get_user_model().objects.filter(pk__in={o.recipient_id for o in occasions}).values_list("pk", "email")
    )
    planned = []
    for o in occasions:
        if o.key in existing:
            state = "already"
        elif o.kind in muted.get(o.recipient_id, ()):
            state = "muted"
        else:
            state = "new"
        planned.append(Planned(o, emails.get(o.recipient_id, ""), state))
    return planned
