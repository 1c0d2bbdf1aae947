"""Writes on events, their checklist and guests, shared by every door."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsportal.access import may_hold, possible_holders

from .models import Event, EventGuest, EventPartner, EventTask, GuestStatus


@transaction.atomic
def event_task_set_done(task: EventTask, done: bool, *, by=None) -> EventTask:
    """Tick or untick a checklist item; ticking records who and when."""
    if done and task.done_at is None:
        task.done_at = timezone.now()
        task.done_by = by if getattr(by, "pk", None) else None
    elif not done:
        task.done_at = None
        task.done_by = None
    task.save(update_fields=["done_at", "done_by", "updated_at"])
    return task


@transaction.atomic
def event_copy(event: Event, *, starts_at: dt.datetime, name: str | None = None, by=None) -> Event:
    """Copy an event as a new one (recurring meet-ups): partners and tasks come along,
    task due dates shift with the start; guests, attendance and outcomes do not, nor an owner or
    assignee who is no longer on the country's team."""
    shift = starts_at - event.starts_at
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.name = name or event.name
    copy.starts_at = starts_at
    copy.ends_at = event.ends_at + shift
    copy.status = "planning"
    copy.attendance = None
    copy.videos_produced = None
    copy.challenge = None
    copy.copied_from = event
    copy.created_by = by if getattr(by, "pk", None) else None
    # A copy is a new record: whoever left the country's team since does not come along.
    if copy.owner_id and not may_hold(copy.owner_id, copy.country_id, Event):
        copy.owner = None
    copy.full_clean()
    copy.save()
    EventPartner.objects.bulk_create(
        EventPartner(event=copy, partner_id=p.partner_id, role=p.role) for p in event.event_partners.all()
    )
    holders = set(possible_holders(copy.country_id, EventTask).values_list("pk", flat=True))
    for task in event.tasks.all():
        EventTask.objects.create(
            event=copy,
            title=task.title,
            assignee_id=task.assignee_id if task.assignee_id in holders else None,
            due_on=task.due_on + shift if task.due_on else None,
            created_by=copy.created_by,
        )
    return copy


@transaction.atomic
def event_guest_set_status(guest: EventGuest, status: str, *, by=None) -> EventGuest:
    """Record an invitation's answer (invited, confirmed, declined, attended)."""
    if status not in GuestStatus.values:
        raise ValidationError({"status": _("Unknown guest status: %(status)s.") % {"status": status}})
    if status != guest.status:
        guest.status = status
        guest.save(update_fields=["status", "updated_at"])
    return guest


@transaction.atomic
def event_save(event: Event, *, by=None) -> Event:
    """Create or update an event after validating it; a new event's currency defaults to its country's."""
    if event.pk is None:
        event.created_by = by if getattr(by, "pk", None) else None
    if not event.currency and event.country_id:
        event.currency = event.country.currency
    event.full_clean()
    event.save()
    return event
